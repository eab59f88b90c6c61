/* SPDX-License-Identifier: MIT */
/* Rules about TCP connections: the seed's LSO story first, then plain
 * network loss, receiver stalls, aborts, and what the capture itself missed.
 * They read the notable flows the tcp module kept (worst first) and its
 * totals. */
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules.h"

#define MAX_FLOW_FINDINGS 10 /* per rule: the worst flows; totals say the rest */
#define LOSS_MIN_SEGMENTS 3
#define LOSS_MIN_RATE     0.005
#define LSO_WINDOW        (5 * ND_NS_PER_SEC)

static void flow_subject(struct nd_finding *f, const struct nd_tcp_flow_summary *s, int dir)
{
	int a = dir, b = !dir;
	nd_endpoint_pair_format(s->ip_version, s->addr[a], s->port[a], s->addr[b], s->port[b],
	                        f->subject, sizeof(f->subject));
}

/* A finding about one direction of a flow, over the flow's time range. */
static struct nd_finding *flow_finding(struct nd_findings *out, const char *id,
                                       enum nd_severity sev, const struct nd_tcp_flow_summary *s,
                                       int dir)
{
	struct nd_finding *f = nd_findings_add(out, id, sev, "flow");
	if (!f)
		return NULL;
	flow_subject(f, s, dir);
	f->first_ts = s->first_ts;
	f->last_ts = s->last_ts;
	return f;
}

static const char *addr_of(const struct nd_tcp_flow_summary *s, int side, char *buf, size_t len)
{
	return nd_addr_format(s->ip_version, s->addr[side], buf, len);
}

/* Oversized segments and retransmissions of that direction in the same few
 * seconds (the per-flow series holds both). */
static bool lso_loss_coincide(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_series *se = &s->series;
	uint32_t span = (uint32_t)(LSO_WINDOW / se->width) + 1;
	for (uint32_t i = 0; i < se->n; i++) {
		if (!se->b[i].oversized_by[x])
			continue;
		for (uint32_t j = i; j < se->n && j <= i + span; j++)
			if (se->b[j].loss_by[x])
				return true;
	}
	return false;
}

/* The seed's pattern: a sender's super-segments, then lost data, duplicate
 * ACKs from the receiver and retransmissions of that data. */
static bool is_lso_drop(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *tx = &s->dir[x].an, *rx = &s->dir[!x].an;
	if (!tx->oversized_segment || !tx->retransmission)
		return false;
	bool receiver_noticed = rx->duplicate_ack >= 2 || rx->dup_ack_storm || tx->lost_segment ||
	                        rx->ack_lost_segment;
	return receiver_noticed && lso_loss_coincide(s, x);
}

static void lso_drop_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *tx = &s->dir[x].an, *rx = &s->dir[!x].an;
	struct nd_finding *f = flow_finding(out, "tcp.lso_drop_suspected", ND_SEV_ERROR, s, x);
	if (!f)
		return;
	char snd[64];
	addr_of(s, x, snd, sizeof(snd));
	f->first_ts = s->oversized_first[x];
	char gaps[64] = "";
	if (tx->lost_segment)
		snprintf(gaps, sizeof(gaps), ", %llu gaps in the data seen here",
		         (unsigned long long)tx->lost_segment);
	snprintf(
	        f->summary, sizeof(f->summary),
	        "%s sends TCP segments of up to %u bytes, far above the MSS of %u (segmentation "
	        "offload), and they are lost on the way: %llu retransmissions, %llu duplicate ACKs "
	        "from the receiver%s; transfers stall and restart",
	        snd, s->dir[x].max_segment, s->mss_used[x], (unsigned long long)tx->retransmission,
	        (unsigned long long)rx->duplicate_ack, gaps);
	snprintf(f->advice, sizeof(f->advice),
	         "Turn off large send offload on the sender %s: on Linux `ethtool -K IFACE tso "
	         "off gso off`; in a Windows guest `Disable-NetAdapterLso -Name \"Ethernet\"` (or "
	         "set Large Send Offload v2 to Disabled in the adapter's advanced properties). Or "
	         "fix the device that drops them: on the Linux bridge check `ethtool -k br0` (look "
	         "for 'off [requested on]') and with `ip -d link` that every bridge port has the "
	         "same MTU.",
	         snd);
	nd_finding_evidence(f, "oversized_segments", tx->oversized_segment);
	nd_finding_evidence(f, "max_segment", s->dir[x].max_segment);
	nd_finding_evidence(f, "mss", s->mss_used[x]);
	nd_finding_evidence(f, "retransmissions", tx->retransmission);
	nd_finding_evidence(f, "retransmitted_bytes", tx->retransmitted_bytes);
	nd_finding_evidence(f, "lost_segments", tx->lost_segment);
	nd_finding_evidence(f, "duplicate_acks", rx->duplicate_ack);
	nd_finding_evidence(f, "dup_ack_storms", rx->dup_ack_storm);
	nd_finding_evidence(f, "flow_id", s->id);
}

static void oversized_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int x)
{
	struct nd_finding *f = flow_finding(out, "tcp.oversized_segments", ND_SEV_INFO, s, x);
	if (!f)
		return;
	char snd[64];
	addr_of(s, x, snd, sizeof(snd));
	f->first_ts = s->oversized_first[x];
	f->last_ts = s->oversized_last[x];
	snprintf(f->summary, sizeof(f->summary),
	         "%llu segments from %s carry more than the MSS of %u bytes (up to %u): "
	         "segmentation "
	         "offload (TSO/GSO/LSO) or receive coalescing (GRO/LRO) at the capture point",
	         (unsigned long long)s->dir[x].an.oversized_segment, snd, s->mss_used[x],
	         s->dir[x].max_segment);
	snprintf(f->advice, sizeof(f->advice),
	         "Harmless by themselves where this capture was taken on the sending host (the NIC "
	         "cuts them) or on the receiver (GRO merged them). On a bridge or router they must "
	         "be re-segmented or they are dropped: if transfers through it are slow, see "
	         "tcp.lso_drop_suspected and `ethtool -k IFACE`.");
	nd_finding_evidence(f, "oversized_segments", s->dir[x].an.oversized_segment);
	nd_finding_evidence(f, "max_segment", s->dir[x].max_segment);
	nd_finding_evidence(f, "mss", s->mss_used[x]);
	nd_finding_evidence(f, "flow_id", s->id);
}

static uint64_t real_retransmissions(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *c = &s->dir[x].an;
	uint64_t artefacts = c->spurious_retransmission + s->loss[x].duplicate_frames;
	return c->retransmission > artefacts ? c->retransmission - artefacts : 0;
}

static bool is_network_loss(const struct nd_tcp_flow_summary *s, int x)
{
	uint64_t n = real_retransmissions(s, x);
	uint64_t bytes = s->dir[x].payload_bytes;
	if (n < LOSS_MIN_SEGMENTS || !bytes)
		return false;
	return (double)s->dir[x].an.retransmitted_bytes / (double)bytes >= LOSS_MIN_RATE;
}

static void network_loss_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s,
                                 int x)
{
	const struct nd_tcp_counts *c = &s->dir[x].an;
	struct nd_finding *f = flow_finding(out, "tcp.network_loss", ND_SEV_WARNING, s, x);
	if (!f)
		return;
	double rate = 100.0 * (double)c->retransmitted_bytes / (double)s->dir[x].payload_bytes;
	snprintf(f->summary, sizeof(f->summary),
	         "%.2f%% of the data was sent again (%llu retransmissions, %llu of them fast): "
	         "packets are lost in the network",
	         rate, (unsigned long long)c->retransmission,
	         (unsigned long long)c->fast_retransmission);
	snprintf(f->advice, sizeof(f->advice),
	         "Look for the dropping hop: interface error and drop counters (`ip -s -s link`, "
	         "`ethtool -S IFACE`) on both hosts and on switches along the path, duplex or "
	         "cabling "
	         "faults, and congested links; capture on both ends to locate it.");
	nd_finding_evidence_real(f, "retransmitted_percent", rate);
	nd_finding_evidence(f, "retransmissions", c->retransmission);
	nd_finding_evidence(f, "fast_retransmissions", c->fast_retransmission);
	nd_finding_evidence(f, "retransmitted_bytes", c->retransmitted_bytes);
	nd_finding_evidence(f, "payload_bytes", s->dir[x].payload_bytes);
	nd_finding_evidence(f, "gaps_network_loss", s->loss[x].gaps_retransmitted);
	nd_finding_evidence(f, "flow_id", s->id);
}

static void storm_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int r)
{
	const struct nd_tcp_dir_summary *d = &s->dir[r];
	struct nd_finding *f = flow_finding(out, "tcp.dup_ack_storm", ND_SEV_WARNING, s, !r);
	if (!f)
		return;
	char rcv[64];
	addr_of(s, r, rcv, sizeof(rcv));
	snprintf(
	        f->summary, sizeof(f->summary),
	        "%s answered with %llu storms of duplicate ACKs (the longest %llu in a row, %.3f s "
	        "in all): it kept asking for data that did not arrive",
	        rcv, (unsigned long long)d->an.dup_ack_storm,
	        (unsigned long long)d->longest_dup_ack_run, nd_ns_to_sec(s->dup_ack_storm_time[r]));
	snprintf(
	        f->advice, sizeof(f->advice),
	        "A storm follows a lost segment while the sender keeps sending: find where packets "
	        "of this flow are dropped (see tcp.network_loss or tcp.lso_drop_suspected), and "
	        "check for oversized segments from the sender.");
	nd_finding_evidence(f, "dup_ack_storms", d->an.dup_ack_storm);
	nd_finding_evidence(f, "longest_run", d->longest_dup_ack_run);
	nd_finding_evidence(f, "duplicate_acks", d->an.duplicate_ack);
	nd_finding_evidence_real(f, "storm_seconds", nd_ns_to_sec(s->dup_ack_storm_time[r]));
	nd_finding_evidence(f, "flow_id", s->id);
}

static void zero_window_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int r)
{
	const struct nd_tcp_dir_summary *d = &s->dir[r];
	struct nd_finding *f = flow_finding(out, "tcp.zero_window", ND_SEV_WARNING, s, !r);
	if (!f)
		return;
	char rcv[64];
	addr_of(s, r, rcv, sizeof(rcv));
	snprintf(
	        f->summary, sizeof(f->summary),
	        "%s advertised a zero receive window %llu times and stalled the sender for %.3f s: "
	        "the receiving application did not read fast enough",
	        rcv, (unsigned long long)d->an.zero_window, nd_ns_to_sec(s->zero_window_time[r]));
	snprintf(
	        f->advice, sizeof(f->advice),
	        "The bottleneck is the receiver, not the network: check its CPU and disk (for a "
	        "Samba server: storage latency, `smbstatus`, and the smbd process), and its socket "
	        "buffer limits (`sysctl net.ipv4.tcp_rmem`).");
	nd_finding_evidence(f, "zero_windows", d->an.zero_window);
	nd_finding_evidence(f, "zero_window_probes", s->dir[!r].an.zero_window_probe);
	nd_finding_evidence_real(f, "stalled_seconds", nd_ns_to_sec(s->zero_window_time[r]));
	nd_finding_evidence(f, "flow_id", s->id);
}

static void rst_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s)
{
	struct nd_finding *f = flow_finding(out, "tcp.rst_abort", ND_SEV_WARNING, s, 0);
	if (!f)
		return;
	int who = s->dir[0].rst ? 0 : 1;
	char snd[64];
	addr_of(s, who, snd, sizeof(snd));
	snprintf(f->summary, sizeof(f->summary),
	         "The connection was reset by %s while data was still unacknowledged, without a "
	         "FIN: a transfer was cut off",
	         snd);
	snprintf(f->advice, sizeof(f->advice),
	         "Check the logs of the side that reset (for smbd: `journalctl -u smbd` or "
	         "log.smbd) for a crash, timeout or refused session, and firewalls or load "
	         "balancers "
	         "that reset idle or long transfers.");
	nd_finding_evidence(f, "client_resets", s->dir[0].rst);
	nd_finding_evidence(f, "server_resets", s->dir[1].rst);
	nd_finding_evidence(f, "flow_id", s->id);
}

static bool budget(unsigned *n)
{
	return (*n)++ < MAX_FLOW_FINDINGS;
}

/* One direction's data problems: the most specific cause wins. */
static void flow_direction_rules(struct nd_findings *out, const struct nd_tcp_flow_summary *s,
                                 int x, unsigned counts[4])
{
	if (is_lso_drop(s, x)) {
		if (budget(&counts[0]))
			lso_drop_finding(out, s, x);
		return;
	}
	if (s->dir[x].an.oversized_segment && budget(&counts[1]))
		oversized_finding(out, s, x);
	if (is_network_loss(s, x) && budget(&counts[2]))
		network_loss_finding(out, s, x);
	if (s->dir[!x].an.dup_ack_storm && budget(&counts[3]))
		storm_finding(out, s, !x);
}

static void rule_flows(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	unsigned counts[4] = {0}, zw = 0, rst = 0;
	for (size_t i = 0; i < n; i++) {
		const struct nd_tcp_flow_summary *s = &flows[i];
		for (int x = 0; x < 2; x++) {
			flow_direction_rules(out, s, x, counts);
			if (s->dir[x].an.zero_window && budget(&zw))
				zero_window_finding(out, s, x);
		}
		if (s->rst_abort && budget(&rst))
			rst_finding(out, s);
	}
}

static void rule_flow_table_full(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	if (!t->evicted_table_full)
		return;
	struct nd_finding *f =
	        nd_findings_add(out, "tcp.flow_table_full", ND_SEV_WARNING, "capture");
	if (!f)
		return;
	snprintf(f->summary, sizeof(f->summary),
	         "More than %u TCP connections were active at once; %llu were retired early and "
	         "their later packets were analysed as new connections",
	         nd_tcp_max_flows(in->tcp), (unsigned long long)t->evicted_table_full);
	snprintf(f->advice, sizeof(f->advice),
	         "Raise the limit with `--max-flows N` (memory grows with it), or filter the "
	         "capture to the hosts and ports of interest.");
	nd_finding_evidence(f, "evicted_table_full", t->evicted_table_full);
	nd_finding_evidence(f, "max_flows", nd_tcp_max_flows(in->tcp));
	nd_finding_evidence(f, "flows", t->flows);
}

/* The capture missed packets the endpoints did not: gaps ACKed without a
 * retransmission, ACKs for data never seen, and the capture's own drop
 * counters. Capture ordering (ACK before data) is not loss. */
static void rule_capture_loss(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	struct nd_capture_totals ct;
	nd_capture_summary_totals(in->capture, &ct);
	uint64_t drops = ct.drops_known ? ct.drops_if + ct.drops_kernel : 0;
	uint64_t unseen = t->an.ack_lost_segment > t->loss.ack_before_data
	                          ? t->an.ack_lost_segment - t->loss.ack_before_data
	                          : 0;
	if (!drops && !t->loss.gaps_capture && !unseen)
		return;
	struct nd_finding *f = nd_findings_add(out, "capture.loss", ND_SEV_WARNING, "capture");
	if (!f)
		return;
	f->first_ts = ct.first_ts;
	f->last_ts = ct.last_ts;
	snprintf(f->summary, sizeof(f->summary),
	         "The capture, not the network, missed packets: %llu sequence gaps were "
	         "acknowledged "
	         "by the receiver without any retransmission (%llu bytes), %llu ACKs covered data "
	         "never captured, and the capture tool reported %llu drops",
	         (unsigned long long)t->loss.gaps_capture,
	         (unsigned long long)t->loss.gap_bytes_capture, (unsigned long long)unseen,
	         (unsigned long long)drops);
	snprintf(f->advice, sizeof(f->advice),
	         "Treat these gaps as blind spots, not as network loss. Capture with a larger "
	         "buffer and a filter (`tcpdump -i IFACE -B 65536 -w FILE 'tcp port 445'`), on "
	         "the host itself rather than a busy mirror port, and write to a fast local disk.");
	nd_finding_evidence(f, "gaps_capture_loss", t->loss.gaps_capture);
	nd_finding_evidence(f, "capture_loss_bytes", t->loss.gap_bytes_capture);
	nd_finding_evidence(f, "acked_unseen", unseen);
	nd_finding_evidence(f, "drops_reported", drops);
}

/* Frames that look like anomalies to Wireshark but are the capture's doing. */
static void rule_artefacts(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	if (!t->loss.duplicate_frames && !t->loss.ack_before_data)
		return;
	struct nd_finding *f = nd_findings_add(out, "capture.artefacts", ND_SEV_INFO, "capture");
	if (!f)
		return;
	snprintf(f->summary, sizeof(f->summary),
	         "%llu frames are exact copies of the frame before them and %llu data segments "
	         "were captured after the ACK that covers them; tools that do not tell these apart "
	         "report them as retransmissions, duplicate ACKs and ACKed-unseen segments",
	         (unsigned long long)t->loss.duplicate_frames,
	         (unsigned long long)t->loss.ack_before_data);
	snprintf(
	        f->advice, sizeof(f->advice),
	        "Duplicates come from capturing the same traffic twice (several taps, a VM and its "
	        "host, `-i any` with a bridge); ACK-before-data from mirror ports or offload. "
	        "Capture on a single interface of one host to avoid them.");
	nd_finding_evidence(f, "duplicate_frames", t->loss.duplicate_frames);
	nd_finding_evidence(f, "ack_before_data", t->loss.ack_before_data);
}

void nd_rules_tcp(const struct nd_diag_input *in, struct nd_findings *out)
{
	rule_flow_table_full(in, out);
	rule_capture_loss(in, out);
	rule_artefacts(in, out);
	rule_flows(in, out);
}

bool nd_rules_tcp_lso_from(const struct nd_diag_input *in, const struct nd_offload_iface *ifc)
{
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	for (size_t i = 0; i < n; i++)
		for (int x = 0; x < 2; x++) {
			const struct nd_tcp_flow_summary *s = &flows[i];
			const struct nd_tcp_counts *c = &s->dir[x].an;
			bool pattern =
			        c->oversized_segment && (c->retransmission || c->lost_segment);
			if (pattern && nd_offload_has_addr(ifc, s->ip_version, s->addr[x]))
				return true;
		}
	return false;
}
