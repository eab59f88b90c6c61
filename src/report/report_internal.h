/* SPDX-License-Identifier: MIT */
/* Private to report/: names shared by the text and JSON renderers. */
#ifndef ND_REPORT_INTERNAL_H
#define ND_REPORT_INTERNAL_H

#include <json-c/json.h>

#include "report/report.h"

const char *nd_report_capture_status_name(enum nd_capture_status s);
const char *nd_report_flow_end_name(enum nd_tcp_flow_end e);
/* Text output that remembers a write error; shared by every text renderer. */
struct nd_text_out {
	FILE *f;
	bool color;
	int width; /* columns to fit; 0 = 100 */
	int err;
};
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

/* The findings section (report_findings_text.c). */
void nd_report_findings_text(struct nd_text_out *o, const struct nd_findings *fs);

/* The offload section (report_offload.c). */
void nd_report_offload_text(FILE *out, bool color, const struct nd_offload_set *set);
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
