/* SPDX-License-Identifier: MIT */
/* Rules about TCP connections: the seed's LSO story first, then plain
 * network loss, receiver stalls, aborts, and what the capture itself missed.
 * One finding per connection and rule, both directions inside it. Loss is
 * claimed only from real retransmissions: spurious ones (already ACKed, or
 * reported duplicate by D-SACK), capture duplicates and retries to a peer
 * that went silent are not loss. */
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules.h"

#define MAX_FLOW_FINDINGS 10 /* per rule: the worst flows; totals say the rest */
#define LOSS_MIN_SEGMENTS 3
#define LOSS_MIN_BYTES    1024 /* below it, a few small retries: too little to call loss */
#define LOSS_MIN_RATE     0.005
#define LSO_WINDOW        (5 * ND_NS_PER_SEC)
#define ZW_MIN_CONTEXT    (100 * ND_NS_PER_MS)
#define ZW_MIN_WARNING    ND_NS_PER_SEC
#define ZW_MIN_FRACTION   0.05
#define WINDOWS_LSO_CMD   "Disable-NetAdapterLso -Name \"Ethernet\""

static void flow_scope(struct nd_finding *f, const struct nd_tcp_flow_summary *s)
{
	f->scope.ip_version = s->ip_version;
	f->scope.has_client = f->scope.has_server = f->scope.has_ports = true;
	memcpy(f->scope.client, s->addr[0], 16);
	memcpy(f->scope.server, s->addr[1], 16);
	f->scope.client_port = s->port[0];
	f->scope.server_port = s->port[1];
}

/* A finding about one connection, named client -> server, over its time. */
static struct nd_finding *flow_finding(struct nd_findings *out, enum nd_finding_kind kind,
                                       const struct nd_tcp_flow_summary *s)
{
	struct nd_finding *f = nd_findings_add(out, kind);
	if (!f)
		return NULL;
	nd_endpoint_pair_format(s->ip_version, s->addr[0], s->port[0], s->addr[1], s->port[1],
	                        f->subject, sizeof(f->subject));
	flow_scope(f, s);
	f->first_ts = s->first_ts;
	f->last_ts = s->last_ts;
	return f;
}

static const char *addr_of(const struct nd_tcp_flow_summary *s, int side, char *buf, size_t len)
{
	return nd_addr_format(s->ip_version, s->addr[side], buf, len);
}

static const char *side_name(int side)
{
	return side ? "server" : "client";
}

static uint64_t spurious_retx(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *c = &s->dir[x].an;
	return c->retransmission - nd_tcp_real_retransmissions(c);
}

static nd_ns retx_stall(const struct nd_tcp_flow_summary *s, int x)
{
	return s->dir[x].retx_stall;
}

static nd_ns zero_window_max(const struct nd_tcp_flow_summary *s, int r)
{
	return s->zero_window_max[r];
}

/* Retransmissions that carried data the receiver really lacked: not
 * spurious, not D-SACKed, not a capture duplicate, not a retry to a peer
 * that had gone silent (it never acknowledged them). */
static uint64_t real_retx(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *c = &s->dir[x].an;
	uint64_t real = nd_tcp_real_retransmissions(c);
	uint64_t artefacts = s->loss[x].duplicate_frames + c->retransmitted_unacked;
	return real > artefacts ? real - artefacts : 0;
}

static uint64_t real_retx_bytes(const struct nd_tcp_flow_summary *s, int x)
{
	return real_retx(s, x) ? s->dir[x].an.real_retransmitted_bytes : 0;
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

/* The seed's pattern: a sender's super-segments, then data really lost,
 * noticed by the receiver, and sent again. */
static bool is_lso_drop(const struct nd_tcp_flow_summary *s, int x)
{
	const struct nd_tcp_counts *tx = &s->dir[x].an, *rx = &s->dir[!x].an;
	if (!tx->oversized_segment || !real_retx(s, x))
		return false;
	bool receiver_noticed = rx->duplicate_ack >= 2 || rx->dup_ack_storm || tx->lost_segment ||
	                        rx->ack_lost_segment;
	return receiver_noticed && lso_loss_coincide(s, x);
}

static void lso_drop_text(struct nd_finding *f, const struct nd_tcp_flow_summary *s, int x)
{
	char snd[64], rcv[64];
	addr_of(s, x, snd, sizeof(snd));
	addr_of(s, !x, rcv, sizeof(rcv));
	snprintf(f->title, sizeof(f->title),
	         "large TCP segments (segmentation offload) from %.46s are dropped on the way to "
	         "%.46s",
	         snd, rcv);
	snprintf(f->summary, sizeof(f->summary),
	         "The %s %s hands out TCP segments of up to %u bytes, far above the MSS of %u "
	         "(segmentation offload: LSO/TSO/GSO), and data of this connection is lost and "
	         "sent again: %llu real retransmissions (%llu bytes), %llu duplicate ACKs from "
	         "the receiver; transfers stall for %.3f s in all and restart.",
	         side_name(x), snd, s->dir[x].max_segment, s->mss_used[x],
	         (unsigned long long)real_retx(s, x), (unsigned long long)real_retx_bytes(s, x),
	         (unsigned long long)s->dir[!x].an.duplicate_ack, nd_ns_to_sec(retx_stall(s, x)));
	snprintf(f->fix, sizeof(f->fix),
	         "on the sender %s: `ethtool -K IFACE tso off gso off` (Linux) or `" WINDOWS_LSO_CMD
	         "` (Windows)",
	         snd);
	snprintf(f->advice, sizeof(f->advice),
	         "In a Windows guest, Large Send Offload v2 (IPv4/IPv6) set to Disabled in the "
	         "adapter's advanced properties does the same. Then find the device that drops the "
	         "super-segments instead of cutting them: on a Linux bridge `ethtool -k br0` "
	         "showing 'off [requested on]' for a segmentation feature, or bridge ports with "
	         "different MTUs (`ip -d link`); such drops appear in no interface counter.");
}

static void lso_drop_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int x)
{
	struct nd_finding *f = flow_finding(out, ND_F_TCP_LSO_DROP, s);
	if (!f)
		return;
	f->first_ts = s->oversized_first[x];
	lso_drop_text(f, s, x);
	f->impact.resent_bytes = real_retx_bytes(s, x);
	f->impact.waited_s = nd_ns_to_sec(retx_stall(s, x));
	nd_finding_evidence_str(f, "sender", "%s", side_name(x));
	nd_finding_evidence(f, "oversized_segments", s->dir[x].an.oversized_segment);
	nd_finding_evidence(f, "max_segment_bytes", s->dir[x].max_segment);
	nd_finding_evidence(f, "mss_bytes", s->mss_used[x]);
	nd_finding_evidence(f, "retransmissions", real_retx(s, x));
	nd_finding_evidence(f, "retransmitted_bytes", real_retx_bytes(s, x));
	nd_finding_evidence(f, "spurious_retransmissions", spurious_retx(s, x));
	nd_finding_evidence(f, "lost_segments", s->dir[x].an.lost_segment);
	nd_finding_evidence(f, "duplicate_acks", s->dir[!x].an.duplicate_ack);
	nd_finding_evidence_real(f, "retransmission_stall_s", nd_ns_to_sec(retx_stall(s, x)));
}

static void oversized_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int x)
{
	struct nd_finding *f = flow_finding(out, ND_F_TCP_OVERSIZED, s);
	if (!f)
		return;
	char snd[64];
	addr_of(s, x, snd, sizeof(snd));
	f->first_ts = s->oversized_first[x];
	f->last_ts = s->oversized_last[x];
	snprintf(f->title, sizeof(f->title), "%s sends segments above the MSS without loss", snd);
	snprintf(f->summary, sizeof(f->summary),
	         "%llu segments from %s carry more than the MSS of %u bytes (up to %u) and none "
	         "of its data was lost: segmentation offload (TSO/GSO) on the sending host, or "
	         "receive coalescing (GRO/LRO), at the capture point. Harmless.",
	         (unsigned long long)s->dir[x].an.oversized_segment, snd, s->mss_used[x],
	         s->dir[x].max_segment);
	nd_finding_evidence_str(f, "sender", "%s", side_name(x));
	nd_finding_evidence(f, "oversized_segments", s->dir[x].an.oversized_segment);
	nd_finding_evidence(f, "max_segment_bytes", s->dir[x].max_segment);
	nd_finding_evidence(f, "mss_bytes", s->mss_used[x]);
}

static bool is_network_loss(const struct nd_tcp_flow_summary *s, int x)
{
	uint64_t n = real_retx(s, x), bytes = real_retx_bytes(s, x);
	uint64_t sent = s->dir[x].payload_bytes;
	if (n < LOSS_MIN_SEGMENTS || bytes < LOSS_MIN_BYTES || !sent)
		return false;
	return (double)bytes / (double)sent >= LOSS_MIN_RATE;
}

static double loss_percent(const struct nd_tcp_flow_summary *s, int x)
{
	uint64_t sent = s->dir[x].payload_bytes;
	return sent ? 100.0 * (double)real_retx_bytes(s, x) / (double)sent : 0.0;
}

static void network_loss_text(struct nd_finding *f, const struct nd_tcp_flow_summary *s,
                              const bool lossy[2])
{
	char part[2][200] = {"", ""};
	for (int x = 0; x < 2; x++)
		if (lossy[x])
			snprintf(part[x], sizeof(part[x]),
			         "%s%.2f%% of the %s's data was lost and sent again (%llu "
			         "retransmissions, %llu bytes; stalls %.3f s in all)",
			         x && lossy[0] ? "; " : "", loss_percent(s, x), side_name(x),
			         (unsigned long long)real_retx(s, x),
			         (unsigned long long)real_retx_bytes(s, x),
			         nd_ns_to_sec(retx_stall(s, x)));
	char cli[64], srv[64];
	snprintf(f->title, sizeof(f->title), "packets between %s and %s are lost in the network",
	         addr_of(s, 0, cli, sizeof(cli)), addr_of(s, 1, srv, sizeof(srv)));
	snprintf(f->summary, sizeof(f->summary), "%s%s.", part[0], part[1]);
	snprintf(f->fix, sizeof(f->fix),
	         "find the dropping hop: `ip -s -s link` and `ethtool -S IFACE` on both hosts "
	         "and every device between them");
	snprintf(f->advice, sizeof(f->advice),
	         "Look for interface errors and drops, duplex or cabling faults and congested "
	         "links along the path; capturing on both ends at once shows where packets "
	         "vanish.");
}

static void network_loss_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s,
                                 const bool lossy[2])
{
	struct nd_finding *f = flow_finding(out, ND_F_TCP_NETWORK_LOSS, s);
	if (!f)
		return;
	network_loss_text(f, s, lossy);
	static const char *const keys[2][4] = {
	        {"client_retransmissions", "client_retransmitted_bytes", "client_lost_percent",
	         "client_stall_s"},
	        {"server_retransmissions", "server_retransmitted_bytes", "server_lost_percent",
	         "server_stall_s"}};
	for (int x = 0; x < 2; x++) {
		nd_finding_evidence(f, keys[x][0], real_retx(s, x));
		nd_finding_evidence(f, keys[x][1], real_retx_bytes(s, x));
		nd_finding_evidence_real(f, keys[x][2], loss_percent(s, x));
		nd_finding_evidence_real(f, keys[x][3], nd_ns_to_sec(retx_stall(s, x)));
		f->impact.resent_bytes += real_retx_bytes(s, x);
		f->impact.waited_s += nd_ns_to_sec(retx_stall(s, x));
	}
	nd_finding_evidence(f, "gaps_network_loss",
	                    s->loss[0].gaps_retransmitted + s->loss[1].gaps_retransmitted);
}

/* Storms from either receiver, in one finding per connection. */
static void storm_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s)
{
	uint64_t storms = s->dir[0].an.dup_ack_storm + s->dir[1].an.dup_ack_storm;
	struct nd_finding *f = flow_finding(out, ND_F_TCP_DUP_ACK_STORM, s);
	if (!f)
		return;
	int r = s->dir[1].an.dup_ack_storm >= s->dir[0].an.dup_ack_storm ? 1 : 0;
	char rcv[64];
	addr_of(s, r, rcv, sizeof(rcv));
	nd_ns t = s->dup_ack_storm_time[0] + s->dup_ack_storm_time[1];
	snprintf(f->title, sizeof(f->title), "%s keeps asking for data that does not arrive", rcv);
	snprintf(f->summary, sizeof(f->summary),
	         "The %s %s answered with %llu storms of duplicate ACKs (the longest %llu in a "
	         "row, %.3f s in all): it kept asking for data that did not arrive while the "
	         "sender kept sending.",
	         side_name(r), rcv, (unsigned long long)storms,
	         (unsigned long long)s->dir[r].longest_dup_ack_run, nd_ns_to_sec(t));
	snprintf(f->advice, sizeof(f->advice),
	         "A storm follows a lost segment: see the loss finding of this connection.");
	nd_finding_evidence(f, "dup_ack_storms", storms);
	nd_finding_evidence(f, "longest_run", s->dir[r].longest_dup_ack_run);
	nd_finding_evidence(f, "duplicate_acks",
	                    s->dir[0].an.duplicate_ack + s->dir[1].an.duplicate_ack);
	nd_finding_evidence_real(f, "storm_s", nd_ns_to_sec(t));
	if (!real_retx(s, 0) && !real_retx(s, 1))
		f->severity = ND_SEV_INFO; /* nothing was lost: reordering or capture loss */
}

static const char *zero_window_advice(int r)
{
	return r ? "The bottleneck is the server, not the network: smbd did not read what the "
	           "client sent. Check the storage latency of the share (`iostat -x 1`), smbd's "
	           "CPU (`top -p $(pidof smbd)`), sync settings (`strict sync`, `sync always`) "
	           "and VFS modules."
	         : "The bottleneck is the client, not the network or the server: the application "
	           "on the client did not take the data as fast as it came (its disk, CPU, an "
	           "antivirus scanning the files, or a small receive buffer).";
}

static void zero_window_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s, int r)
{
	nd_ns stall = s->zero_window_time[r], dur = s->last_ts - s->first_ts;
	if (stall < ZW_MIN_CONTEXT)
		return;
	struct nd_finding *f = flow_finding(out, ND_F_TCP_ZERO_WINDOW, s);
	if (!f)
		return;
	bool felt = stall >= ZW_MIN_WARNING && (double)stall >= ZW_MIN_FRACTION * (double)dur;
	f->severity = felt ? ND_SEV_WARNING : ND_SEV_INFO;
	char rcv[64];
	addr_of(s, r, rcv, sizeof(rcv));
	snprintf(f->title, sizeof(f->title),
	         "the %s %s reads too slowly: its receive window closed", side_name(r), rcv);
	snprintf(f->summary, sizeof(f->summary),
	         "The %s %s advertised a zero receive window %llu times; the %s could not send for "
	         "%.3f s in all (%.1f%% of the connection's %.3f s, the longest stall %.3f s).",
	         side_name(r), rcv, (unsigned long long)s->dir[r].an.zero_window, side_name(!r),
	         nd_ns_to_sec(stall), dur > 0 ? 100.0 * (double)stall / (double)dur : 0.0,
	         nd_ns_to_sec(dur), nd_ns_to_sec(zero_window_max(s, r)));
	snprintf(f->fix, sizeof(f->fix), "%s",
	         r ? "check the server's storage latency: `iostat -x 1` on the Samba host"
	           : "check what the client application is waiting on (disk, CPU, antivirus)");
	nd_str_copy(f->advice, sizeof(f->advice), zero_window_advice(r));
	f->impact.waited_s = nd_ns_to_sec(stall);
	nd_finding_evidence_str(f, "receiver", "%s", side_name(r));
	nd_finding_evidence(f, "zero_windows", s->dir[r].an.zero_window);
	nd_finding_evidence_real(f, "stalled_s", nd_ns_to_sec(stall));
	nd_finding_evidence_real(f, "longest_stall_s", nd_ns_to_sec(zero_window_max(s, r)));
	nd_finding_evidence_real(f, "connection_s", nd_ns_to_sec(dur));
}

static void rst_finding(struct nd_findings *out, const struct nd_tcp_flow_summary *s)
{
	struct nd_finding *f = flow_finding(out, ND_F_TCP_RST_ABORT, s);
	if (!f)
		return;
	int who = s->dir[0].rst ? 0 : 1;
	char snd[64];
	addr_of(s, who, snd, sizeof(snd));
	snprintf(f->title, sizeof(f->title),
	         "the %s %s reset a connection in the middle of a "
	         "transfer",
	         side_name(who), snd);
	snprintf(f->summary, sizeof(f->summary),
	         "The connection was reset by the %s %s while data was still unacknowledged, "
	         "without a FIN: a transfer was cut off.",
	         side_name(who), snd);
	bool smb = s->port[1] == 445 || s->port[1] == 139;
	snprintf(f->fix, sizeof(f->fix), "%s",
	         !who  ? "the client's event log around that time"
	         : smb ? "`journalctl -u smbd` (or log.smbd) around that time on the server"
	               : "the server application's log around that time");
	snprintf(f->advice, sizeof(f->advice),
	         "Look for a crash, timeout or refused session on the side that reset, and for "
	         "firewalls or load balancers that reset idle or long transfers.");
	nd_finding_evidence(f, "client_resets", s->dir[0].rst);
	nd_finding_evidence(f, "server_resets", s->dir[1].rst);
}

static bool budget(unsigned *n)
{
	return (*n)++ < MAX_FLOW_FINDINGS;
}

enum { B_LSO, B_OVERSIZED, B_LOSS, B_STORM, B_ZW, B_RST, B_COUNT };

/* One connection: the most specific cause of its trouble wins. */
static void flow_rules(struct nd_findings *out, const struct nd_tcp_flow_summary *s,
                       unsigned b[B_COUNT])
{
	bool lso[2], lossy[2] = {false, false};
	for (int x = 0; x < 2; x++) {
		lso[x] = is_lso_drop(s, x);
		if (lso[x] && budget(&b[B_LSO]))
			lso_drop_finding(out, s, x);
		else if (!lso[x] && s->dir[x].an.oversized_segment && !real_retx(s, x) &&
		         budget(&b[B_OVERSIZED]))
			oversized_finding(out, s, x);
		lossy[x] = !lso[x] && is_network_loss(s, x);
	}
	if ((lossy[0] || lossy[1]) && budget(&b[B_LOSS]))
		network_loss_finding(out, s, lossy);
	if ((s->dir[0].an.dup_ack_storm || s->dir[1].an.dup_ack_storm) && budget(&b[B_STORM]))
		storm_finding(out, s);
	for (int r = 0; r < 2; r++)
		if (s->dir[r].an.zero_window && budget(&b[B_ZW]))
			zero_window_finding(out, s, r);
	if (s->rst_abort && budget(&b[B_RST]))
		rst_finding(out, s);
}

static void rule_flows(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	unsigned b[B_COUNT] = {0};
	for (size_t i = 0; i < n; i++)
		flow_rules(out, &flows[i], b);
}

static void rule_flow_table_full(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	if (!t->evicted_table_full)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_TCP_FLOW_TABLE_FULL);
	if (!f)
		return;
	snprintf(f->title, sizeof(f->title),
	         "more than %u connections at once: some were not followed whole",
	         nd_tcp_max_flows(in->tcp));
	snprintf(f->summary, sizeof(f->summary),
	         "More than %u TCP connections were active at once; %llu were retired early and "
	         "their later packets were analysed as new connections.",
	         nd_tcp_max_flows(in->tcp), (unsigned long long)t->evicted_table_full);
	snprintf(f->fix, sizeof(f->fix), "netdiag analyze --max-flows N (more memory)");
	snprintf(f->advice, sizeof(f->advice),
	         "Or filter the capture to the hosts and ports of interest.");
	nd_finding_evidence(f, "evicted_table_full", t->evicted_table_full);
	nd_finding_evidence(f, "max_flows", nd_tcp_max_flows(in->tcp));
	nd_finding_evidence(f, "flows", t->flows);
}

/* SMB messages whose header fell into a gap and was never recovered. */
static uint64_t smb_headers_unseen(const struct nd_diag_input *in)
{
	if (!in->smb)
		return 0;
	const struct nd_smb_results *r = nd_smb_get_results(in->smb);
	return r->headers_lost > r->pdus_recovered ? r->headers_lost - r->pdus_recovered : 0;
}

static void capture_loss_text(struct nd_finding *f, const struct nd_tcp_totals *t, uint64_t unseen,
                              uint64_t drops, uint64_t smb_lost)
{
	snprintf(f->title, sizeof(f->title), "the capture missed packets the network delivered");
	snprintf(f->summary, sizeof(f->summary),
	         "The capture, not the network, missed packets: %llu sequence gaps were "
	         "acknowledged by the receiver without any retransmission (%llu bytes), %llu ACKs "
	         "covered data never captured, and the capture tool reported %llu drops; %llu SMB "
	         "messages fell into the gaps.",
	         (unsigned long long)t->loss.gaps_capture,
	         (unsigned long long)t->loss.gap_bytes_capture, (unsigned long long)unseen,
	         (unsigned long long)drops, (unsigned long long)smb_lost);
	snprintf(f->fix, sizeof(f->fix),
	         "capture with a larger buffer and a filter: `tcpdump -i IFACE -B 65536 -w FILE "
	         "'tcp port 445'`");
	snprintf(f->advice, sizeof(f->advice),
	         "Treat these gaps as blind spots, not as network loss. Capture on the host itself "
	         "rather than a busy mirror port, and write to a fast local disk.");
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
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_LOSS);
	if (!f)
		return;
	f->first_ts = ct.first_ts;
	f->last_ts = ct.last_ts;
	uint64_t smb_lost = smb_headers_unseen(in);
	/* No drop is never 1 % of the packets, also when no packet was
	 * counted (0 >= 1 % of 0 made such a capture incomplete). */
	f->incomplete =
	        smb_lost > 0 || (drops > 0 && (double)drops >= 0.01 * (double)(ct.packets + drops));
	capture_loss_text(f, t, unseen, drops, smb_lost);
	nd_finding_evidence(f, "gaps_capture_loss", t->loss.gaps_capture);
	nd_finding_evidence(f, "capture_loss_bytes", t->loss.gap_bytes_capture);
	nd_finding_evidence(f, "acked_unseen", unseen);
	if (ct.drops_known)
		nd_finding_evidence(f, "drops_reported", drops);
	else
		nd_finding_evidence_null(f, "drops_reported");
	nd_finding_evidence(f, "smb_messages_unseen", smb_lost);
}

/* Frames that look like anomalies to Wireshark but are the capture's doing. */
static void rule_artefacts(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	if (!t->loss.duplicate_frames && !t->loss.ack_before_data)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_ARTEFACTS);
	if (!f)
		return;
	snprintf(f->title, sizeof(f->title),
	         "duplicate or reordered frames from the capture itself");
	snprintf(f->summary, sizeof(f->summary),
	         "%llu frames are exact copies of the frame before them and %llu data segments "
	         "were captured after the ACK that covers them; tools that do not tell these apart "
	         "report them as retransmissions, duplicate ACKs and ACKed-unseen segments.",
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
		for (int x = 0; x < 2; x++)
			if (is_lso_drop(&flows[i], x) &&
			    nd_offload_has_addr(ifc, flows[i].ip_version, flows[i].addr[x]))
				return true;
	return false;
}
