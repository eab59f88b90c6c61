/* SPDX-License-Identifier: MIT */
/* The human report: sections of aligned tables, findings last and ranked. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"

#define TEXT_MAX_FLOWS 20

static const struct nd_text_col file_cols[] = {
        {"FILE", ND_TEXT_LEFT, 32, ND_TEXT_KEEP},
        {"FORMAT", ND_TEXT_LEFT, 0, 2},
        {"LINK", ND_TEXT_LEFT, 0, 1},
        {"PACKETS", ND_TEXT_RIGHT, 0, 6},
        {"BYTES", ND_TEXT_RIGHT, 0, 5},
        {"TRUNCATED", ND_TEXT_RIGHT, 0, 3},
        {"DROPS", ND_TEXT_RIGHT, 0, 4},
        {"STATUS", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
};

static void capture_file_row(struct nd_text_table *t, const struct nd_capture_file_info *f)
{
	char b1[32];
	nd_text_table_cell(t, "%s", f->path);
	nd_text_table_cell(t, "%s", f->linktype < 0 ? "-" : nd_report_format_name(f));
	nd_text_table_cell(t, "%s", f->linktype < 0 ? "-" : f->linktype_name);
	nd_text_table_cell(t, "%" PRIu64, f->packets);
	nd_text_table_cell(t, "%s", nd_text_bytes(f->wire_bytes, b1, sizeof(b1)));
	nd_text_table_cell(t, "%" PRIu64, f->truncated_packets);
	if (f->drops_known)
		nd_text_table_cell(t, "%" PRIu64, f->drops_if + f->drops_kernel);
	else
		nd_text_table_cell(t, "-");
	nd_text_table_cell(t, "%s", nd_report_capture_status_name(f->status));
}

static void capture_totals(struct nd_text_out *o, const struct nd_report_input *in)
{
	struct nd_capture_totals t;
	nd_capture_summary_totals(in->capture, &t);
	char b1[32], t1[64], t2[64], d1[32];
	nd_text_wrapf(o, 2, "", "%" PRIu64 " packets, %s over %s", t.packets,
	              nd_text_bytes(t.wire_bytes, b1, sizeof(b1)),
	              nd_text_duration(t.first_ts ? t.last_ts - t.first_ts : 0, d1, sizeof(d1)));
	if (t.first_ts)
		nd_text_wrapf(o, 2, "time: ", "%s .. %s",
		              nd_report_time(t.first_ts, t1, sizeof(t1)),
		              nd_report_time(t.last_ts, t2, sizeof(t2)));
	const struct nd_decode_stats *d = in->decode;
	nd_text_wrapf(o, 2, "decoded: ",
	              "%" PRIu64 " IPv4, %" PRIu64 " IPv6, %" PRIu64 " TCP, %" PRIu64
	              " UDP, %" PRIu64 " not IP, %" PRIu64 " fragments, %" PRIu64
	              " malformed, %" PRIu64 " cut headers",
	              d->ipv4, d->ipv6, d->tcp, d->udp, d->results[ND_DECODE_NOT_IP],
	              d->ipv4_fragments + d->ipv6_fragments, d->results[ND_DECODE_MALFORMED],
	              d->results[ND_DECODE_TRUNCATED]);
	if (!t.partial)
		return;
	char label[32];
	snprintf(label, sizeof(label), "%sPARTIAL:%s ", nd_text_sgr(o, ND_SGR_RED),
	         nd_text_sgr(o, ND_SGR_RESET));
	nd_text_wrap(o, 2, label, "some input could not be read completely (see findings)");
}

static void capture_section(struct nd_text_out *o, const struct nd_report_input *in)
{
	nd_text_section(o, "Capture");
	struct nd_text_table *t = nd_text_table_new(2, 2, file_cols, ND_ARRAY_LEN(file_cols));
	for (size_t i = 0; i < in->capture->n_files; i++)
		capture_file_row(t, &in->capture->files[i]);
	nd_text_table_end(o, t);
	capture_totals(o, in);
	for (size_t i = 0; i < in->capture->n_files; i++) {
		const struct nd_capture_file_info *f = &in->capture->files[i];
		if (f->live && f->busy_poll_ns)
			nd_text_wrapf(o, 2, "",
			              "%s: busy-polled %.1f s, while packets came fast enough to "
			              "fill the capture buffer within 50 ms",
			              f->path, (double)f->busy_poll_ns / ND_NS_PER_SEC);
	}
}

/* The connection's round-trip time in ms for the flow table, < 0 when
 * unknown: the direction with more samples, else the handshake's. */
/* The connection's RTT: the median of its handshake and Karn samples
 * (docs/tcp-analysis.md, "RTT: one definition"); -1 when there are none. */
static double flow_rtt_ms(const struct nd_tcp_flow_summary *s)
{
	return s->rtt_samples ? nd_ns_to_ms(s->rtt_p50) : -1.0;
}

/* At 80 columns the client, server, bytes, RETX%, RTT, seconds and end stay.
 * An IPv4 address and port (21 columns) is never cut; an IPv6 one may be. */
static const struct nd_text_col flow_cols[] = {
        {"ID", ND_TEXT_RIGHT, 0, 2},
        {"CLIENT", ND_TEXT_LEFT, 21, ND_TEXT_KEEP},
        {"SERVER", ND_TEXT_LEFT, 21, ND_TEXT_KEEP},
        {"PACKETS", ND_TEXT_RIGHT, 0, 3},
        {"BYTES", ND_TEXT_RIGHT, 0, 10},
        {"RETX%", ND_TEXT_RIGHT, 0, 11},
        {"LOST", ND_TEXT_RIGHT, 0, 5},
        {"STORMS", ND_TEXT_RIGHT, 0, 1},
        {"OVERSIZED", ND_TEXT_RIGHT, 0, 4},
        {"RTT ms", ND_TEXT_RIGHT, 0, 9},
        {"SECONDS", ND_TEXT_RIGHT, 0, 7},
        {"END", ND_TEXT_LEFT, 0, 8},
};

static void endpoint_cell(struct nd_text_table *t, const struct nd_tcp_flow_summary *s, int i)
{
	char a[64];
	nd_addr_format(s->ip_version, s->addr[i], a, sizeof(a));
	nd_text_table_cell(t, s->ip_version == 6 ? "[%s]:%u" : "%s:%u", a, s->port[i]);
}

static void flow_row(struct nd_text_table *t, const struct nd_tcp_flow_summary *s)
{
	char by[32];
	const struct nd_tcp_counts *c0 = &s->dir[0].an, *c1 = &s->dir[1].an;
	uint64_t bytes = s->dir[0].payload_bytes + s->dir[1].payload_bytes;
	double retx = bytes ? 100.0 * (double)(c0->retransmitted_bytes + c1->retransmitted_bytes) /
	                              (double)bytes
	                    : 0.0;
	double rtt = flow_rtt_ms(s);
	nd_text_table_cell(t, "%" PRIu64, s->id);
	endpoint_cell(t, s, 0);
	endpoint_cell(t, s, 1);
	nd_text_table_cell(t, "%" PRIu64, s->dir[0].packets + s->dir[1].packets);
	nd_text_table_cell(t, "%s", nd_text_bytes(bytes, by, sizeof(by)));
	nd_text_table_cell(t, "%.2f", retx);
	nd_text_table_cell(t, "%" PRIu64, c0->lost_segment + c1->lost_segment);
	nd_text_table_cell(t, "%" PRIu64, c0->dup_ack_storm + c1->dup_ack_storm);
	nd_text_table_cell(t, "%" PRIu64, c0->oversized_segment + c1->oversized_segment);
	if (rtt < 0)
		nd_text_table_cell(t, "-");
	else
		nd_text_table_cell(t, "%.3f", rtt);
	nd_text_table_cell(t, "%.3f", nd_ns_to_sec(s->last_ts - s->first_ts));
	nd_text_table_cell(t, "%s", nd_report_flow_end_name(s->end));
}

static void tcp_totals_lines(struct nd_text_out *o, const struct nd_tcp_totals *t)
{
	const struct nd_tcp_counts *c = &t->an;
	char b1[32];
	nd_text_wrapf(o, 2, "analysis: ",
	              "%" PRIu64 " retransmissions (%" PRIu64 " fast, %" PRIu64
	              " spurious, %s), %" PRIu64 " lost segments, %" PRIu64
	              " ACKed unseen, %" PRIu64 " out of order, %" PRIu64
	              " duplicate ACKs (%" PRIu64 " storms), %" PRIu64 " zero windows, %" PRIu64
	              " keep-alives, %" PRIu64 " oversized segments",
	              c->retransmission, c->fast_retransmission, c->spurious_retransmission,
	              nd_text_bytes(c->retransmitted_bytes, b1, sizeof(b1)), c->lost_segment,
	              c->ack_lost_segment, c->out_of_order, c->duplicate_ack, c->dup_ack_storm,
	              c->zero_window, c->keep_alive, c->oversized_segment);
	const struct nd_tcp_loss *l = &t->loss;
	if (l->gaps || l->duplicate_frames || l->ack_before_data)
		nd_text_wrapf(o, 2, "gaps: ",
		              "%" PRIu64 " network loss, %" PRIu64 " capture loss, %" PRIu64
		              " reordered, %" PRIu64 " unresolved; artefacts: %" PRIu64
		              " duplicate frames, %" PRIu64 " data after its ACK",
		              l->gaps_retransmitted, l->gaps_capture, l->gaps_reordered,
		              l->gaps_unresolved, l->duplicate_frames, l->ack_before_data);
}

static void flow_table(struct nd_text_out *o, const struct nd_report_input *in)
{
	const struct nd_tcp_totals *tt = nd_tcp_get_totals(in->tcp);
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	if (!n)
		return;
	struct nd_text_table *t = nd_text_table_new(2, 2, flow_cols, ND_ARRAY_LEN(flow_cols));
	for (size_t i = 0; i < n && i < TEXT_MAX_FLOWS; i++)
		flow_row(t, &flows[i]);
	nd_text_table_end(o, t);
	if (n > TEXT_MAX_FLOWS || tt->report_flows_dropped)
		nd_text_wrapf(o, 2, "", "... %" PRIu64 " more connections not shown (see --json)",
		              (uint64_t)(n > TEXT_MAX_FLOWS ? n - TEXT_MAX_FLOWS : 0) +
		                      tt->report_flows_dropped);
}

static void tcp_section(struct nd_text_out *o, const struct nd_report_input *in)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	char b1[32];
	nd_text_section(o, "TCP");
	nd_text_wrapf(o, 2, "",
	              "%" PRIu64 " connections (at most %" PRIu64 " at once, limit %u), %" PRIu64
	              " segments, %s payload",
	              t->flows, t->flows_active_max, nd_tcp_max_flows(in->tcp), t->segments,
	              nd_text_bytes(t->payload_bytes, b1, sizeof(b1)));
	nd_text_wrapf(o, 2, "retired early: ", "%" PRIu64 " idle, %" PRIu64 " table full",
	              t->evicted_idle, t->evicted_table_full);
	if (t->segments)
		tcp_totals_lines(o, t);
	flow_table(o, in);
}

int nd_report_text(FILE *out, const struct nd_report_input *in, const struct nd_report_options *opt)
{
	struct nd_text_out o = nd_text_out_make(out, opt);
	nd_text_printf(&o, "%snetdiag %s%s\n", nd_text_sgr(&o, ND_SGR_BOLD), in->command,
	               nd_text_sgr(&o, ND_SGR_RESET));
	/* The answer first; the tables it rests on after it. */
	nd_report_findings_text(&o, in->findings);
	if (!(opt && opt->brief)) {
		if (in->capture) {
			capture_section(&o, in);
			tcp_section(&o, in);
		}
		if (in->smb)
			nd_report_smb_section(&o, in->smb);
		if (in->offload)
			nd_report_offload_section(&o, in->offload);
		if (in->apparmor)
			nd_report_apparmor_section(&o, in->apparmor);
	}
	if (fflush(out) != 0)
		o.err = -1;
	return o.err;
}
