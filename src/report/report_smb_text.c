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

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/* tshark's columns first, in its order and format; at narrower widths the
 * percentiles go first, then tshark's columns from the right. */
static const struct nd_text_col srt_cols[] = {
        {"Index", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
        {"Commands", ND_TEXT_LEFT, 18, ND_TEXT_KEEP}, /* never cut: 18 is the longest */
        {"Calls", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
        {"Min SRT", ND_TEXT_RIGHT, 0, 7},
        {"Max SRT", ND_TEXT_RIGHT, 0, 6},
        {"Avg SRT", ND_TEXT_RIGHT, 0, 5},
        {"Sum SRT", ND_TEXT_RIGHT, 0, 4},
        {"p50", ND_TEXT_RIGHT, 0, 1},
        {"p90", ND_TEXT_RIGHT, 0, 2},
        {"p99", ND_TEXT_RIGHT, 0, 3},
};

static void srt_row(struct nd_text_table *t, unsigned c, const struct nd_hist *h)
{
	nd_text_table_cell(t, "%u", c);
	nd_text_table_cell(t, "%s", nd_smb_command_srt_label(c));
	nd_text_table_cell(t, "%" PRIu64, h->count);
	nd_ns v[] = {h->min,
	             h->max,
	             h->sum / (nd_ns)h->count,
	             h->sum,
	             nd_hist_quantile(h, 0.5),
	             nd_hist_quantile(h, 0.9),
	             nd_hist_quantile(h, 0.99)};
	for (size_t i = 0; i < ND_ARRAY_LEN(v); i++)
		nd_text_table_cell(t, "%.6f", nd_ns_to_sec(v[i]));
}

static void srt_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	nd_text_wrap(o, 2, "", "Service response time (as tshark -z smb2,srt; seconds)");
	/* one space between columns, as tshark's table: all ten fit 100 columns */
	struct nd_text_table *t = nd_text_table_new(2, 1, srt_cols, ND_ARRAY_LEN(srt_cols));
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].lat.count)
			srt_row(t, c, &r->cmd[c].lat);
	nd_text_table_end(o, t);
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		const struct nd_hist *h = &r->cmd[c].interim;
		char d1[32], d2[32];
		if (h->count)
			nd_text_wrapf(o, 2, "",
			              "%s: %" PRIu64
			              " interim STATUS_PENDING, after %s avg, %s max",
			              nd_smb_command_name(c), h->count,
			              nd_text_duration(h->sum / (nd_ns)h->count, d1, sizeof(d1)),
			              nd_text_duration(h->max, d2, sizeof(d2)));
	}
}

static void io_line(struct nd_text_out *o, const char *what, const struct nd_smb_io_stats *io)
{
	if (!io->ops && !io->inflight_n)
		return;
	char label[16], b1[32], r1[32];
	snprintf(label, sizeof(label), "%s: ", what);
	nd_text_wrapf(o, 2, label, "%" PRIu64 " ok, %s, %s, in flight max %u avg %.2f", io->ops,
	              nd_text_bytes(io->bytes, b1, sizeof(b1)),
	              nd_text_bitrate(nd_report_io_throughput(io), r1, sizeof(r1)),
	              io->inflight_max,
	              io->inflight_n ? (double)io->inflight_sum / (double)io->inflight_n : 0.0);
}

static const struct nd_text_col share_cols[] = {
        {"SHARE", ND_TEXT_LEFT, 18, ND_TEXT_KEEP},
        {"WRITES", ND_TEXT_RIGHT, 0, 8},
        {"BYTES", ND_TEXT_RIGHT, 0, 5},
        {"AVG ms", ND_TEXT_RIGHT, 0, 7},
        {"P99 ms", ND_TEXT_RIGHT, 0, 6},
        {"MAX ms", ND_TEXT_RIGHT, 0, 4},
        {"Mbit/s", ND_TEXT_RIGHT, 0, 3},
        {"INFL", ND_TEXT_RIGHT, 0, 1},
        {"SLOW", ND_TEXT_RIGHT, 0, 2},
};

static void share_row(struct nd_text_table *t, const struct nd_smb_share *s)
{
	const struct nd_hist *h = &s->write_lat;
	char b1[32];
	nd_text_table_cell(t, "%s", s->path[0] ? s->path : "(unknown tree)");
	nd_text_table_cell(t, "%" PRIu64, h->count);
	nd_text_table_cell(t, "%s", nd_text_bytes(s->write_io.bytes, b1, sizeof(b1)));
	nd_text_table_cell(t, "%.3f", nd_ns_to_ms(h->sum / (nd_ns)h->count));
	nd_text_table_cell(t, "%.3f", nd_ns_to_ms(nd_hist_quantile(h, 0.99)));
	nd_text_table_cell(t, "%.3f", nd_ns_to_ms(h->max));
	nd_text_table_cell(t, "%.1f", nd_report_io_throughput(&s->write_io) * 8.0 / 1e6);
	nd_text_table_cell(t, "%u", s->write_io.inflight_max);
	nd_text_table_cell(t, "%" PRIu64, s->ops[ND_SMB_WRITE].slow);
}

static void share_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n_shares && !any; i++)
		any = r->shares[i].write_lat.count > 0;
	if (!any)
		return;
	nd_text_printf(o, "  WRITE by share\n");
	struct nd_text_table *t = nd_text_table_new(2, 2, share_cols, ND_ARRAY_LEN(share_cols));
	for (size_t i = 0; i < r->n_shares; i++)
		if (r->shares[i].write_lat.count)
			share_row(t, &r->shares[i]);
	nd_text_table_end(o, t);
}

/* An IPv4 client (15 columns) is never cut; a share or file name rather
 * loses its middle than makes the table drop a column at 100 columns. */
static const struct nd_text_col slowest_cols[] = {
        {"SECONDS", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
        {"COMMAND", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
        {"FRAME", ND_TEXT_RIGHT, 0, 3},
        {"CLIENT", ND_TEXT_LEFT, 15, 2},
        {"SHARE", ND_TEXT_LEFT, 18, 5},
        {"FILE", ND_TEXT_LEFT, 16, ND_TEXT_KEEP},
        {"OFFSET+LENGTH", ND_TEXT_LEFT, 0, 1},
        {"NETWORK", ND_TEXT_LEFT, 0, 4},
};

static void slowest_row(struct nd_text_table *t, const struct nd_smb_slow_op *s)
{
	char a[64];
	nd_addr_format(s->ip_version, s->client, a, sizeof(a));
	nd_text_table_cell(t, "%.6f", nd_ns_to_sec(s->latency));
	nd_text_table_cell(t, "%s", nd_smb_command_name(s->cmd));
	nd_text_table_cell(t, "%" PRIu64, s->frame);
	nd_text_table_cell(t, "%s", a);
	nd_text_table_cell(t, "%s", or_dash(s->share));
	nd_text_table_cell(t, "%s", or_dash(s->name));
	if (s->cmd == ND_SMB_READ || s->cmd == ND_SMB_WRITE)
		nd_text_table_cell(t, "%" PRIu64 "+%u", s->offset, s->length);
	else
		nd_text_table_cell(t, "-");
	/* the connection lost or retransmitted segments while it was outstanding */
	nd_text_table_cell(t, "%s", s->network_trouble ? "trouble" : "-");
}

static void slowest_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_slowest)
		return;
	nd_text_printf(o, "  Slowest operations\n");
	struct nd_text_table *t = nd_text_table_new(2, 2, slowest_cols, ND_ARRAY_LEN(slowest_cols));
	for (size_t i = 0; i < r->n_slowest; i++)
		slowest_row(t, &r->slowest[i]);
	nd_text_table_end(o, t);
}

/* Status names stay whole (they are searched for); the share tells more
 * than the path, and the benign rows are last anyway. */
static const struct nd_text_col error_cols[] = {
        {"STATUS", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
        {"COMMAND", ND_TEXT_LEFT, 0, ND_TEXT_KEEP},
        {"COUNT", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP},
        {"SHARE", ND_TEXT_LEFT, 18, 4},
        {"PATH", ND_TEXT_LEFT, 16, 3},
        {"KIND", ND_TEXT_LEFT, 0, 1},
};

static void errors_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_errors)
		return;
	nd_text_printf(o, "  Errors (real failures first)\n");
	struct nd_text_table *t = nd_text_table_new(2, 2, error_cols, ND_ARRAY_LEN(error_cols));
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		char nb[16];
		nd_text_table_cell(t, "%s", nd_report_status_name(e->status, nb, sizeof(nb)));
		nd_text_table_cell(t, "%s", nd_smb_command_name(e->cmd));
		nd_text_table_cell(t, "%" PRIu64, e->count);
		nd_text_table_cell(t, "%s", or_dash(e->share));
		nd_text_table_cell(t, "%s", or_dash(e->path));
		nd_text_table_cell(t, "%s", e->benign ? "benign" : "failure");
	}
	nd_text_table_end(o, t);
	if (r->errors_overflow)
		nd_text_wrapf(o, 2, "", "... %" PRIu64 " more error responses in rows not kept",
		              r->errors_overflow);
}

#define TEXT_MAX_HANDLES 50

static const struct nd_text_col handle_cols[] = {
        {"CLIENT", ND_TEXT_LEFT, 15, 2},           {"SHARE", ND_TEXT_LEFT, 18, 3},
        {"AGE s", ND_TEXT_RIGHT, 0, ND_TEXT_KEEP}, {"FRAME", ND_TEXT_RIGHT, 0, 1},
        {"NAME", ND_TEXT_LEFT, 12, ND_TEXT_KEEP},
};

static void handles_table(struct nd_text_out *o, const struct nd_smb_results *r)
{
	if (!r->n_open_handles)
		return;
	nd_text_wrapf(o, 2, "", "Open handles at the end (%zu)%s", r->n_open_handles,
	              r->capture_cut ? "; the capture ended before some connections closed" : "");
	struct nd_text_table *t = nd_text_table_new(2, 2, handle_cols, ND_ARRAY_LEN(handle_cols));
	for (size_t i = 0; i < r->n_open_handles && i < TEXT_MAX_HANDLES; i++) {
		const struct nd_smb_open_handle *h = &r->open_handles[i];
		char a[64];
		nd_addr_format(h->ip_version, h->client, a, sizeof(a));
		nd_text_table_cell(t, "%s", a);
		nd_text_table_cell(t, "%s", or_dash(h->share));
		nd_text_table_cell(t, "%.3f", nd_ns_to_sec(r->last_ts - h->opened_at));
		nd_text_table_cell(t, "%" PRIu64, h->frame);
		nd_text_table_cell(t, "%s", h->name[0] ? h->name : "(share root)");
	}
	nd_text_table_end(o, t);
	if (r->n_open_handles > TEXT_MAX_HANDLES)
		nd_text_wrapf(o, 2, "", "... %zu more (see --json)",
		              r->n_open_handles - TEXT_MAX_HANDLES);
}

/* Appends to a line being put together from parts (cut at len). */
static size_t appendf(char *buf, size_t len, size_t at, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static size_t appendf(char *buf, size_t len, size_t at, const char *fmt, ...)
{
	if (at >= len)
		return at;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	return n < 0 ? at : at + (size_t)n;
}

static void summary_line(struct nd_text_out *o, const struct nd_smb_results *r)
{
	nd_text_wrapf(o, 2, "",
	              "%" PRIu64 " connections, %" PRIu64 " SMB2 PDUs, %" PRIu64
	              " encrypted, %" PRIu64 " compressed, %" PRIu64 " SMB1",
	              r->connections, r->smb2_pdus, r->encrypted_pdus, r->compressed_pdus,
	              r->smb1_pdus);
	char line[512] = "none seen";
	size_t n = 0;
	for (size_t i = 0; i < r->n_dialects; i++) {
		const char *d = nd_smb_dialect_name(r->dialects[i].dialect);
		n = appendf(line, sizeof(line), n, "%s%s x%" PRIu64, n ? ", " : "", d ? d : "?",
		            r->dialects[i].count);
	}
	nd_text_wrap(o, 2, "dialects: ", line);
	if (r->resyncs || r->bytes_not_captured || r->pdus_cut)
		nd_text_wrapf(o, 2, "stream: ",
		              "%" PRIu64 " bytes not captured, %" PRIu64 " resyncs, %" PRIu64
		              " headers lost (%" PRIu64 " recovered from retransmissions), %" PRIu64
		              " headers cut by the snaplen",
		              r->bytes_not_captured, r->resyncs, r->headers_lost, r->pdus_recovered,
		              r->pdus_cut);
}

static void pending_line(struct nd_text_out *o, const struct nd_smb_results *r)
{
	char line[512];
	size_t n = 0;
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].pending_at_end)
			n = appendf(line, sizeof(line), n, "%s%s %" PRIu64, n ? ", " : "",
			            nd_smb_command_name(c), r->cmd[c].pending_at_end);
	if (n)
		nd_text_wrap(o, 2, "no final response at the end: ", line);
}

void nd_report_smb_section(struct nd_text_out *o, const struct nd_smb *smb)
{
	const struct nd_smb_results *r = nd_smb_get_results(smb);
	if (!r->connections)
		return;
	nd_text_section(o, "SMB");
	summary_line(o, r);
	pending_line(o, r);
	srt_table(o, r);
	io_line(o, "WRITE", &r->write);
	io_line(o, "READ", &r->read);
	share_table(o, r);
	slowest_table(o, r);
	errors_table(o, r);
	handles_table(o, r);
}

void nd_report_smb_text(FILE *out, const struct nd_report_options *opt, const struct nd_smb *smb)
{
	struct nd_text_out o = nd_text_out_make(out, opt);
	nd_report_smb_section(&o, smb);
}
