/* SPDX-License-Identifier: MIT */
/* The SMB section as text tables. The latency table mirrors
 * `tshark -z smb2,srt` (seconds, six decimals) and adds percentiles from the
 * module's histograms. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_smb.h"

/* ---- text ---- */

static void title(struct nd_text_out *o, const char *t)
{
	nd_text_printf(o, "\n%s%s%s\n", o->color ? "\033[1m" : "", t, o->color ? "\033[0m" : "");
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void srt_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	nd_text_printf(o, "  Service response time (as tshark -z smb2,srt; seconds)\n");
	nd_text_printf(o, "  %5s  %-22s %7s %10s %10s %10s %10s %10s %10s %10s\n", "Index",
	               "Commands", "Calls", "Min SRT", "Max SRT", "Avg SRT", "Sum SRT", "p50",
	               "p90", "p99");
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		const struct nd_hist *h = &r->cmd[c].lat;
		if (!h->count)
			continue;
		nd_text_printf(o,
		               "  %5u  %-22s %7" PRIu64
		               " %10.6f %10.6f %10.6f %10.6f %10.6f %10.6f %10.6f\n",
		               c, nd_smb_command_srt_label(c), h->count, nd_ns_to_sec(h->min),
		               nd_ns_to_sec(h->max), nd_ns_to_sec(h->sum / (nd_ns)h->count),
		               nd_ns_to_sec(h->sum), nd_ns_to_sec(nd_hist_quantile(h, 0.5)),
		               nd_ns_to_sec(nd_hist_quantile(h, 0.9)),
		               nd_ns_to_sec(nd_hist_quantile(h, 0.99)));
	}
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		const struct nd_hist *h = &r->cmd[c].interim;
		if (h->count)
			nd_text_printf(o,
			               "  %s: %" PRIu64
			               " interim STATUS_PENDING, after %.6f s avg, %.6f s max\n",
			               nd_smb_command_name(c), h->count,
			               nd_ns_to_sec(h->sum / (nd_ns)h->count),
			               nd_ns_to_sec(h->max));
	}
}

static void io_line(struct nd_text_out *o, const char *what, const struct nd_smb_io_stats *io)
{
	if (!io->ops && !io->inflight_n)
		return;
	nd_text_printf(o,
	               "  %s: %" PRIu64 " ok, %" PRIu64
	               " bytes, %.1f Mbit/s, in flight max %u avg %.2f\n",
	               what, io->ops, io->bytes, nd_report_io_throughput(io) * 8.0 / 1e6, io->inflight_max,
	               io->inflight_n ? (double)io->inflight_sum / (double)io->inflight_n : 0.0);
}

static void share_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n_shares && !any; i++)
		any = r->shares[i].write_lat.count > 0;
	if (!any)
		return;
	nd_text_printf(o, "  WRITE by share\n  %-32s %7s %12s %9s %9s %9s %9s %6s %6s\n", "SHARE",
	               "WRITES", "BYTES", "AVG ms", "P99 ms", "MAX ms", "Mbit/s", "INFL", "SLOW");
	for (size_t i = 0; i < r->n_shares; i++) {
		const struct nd_smb_share *s = &r->shares[i];
		const struct nd_hist *h = &s->write_lat;
		if (!h->count)
			continue;
		nd_text_printf(o,
		               "  %-32.32s %7" PRIu64 " %12" PRIu64
		               " %9.3f %9.3f %9.3f %9.1f %6u %6" PRIu64 "\n",
		               s->path[0] ? s->path : "(unknown tree)", h->count, s->write_io.bytes,
		               nd_ns_to_ms(h->sum / (nd_ns)h->count),
		               nd_ns_to_ms(nd_hist_quantile(h, 0.99)), nd_ns_to_ms(h->max),
		               nd_report_io_throughput(&s->write_io) * 8.0 / 1e6, s->write_io.inflight_max,
		               s->ops[ND_SMB_WRITE].slow);
	}
}

static void slowest_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_slowest)
		return;
	nd_text_printf(o, "  Slowest operations\n  %10s %-15s %8s %-26s %-24s %s\n", "SECONDS",
	               "COMMAND", "FRAME", "CLIENT", "SHARE", "FILE [offset+length]");
	for (size_t i = 0; i < r->n_slowest; i++) {
		const struct nd_smb_slow_op *s = &r->slowest[i];
		char a[64], extra[64] = "";
		nd_addr_format(s->ip_version, s->client, a, sizeof(a));
		if (s->cmd == ND_SMB_READ || s->cmd == ND_SMB_WRITE)
			snprintf(extra, sizeof(extra), " [%" PRIu64 "+%u]", s->offset, s->length);
		nd_text_printf(o, "  %10.6f %-15s %8" PRIu64 " %-26s %-24s %s%s%s\n",
		               nd_ns_to_sec(s->latency), nd_smb_command_name(s->cmd), s->frame, a,
		               or_dash(s->share), or_dash(s->name), extra,
		               s->network_trouble ? " (network trouble meanwhile)" : "");
	}
}

static void errors_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_errors)
		return;
	nd_text_printf(o, "  Errors (real failures first)\n  %-32s %-15s %7s %-24s %s\n", "STATUS",
	               "COMMAND", "COUNT", "SHARE", "PATH");
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		char nb[16];
		nd_text_printf(o, "  %-32s %-15s %7" PRIu64 " %-24s %s%s\n",
		               nd_report_status_name(e->status, nb, sizeof(nb)), nd_smb_command_name(e->cmd),
		               e->count, or_dash(e->share), or_dash(e->path),
		               e->benign ? "  (benign)" : "");
	}
	if (r->errors_overflow)
		nd_text_printf(o, "  ... %" PRIu64 " more error responses in rows not kept\n",
		               r->errors_overflow);
}

static void handles_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_open_handles)
		return;
	nd_text_printf(o, "  Open handles at the end (%zu)%s\n  %-26s %-24s %10s %8s  %s\n",
	               r->n_open_handles,
	               r->capture_cut ? "; the capture ended before some connections closed" : "",
	               "CLIENT", "SHARE", "AGE s", "FRAME", "NAME");
	for (size_t i = 0; i < r->n_open_handles && i < 50; i++) {
		const struct nd_smb_open_handle *h = &r->open_handles[i];
		char a[64];
		nd_addr_format(h->ip_version, h->client, a, sizeof(a));
		nd_text_printf(o, "  %-26s %-24s %10.3f %8" PRIu64 "  %s\n", a, or_dash(h->share),
		               nd_ns_to_sec(r->last_ts - h->opened_at), h->frame,
		               h->name[0] ? h->name : "(share root)");
	}
	if (r->n_open_handles > 50)
		nd_text_printf(o, "  ... %zu more (see --json)\n", r->n_open_handles - 50);
}

static void summary_line(struct nd_text_out *o, const struct nd_smb_results *r)
{
	nd_text_printf(o,
	               "  %" PRIu64 " connections, %" PRIu64 " SMB2 PDUs, %" PRIu64
	               " encrypted, %" PRIu64 " compressed, %" PRIu64 " SMB1; dialects:",
	               r->connections, r->smb2_pdus, r->encrypted_pdus, r->compressed_pdus,
	               r->smb1_pdus);
	for (size_t i = 0; i < r->n_dialects; i++) {
		const char *n = nd_smb_dialect_name(r->dialects[i].dialect);
		nd_text_printf(o, " %s x%" PRIu64, n ? n : "?", r->dialects[i].count);
	}
	nd_text_printf(o, "%s\n", r->n_dialects ? "" : " none seen");
	if (r->resyncs || r->bytes_not_captured || r->pdus_cut)
		nd_text_printf(o,
		               "  stream: %" PRIu64 " bytes not captured, %" PRIu64
		               " resyncs, %" PRIu64 " headers lost (%" PRIu64
		               " recovered from retransmissions), %" PRIu64
		               " headers cut by the snaplen\n",
		               r->bytes_not_captured, r->resyncs, r->headers_lost,
		               r->pdus_recovered, r->pdus_cut);
	bool pend = false;
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].pending_at_end) {
			nd_text_printf(o, "%s %s %" PRIu64,
			               pend ? "," : "  no final response at the end:",
			               nd_smb_command_name(c), r->cmd[c].pending_at_end);
			pend = true;
		}
	if (pend)
		nd_text_printf(o, "\n");
}

void nd_report_smb_text(FILE *out, bool color, const struct nd_smb *smb)
{
	const struct nd_smb_results *r = nd_smb_get_results(smb);
	struct nd_text_out o = {.f = out, .color = color};
	if (!r->connections)
		return;
	title(&o, "SMB");
	summary_line(&o, r);
	srt_table(&o, r);
	io_line(&o, "WRITE", &r->write);
	io_line(&o, "READ", &r->read);
	share_table(&o, r);
	slowest_table(&o, r);
	errors_table(&o, r);
	handles_table(&o, r);
}
