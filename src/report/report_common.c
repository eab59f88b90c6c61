/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <time.h>

#include "report/report.h"
#include "report/report_internal.h"

const char *nd_report_capture_status_name(enum nd_capture_status s)
{
	switch (s) {
	case ND_CAPTURE_OK:
		return "ok";
	case ND_CAPTURE_OPEN_FAILED:
		return "open_failed";
	case ND_CAPTURE_DAMAGED:
		return "damaged";
	case ND_CAPTURE_UNSUPPORTED_LINK:
		return "unsupported_link";
	}
	return "unknown";
}

const char *nd_report_flow_end_name(enum nd_tcp_flow_end e)
{
	switch (e) {
	case ND_TCP_END_OPEN:
		return "open";
	case ND_TCP_END_FIN:
		return "fin";
	case ND_TCP_END_RST:
		return "rst";
	case ND_TCP_END_IDLE:
		return "idle_timeout";
	case ND_TCP_END_TABLE_FULL:
		return "table_full";
	case ND_TCP_END_REUSED:
		return "port_reused";
	}
	return "unknown";
}

const char *nd_report_format_name(const struct nd_capture_file_info *f)
{
	return f->live ? "live" : f->pcapng ? "pcapng" : "pcap";
}

const char *nd_report_time(nd_ns t, char *buf, size_t len)
{
	if (!t) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	time_t sec = (time_t)(t / ND_NS_PER_SEC);
	long usec = (long)((t % ND_NS_PER_SEC) / ND_NS_PER_US);
	if (usec < 0) {
		sec--;
		usec += 1000000;
	}
	struct tm tm;
	gmtime_r(&sec, &tm);
	char base[32];
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ldZ", base, usec);
	return buf;
}

const char *nd_report_status_name(uint32_t st, char *buf, size_t len)
{
	const char *n = nd_smb_status_name(st);
	if (n)
		return n;
	snprintf(buf, len, "0x%08X", st);
	return buf;
}

double nd_report_io_throughput(const struct nd_smb_io_stats *io)
{
	nd_ns span = io->last_ts - io->first_ts;
	return io->first_ts && span > 0 ? (double)io->bytes / nd_ns_to_sec(span) : 0.0;
}

json_object *nd_json_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

json_object *nd_json_real(double v, int decimals)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

json_object *nd_json_time(nd_ns t)
{
	char buf[64];
	return t ? json_object_new_string(nd_report_time(t, buf, sizeof(buf))) : NULL;
}

json_object *nd_json_ms(nd_ns v)
{
	return nd_json_real(nd_ns_to_ms(v), 3);
}

json_object *nd_json_str(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}
