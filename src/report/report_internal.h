/* SPDX-License-Identifier: MIT */
/* Private to report/: names shared by the text and JSON renderers. */
#ifndef ND_REPORT_INTERNAL_H
#define ND_REPORT_INTERNAL_H

#include <json-c/json.h>

#include "report/report.h"

const char *nd_report_capture_status_name(enum nd_capture_status s);
const char *nd_report_flow_end_name(enum nd_tcp_flow_end e);
/* The offload section (report_offload.c). */
void nd_report_offload_text(FILE *out, bool color, const struct nd_offload_set *set);
json_object *nd_report_offload_json(const struct nd_offload_set *set);

/* "pcap", "pcapng" or "live". */
const char *nd_report_format_name(const struct nd_capture_file_info *f);

#endif
