/* SPDX-License-Identifier: MIT */
/* The human report: sections of aligned tables, findings last and ranked. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_apparmor.h"
#include "report/report_smb.h"

#define TEXT_MAX_FLOWS 20

static const char *human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	double v = (double)b;
	unsigned u = 0;
	while (v >= 1000.0 && u + 1 < ND_ARRAY_LEN(units)) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", b);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

static void section(struct nd_text_out *o, const char *title)
{
	nd_text_printf(o, "\n%s%s%s\n", nd_text_sgr(o, ND_SGR_BOLD), title,
	               nd_text_sgr(o, ND_SGR_RESET));
}

static int path_width(const struct nd_capture_summary *c)
{
	int w = 4;
	for (size_t i = 0; i < c->n_files; i++) {
		int l = (int)strlen(c->files[i].path);
		w = l > w ? l : w;
	}
	return w > 60 ? 60 : w;
}

static void capture_file_row(struct nd_text_out *o, const struct nd_capture_file_info *f, int pw)
{
	char b1[32], drops[24] = "-";
	if (f->drops_known)
		snprintf(drops, sizeof(drops), "%" PRIu64, f->drops_if + f->drops_kernel);
	nd_text_printf(o, "  %-*.*s  %-6s  %-10s %9" PRIu64 " %10s %9" PRIu64 " %6s  %s\n", pw, pw,
	               f->path, f->linktype < 0 ? "-" : nd_report_format_name(f),
	               f->linktype < 0 ? "-" : f->linktype_name, f->packets,
	               human_bytes(f->wire_bytes, b1, sizeof(b1)), f->truncated_packets, drops,
	               nd_report_capture_status_name(f->status));
}

static void capture_section(struct nd_text_out *o, const struct nd_report_input *in)
{
	struct nd_capture_totals t;
	nd_capture_summary_totals(in->capture, &t);
	char b1[32], t1[64], t2[64];
	int pw = path_width(in->capture);
	section(o, "Capture");
	nd_text_printf(o, "  %-*s  %-6s  %-10s %9s %10s %9s %6s  %s\n", pw, "FILE", "FORMAT",
	               "LINK", "PACKETS", "BYTES", "TRUNCATED", "DROPS", "STATUS");
	for (size_t i = 0; i < in->capture->n_files; i++)
		capture_file_row(o, &in->capture->files[i], pw);
	nd_text_printf(o, "  %" PRIu64 " packets, %s, %s .. %s (%.3f s)\n", t.packets,
	               human_bytes(t.wire_bytes, b1, sizeof(b1)),
	               nd_report_time(t.first_ts, t1, sizeof(t1)),
	               nd_report_time(t.last_ts, t2, sizeof(t2)),
	               t.first_ts ? nd_ns_to_sec(t.last_ts - t.first_ts) : 0.0);
	const struct nd_decode_stats *d = in->decode;
	nd_text_printf(o,
	               "  decoded: %" PRIu64 " IPv4, %" PRIu64 " IPv6, %" PRIu64 " TCP, %" PRIu64
	               " UDP, %" PRIu64 " not IP, %" PRIu64 " fragments, %" PRIu64
	               " malformed, %" PRIu64 " cut headers\n",
	               d->ipv4, d->ipv6, d->tcp, d->udp, d->results[ND_DECODE_NOT_IP],
	               d->ipv4_fragments + d->ipv6_fragments, d->results[ND_DECODE_MALFORMED],
	               d->results[ND_DECODE_TRUNCATED]);
	for (size_t i = 0; i < in->capture->n_files; i++) {
		const struct nd_capture_file_info *f = &in->capture->files[i];
		if (f->live && f->busy_poll_ns)
			nd_text_printf(
			        o,
			        "  %s: busy-polled %.1f s, while packets came fast enough to "
			        "fill the capture buffer within 50 ms\n",
			        f->path, (double)f->busy_poll_ns / ND_NS_PER_SEC);
	}
	if (t.partial)
		nd_text_printf(
		        o,
		        "  %sPARTIAL:%s some input could not be read completely (see findings)\n",
		        nd_text_sgr(o, ND_SGR_RED), nd_text_sgr(o, ND_SGR_RESET));
}

static const char *rtt_text(const struct nd_tcp_flow_summary *s, char *buf, size_t len)
{
	const struct nd_tcp_dir_summary *d =
	        s->dir[0].rtt_samples >= s->dir[1].rtt_samples ? &s->dir[0] : &s->dir[1];
	if (d->rtt_samples)
		snprintf(buf, len, "%.3f", nd_ns_to_ms(d->rtt_avg));
	else if (s->irtt)
		snprintf(buf, len, "%.3f", nd_ns_to_ms(s->irtt));
	else
		snprintf(buf, len, "-");
	return buf;
}

static void flow_row(struct nd_text_out *o, const struct nd_tcp_flow_summary *s)
{
	char a[64], b[64], by[32], ca[80], sa[80], rtt[32];
	nd_addr_format(s->ip_version, s->addr[0], a, sizeof(a));
	nd_addr_format(s->ip_version, s->addr[1], b, sizeof(b));
	snprintf(ca, sizeof(ca), s->ip_version == 6 ? "[%s]:%u" : "%s:%u", a, s->port[0]);
	snprintf(sa, sizeof(sa), s->ip_version == 6 ? "[%s]:%u" : "%s:%u", b, s->port[1]);
	const struct nd_tcp_counts *c0 = &s->dir[0].an, *c1 = &s->dir[1].an;
	uint64_t pkts = s->dir[0].packets + s->dir[1].packets;
	uint64_t bytes = s->dir[0].payload_bytes + s->dir[1].payload_bytes;
	double retx = bytes ? 100.0 * (double)(c0->retransmitted_bytes + c1->retransmitted_bytes) /
	                              (double)bytes
	                    : 0.0;
	nd_text_printf(o,
	               "  %5" PRIu64 "  %-24s %-24s %7" PRIu64 " %9s %6.2f %5" PRIu64 " %6" PRIu64
	               " %9" PRIu64 " %8s %8.3f  %s\n",
	               s->id, ca, sa, pkts, human_bytes(bytes, by, sizeof(by)), retx,
	               c0->lost_segment + c1->lost_segment, c0->dup_ack_storm + c1->dup_ack_storm,
	               c0->oversized_segment + c1->oversized_segment, rtt_text(s, rtt, sizeof(rtt)),
	               nd_ns_to_sec(s->last_ts - s->first_ts), nd_report_flow_end_name(s->end));
}

static void tcp_totals_line(struct nd_text_out *o, const struct nd_tcp_totals *t)
{
	const struct nd_tcp_counts *c = &t->an;
	nd_text_printf(o,
	               "  analysis: %" PRIu64 " retransmissions (%" PRIu64 " fast, %" PRIu64
	               " spurious, %" PRIu64 " bytes), %" PRIu64 " lost segments, %" PRIu64
	               " ACKed unseen, %" PRIu64 " out of order, %" PRIu64
	               " duplicate ACKs (%" PRIu64 " storms), %" PRIu64 " zero windows, %" PRIu64
	               " keep-alives, %" PRIu64 " oversized segments\n",
	               c->retransmission, c->fast_retransmission, c->spurious_retransmission,
	               c->retransmitted_bytes, c->lost_segment, c->ack_lost_segment,
	               c->out_of_order, c->duplicate_ack, c->dup_ack_storm, c->zero_window,
	               c->keep_alive, c->oversized_segment);
	const struct nd_tcp_loss *l = &t->loss;
	if (l->gaps || l->duplicate_frames || l->ack_before_data)
		nd_text_printf(o,
		               "  gaps: %" PRIu64 " network loss, %" PRIu64
		               " capture loss, %" PRIu64 " reordered, %" PRIu64
		               " unresolved; artefacts: %" PRIu64 " duplicate frames, %" PRIu64
		               " data after its ACK\n",
		               l->gaps_retransmitted, l->gaps_capture, l->gaps_reordered,
		               l->gaps_unresolved, l->duplicate_frames, l->ack_before_data);
}

static void tcp_section(struct nd_text_out *o, const struct nd_report_input *in)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	char b1[32];
	section(o, "TCP");
	nd_text_printf(o,
	               "  %" PRIu64 " connections (at most %" PRIu64 " at once, limit %u), %" PRIu64
	               " segments, %s payload; retired early: %" PRIu64 " idle, %" PRIu64
	               " table full\n",
	               t->flows, t->flows_active_max, nd_tcp_max_flows(in->tcp), t->segments,
	               human_bytes(t->payload_bytes, b1, sizeof(b1)), t->evicted_idle,
	               t->evicted_table_full);
	if (t->segments)
		tcp_totals_line(o, t);
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	if (!n)
		return;
	nd_text_printf(o, "  %5s  %-24s %-24s %7s %9s %6s %5s %6s %9s %8s %8s  %s\n", "ID",
	               "CLIENT", "SERVER", "PACKETS", "BYTES", "RETX%", "LOST", "STORMS",
	               "OVERSIZED", "RTT ms", "SECONDS", "END");
	for (size_t i = 0; i < n && i < TEXT_MAX_FLOWS; i++)
		flow_row(o, &flows[i]);
	if (n > TEXT_MAX_FLOWS || t->report_flows_dropped)
		nd_text_printf(o, "  ... %" PRIu64 " more connections not shown (see --json)\n",
		               (uint64_t)(n > TEXT_MAX_FLOWS ? n - TEXT_MAX_FLOWS : 0) +
		                       t->report_flows_dropped);
}

int nd_report_text(FILE *out, const struct nd_report_input *in, const struct nd_report_options *opt)
{
	struct nd_text_out o = {.f = out, .color = opt && opt->color, .width = opt ? opt->width : 0};
	nd_text_printf(&o, "%snetdiag %s%s\n", nd_text_sgr(&o, ND_SGR_BOLD), in->command,
	               nd_text_sgr(&o, ND_SGR_RESET));
	/* The answer first; the tables it rests on after it. */
	nd_report_findings_text(&o, in->findings);
	if (!opt || !opt->brief) {
		if (in->capture) {
			capture_section(&o, in);
			tcp_section(&o, in);
		}
		if (in->smb)
			nd_report_smb_text(out, o.color, in->smb);
		if (in->offload)
			nd_report_offload_text(out, o.color, in->offload);
		if (in->apparmor)
			nd_report_apparmor_text(out, o.color, in->apparmor);
	}
	if (fflush(out) != 0)
		o.err = -1;
	return o.err;
}
