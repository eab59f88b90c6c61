/* SPDX-License-Identifier: MIT */
/* Private to report/: names shared by the text and JSON renderers. */
#ifndef ND_REPORT_INTERNAL_H
#define ND_REPORT_INTERNAL_H

#include <json-c/json.h>

#include "report/report.h"

const char *nd_report_capture_status_name(enum nd_capture_status s);
const char *nd_report_flow_end_name(enum nd_tcp_flow_end e);
/* Text output that remembers a write error; shared by every text renderer.
 * Every line a renderer prints fits in width columns: tables go through
 * nd_text_table_*, running text through nd_text_wrap. */
struct nd_text_out {
	FILE *f;
	bool color;
	int width; /* columns per line, >= ND_TEXT_MIN_WIDTH (nd_text_out_make sets it) */
	int err;
};
#define ND_TEXT_MIN_WIDTH     40
#define ND_TEXT_DEFAULT_WIDTH 100
/* An output on f for the options (NULL: no colour, default width); a width
 * of 0 means ND_TEXT_DEFAULT_WIDTH, one below ND_TEXT_MIN_WIDTH counts as
 * ND_TEXT_MIN_WIDTH. */
struct nd_text_out nd_text_out_make(FILE *f, const struct nd_report_options *opt);
void nd_text_printf(struct nd_text_out *o, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static inline const char *nd_text_sgr(const struct nd_text_out *o, const char *code)
{
	return o->color ? code : "";
}
#define ND_SGR_BOLD   "\033[1m"
#define ND_SGR_RESET  "\033[0m"
#define ND_SGR_RED    "\033[31m"
#define ND_SGR_YELLOW "\033[33m"
#define ND_SGR_CYAN   "\033[36m"

/* A blank line and the title in bold. */
void nd_text_section(struct nd_text_out *o, const char *title);

/* Columns a string takes on a terminal: UTF-8 characters, not bytes; SGR
 * colour sequences (ESC [ ... m) take none. East Asian wide characters
 * count as one column. */
int nd_text_width(const char *s);

/* ---- word wrap ----
 * Prints text at indent columns, after label (e.g. "fix: "; "" for none),
 * wrapped at o->width; continuation lines hang under the text, at indent +
 * the label's width:
 *
 *       fix: Turn off large send offload on the sender: on Linux
 *            `ethtool -K eth0 tso off gso off` ...
 *
 * Lines break only at spaces, and never inside a `code span` that fits on a
 * line of its own; runs of spaces inside a line are kept. A word longer
 * than a whole line (a URL, a path) is cut at the line's end and goes on in
 * the next. A newline in text starts a new (hanging) line. The label may
 * carry SGR colour; control characters and invalid UTF-8 in text print as
 * '?'. Always ends with a newline. */
void nd_text_wrap(struct nd_text_out *o, int indent, const char *label, const char *text);
/* As nd_text_wrap, but continuation lines start at column hang. */
void nd_text_wrap_hang(struct nd_text_out *o, int indent, int hang, const char *label,
                       const char *text);
/* nd_text_wrap of a formatted text. */
void nd_text_wrapf(struct nd_text_out *o, int indent, const char *label, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* ---- tables ----
 * A table fits o->width: when its natural width (each column as wide as its
 * widest cell or title) is too much, flexible columns (min > 0: paths,
 * names, addresses) are cut in the middle with ND_TEXT_CUT, widest first,
 * down to their min; when that is not enough the column with the lowest
 * priority is left out (ties: the rightmost) and the flexible ones widen
 * again as far as the room allows. A line under the table names the columns
 * left out. Should even the kept columns not fit at their min, every column
 * is cut as far as needed (and, were one column each still too much, the
 * rightmost go): no line is ever wider than o->width. */
#define ND_TEXT_CUT  "..."
#define ND_TEXT_KEEP 100 /* a priority: never left out */
enum nd_text_align { ND_TEXT_LEFT, ND_TEXT_RIGHT };
struct nd_text_col {
	const char *title; /* also names the column when it is left out */
	enum nd_text_align align;
	int min;      /* > 0: flexible, may be cut down to min columns; 0: never cut */
	int priority; /* 1..ND_TEXT_KEEP: the lowest goes first */
};
struct nd_text_table;
/* A table of n columns printed at indent with gap spaces between columns.
 * cols must outlive the table. NULL when out of memory (the other table
 * functions then do nothing; nd_text_table_end marks o->err). */
struct nd_text_table *nd_text_table_new(int indent, int gap, const struct nd_text_col *cols,
                                        size_t n);
/* Adds the next cell, row by row: after n cells a new row begins. Control
 * characters and invalid UTF-8 print as '?'. */
void nd_text_table_cell(struct nd_text_table *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Prints the header and the rows (nothing when there is no row) and frees t. */
void nd_text_table_end(struct nd_text_out *o, struct nd_text_table *t);

/* ---- numbers with units (powers of 1000, like the Mbit/s figures) ---- */
/* "512 B", "577.9 KB", "12.3 MB", "1.1 GB" */
const char *nd_text_bytes(uint64_t b, char *buf, size_t len);
/* "0.063 ms", "7.78 ms", "423.9 ms", "1.52 s", "95 s" */
const char *nd_text_duration(nd_ns t, char *buf, size_t len);
/* "850 kbit/s", "3.9 Mbit/s", "1.05 Gbit/s" from bytes per second */
const char *nd_text_bitrate(double bytes_per_s, char *buf, size_t len);

/* The findings section (report_findings_text.c). */
void nd_report_findings_text(struct nd_text_out *o, const struct nd_findings *fs);

/* The sections after TCP, each fitted to o->width: SMB (report_smb_text.c),
 * offload (report_offload.c), AppArmor (report_apparmor.c). */
void nd_report_smb_section(struct nd_text_out *o, const struct nd_smb *smb);
void nd_report_offload_section(struct nd_text_out *o, const struct nd_offload_set *set);
void nd_report_apparmor_section(struct nd_text_out *o, const struct nd_apparmor_report *aa);
json_object *nd_report_offload_json(const struct nd_offload_set *set);

/* JSON values shared by the renderers. Doubles get a fixed number of
 * decimals so that output is stable; a time of 0 and a NULL or empty string
 * are JSON null. */
json_object *nd_json_u64(uint64_t v);
json_object *nd_json_real(double v, int decimals);
json_object *nd_json_time(nd_ns t);
json_object *nd_json_ms(nd_ns v);
json_object *nd_json_str(const char *s);

/* "STATUS_ACCESS_DENIED", or the value in hex when the table lacks it. */
const char *nd_report_status_name(uint32_t st, char *buf, size_t len);
/* Bytes per second of a READ or WRITE statistic over its time span. */
double nd_report_io_throughput(const struct nd_smb_io_stats *io);

/* "pcap", "pcapng" or "live". */
const char *nd_report_format_name(const struct nd_capture_file_info *f);

#endif
