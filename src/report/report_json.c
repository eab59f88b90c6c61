/* SPDX-License-Identifier: MIT */
/* The JSON document: one per run, built with json-c. Field names are a
 * public interface (docs/json.md): add, never rename. */
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>

#include "version.h"
#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_apparmor.h"
#include "report/report_smb.h"

/* Doubles are printed with a fixed number of decimals so that the output
 * is stable and free of binary-fraction noise. */
static json_object *j_duration(nd_ns a, nd_ns b)
{
	return nd_json_real(a && b >= a ? nd_ns_to_sec(b - a) : 0.0, 6);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *capture_file_json(const struct nd_capture_file_info *f)
{
	json_object *o = json_object_new_object();
	add(o, "path", json_object_new_string(f->path));
	add(o, "status", json_object_new_string(nd_report_capture_status_name(f->status)));
	add(o, "error", f->error[0] ? json_object_new_string(f->error) : NULL);
	add(o, "format",
	    f->linktype >= 0 ? json_object_new_string(nd_report_format_name(f)) : NULL);
	add(o, "link_type", f->linktype >= 0 ? json_object_new_int(f->linktype) : NULL);
	add(o, "link_type_name",
	    f->linktype >= 0 ? json_object_new_string(f->linktype_name) : NULL);
	add(o, "snaplen", nd_json_u64(f->snaplen));
	add(o, "packets", nd_json_u64(f->packets));
	add(o, "bytes", nd_json_u64(f->wire_bytes));
	add(o, "captured_bytes", nd_json_u64(f->captured_bytes));
	add(o, "truncated_packets", nd_json_u64(f->truncated_packets));
	add(o, "start", nd_json_time(f->first_ts));
	add(o, "end", nd_json_time(f->last_ts));
	add(o, "duration_s", j_duration(f->first_ts, f->last_ts));
	json_object *drops = NULL;
	if (f->drops_known) {
		drops = json_object_new_object();
		add(drops, "interface", nd_json_u64(f->drops_if));
		add(drops, "kernel", nd_json_u64(f->drops_kernel));
	}
	add(o, "drops", drops);
	add(o, "busy_poll_s",
	    f->live ? json_object_new_double((double)f->busy_poll_ns / ND_NS_PER_SEC) : NULL);
	return o;
}

static json_object *decode_json(const struct nd_decode_stats *d)
{
	json_object *o = json_object_new_object();
	add(o, "ipv4", nd_json_u64(d->ipv4));
	add(o, "ipv6", nd_json_u64(d->ipv6));
	add(o, "tcp", nd_json_u64(d->tcp));
	add(o, "udp", nd_json_u64(d->udp));
	add(o, "icmp", nd_json_u64(d->icmp));
	add(o, "other_ip_protocols", nd_json_u64(d->other_proto));
	add(o, "not_ip", nd_json_u64(d->results[ND_DECODE_NOT_IP]));
	add(o, "vlan_tagged", nd_json_u64(d->vlan_tagged));
	add(o, "ipv4_fragments", nd_json_u64(d->ipv4_fragments));
	add(o, "ipv6_fragments", nd_json_u64(d->ipv6_fragments));
	add(o, "ipv4_options", nd_json_u64(d->ipv4_options));
	add(o, "ipv6_extension_headers", nd_json_u64(d->ipv6_ext_headers));
	add(o, "ip_length_zero", nd_json_u64(d->ip_len_zero));
	add(o, "tcp_bad_options", nd_json_u64(d->tcp_bad_options));
	add(o, "malformed", nd_json_u64(d->results[ND_DECODE_MALFORMED]));
	add(o, "truncated_headers", nd_json_u64(d->results[ND_DECODE_TRUNCATED]));
	return o;
}

static json_object *capture_json(const struct nd_report_input *in)
{
	json_object *o = json_object_new_object();
	json_object *files = json_object_new_array();
	for (size_t i = 0; i < in->capture->n_files; i++)
		json_object_array_add(files, capture_file_json(&in->capture->files[i]));
	add(o, "files", files);
	struct nd_capture_totals t;
	nd_capture_summary_totals(in->capture, &t);
	add(o, "packets", nd_json_u64(t.packets));
	add(o, "bytes", nd_json_u64(t.wire_bytes));
	add(o, "captured_bytes", nd_json_u64(t.captured_bytes));
	add(o, "truncated_packets", nd_json_u64(t.truncated_packets));
	add(o, "start", nd_json_time(t.first_ts));
	add(o, "end", nd_json_time(t.last_ts));
	add(o, "duration_s", j_duration(t.first_ts, t.last_ts));
	json_object *drops = NULL;
	if (t.drops_known) {
		drops = json_object_new_object();
		add(drops, "interface", nd_json_u64(t.drops_if));
		add(drops, "kernel", nd_json_u64(t.drops_kernel));
	}
	add(o, "drops", drops);
	add(o, "partial", json_object_new_boolean(t.partial));
	add(o, "decode", decode_json(in->decode));
	return o;
}

static json_object *endpoint_json(int v, const uint8_t addr[16], uint16_t port)
{
	char buf[64];
	json_object *o = json_object_new_object();
	add(o, "address", json_object_new_string(nd_addr_format(v, addr, buf, sizeof(buf))));
	add(o, "port", json_object_new_int(port));
	return o;
}

static json_object *counts_json(const struct nd_tcp_counts *c)
{
	json_object *o = json_object_new_object();
	add(o, "lost_segment", nd_json_u64(c->lost_segment));
	add(o, "ack_lost_segment", nd_json_u64(c->ack_lost_segment));
	add(o, "retransmission", nd_json_u64(c->retransmission));
	add(o, "fast_retransmission", nd_json_u64(c->fast_retransmission));
	add(o, "spurious_retransmission", nd_json_u64(c->spurious_retransmission));
	add(o, "out_of_order", nd_json_u64(c->out_of_order));
	add(o, "duplicate_ack", nd_json_u64(c->duplicate_ack));
	add(o, "zero_window", nd_json_u64(c->zero_window));
	add(o, "zero_window_probe", nd_json_u64(c->zero_window_probe));
	add(o, "zero_window_probe_ack", nd_json_u64(c->zero_window_probe_ack));
	add(o, "window_full", nd_json_u64(c->window_full));
	add(o, "window_update", nd_json_u64(c->window_update));
	add(o, "keep_alive", nd_json_u64(c->keep_alive));
	add(o, "keep_alive_ack", nd_json_u64(c->keep_alive_ack));
	add(o, "oversized_segment", nd_json_u64(c->oversized_segment));
	add(o, "dup_ack_storm", nd_json_u64(c->dup_ack_storm));
	add(o, "retransmitted_bytes", nd_json_u64(c->retransmitted_bytes));
	add(o, "dsack_blocks", nd_json_u64(c->dsack_blocks));
	add(o, "dsack_spurious", nd_json_u64(c->dsack_spurious));
	add(o, "real_retransmission", nd_json_u64(nd_tcp_real_retransmissions(c)));
	add(o, "real_retransmitted_bytes", nd_json_u64(c->real_retransmitted_bytes));
	add(o, "retransmitted_unacked", nd_json_u64(c->retransmitted_unacked));
	return o;
}

static json_object *loss_json(const struct nd_tcp_loss *l)
{
	json_object *o = json_object_new_object();
	add(o, "gaps", nd_json_u64(l->gaps));
	add(o, "gaps_network_loss", nd_json_u64(l->gaps_retransmitted));
	add(o, "gaps_reordered", nd_json_u64(l->gaps_reordered));
	add(o, "gaps_capture_loss", nd_json_u64(l->gaps_capture));
	add(o, "gaps_unresolved", nd_json_u64(l->gaps_unresolved));
	add(o, "capture_loss_bytes", nd_json_u64(l->gap_bytes_capture));
	add(o, "duplicate_frames", nd_json_u64(l->duplicate_frames));
	add(o, "ack_before_data", nd_json_u64(l->ack_before_data));
	add(o, "header_only_segments", nd_json_u64(l->header_only));
	return o;
}

static json_object *rtt_json(const struct nd_tcp_dir_summary *d)
{
	if (!d->rtt_samples)
		return NULL;
	json_object *o = json_object_new_object();
	add(o, "samples", nd_json_u64(d->rtt_samples));
	add(o, "min_ms", nd_json_ms(d->rtt_min));
	add(o, "avg_ms", nd_json_ms(d->rtt_avg));
	add(o, "p50_ms", nd_json_ms(d->rtt_p50));
	add(o, "p90_ms", nd_json_ms(d->rtt_p90));
	add(o, "p95_ms", nd_json_ms(d->rtt_p95));
	add(o, "max_ms", nd_json_ms(d->rtt_max));
	return o;
}

/* The flow's RTT over both directions and the handshake, or null. */
static json_object *flow_rtt_json(const struct nd_tcp_flow_summary *s)
{
	if (!s->rtt_samples)
		return NULL;
	json_object *o = json_object_new_object();
	add(o, "samples", nd_json_u64(s->rtt_samples));
	add(o, "min_ms", nd_json_ms(s->rtt_min));
	add(o, "p50_ms", nd_json_ms(s->rtt_p50));
	add(o, "p90_ms", nd_json_ms(s->rtt_p90));
	add(o, "max_ms", nd_json_ms(s->rtt_max));
	return o;
}

static json_object *j_secs(nd_ns v)
{
	return nd_json_real(nd_ns_to_sec(v), 6);
}

static json_object *series_json(const struct nd_tcp_series *s)
{
	json_object *o = json_object_new_object();
	add(o, "bucket_s", nd_json_real(nd_ns_to_sec(s->width), 3));
	const char *keys[] = {"client_bytes",  "server_bytes",   "retransmissions",
	                      "lost_segments", "duplicate_acks", "oversized_segments"};
	json_object *arr[6];
	for (int k = 0; k < 6; k++)
		arr[k] = json_object_new_array();
	for (uint32_t i = 0; i < s->n; i++) {
		const struct nd_tcp_series_bucket *b = &s->b[i];
		json_object_array_add(arr[0], nd_json_u64(b->bytes[0]));
		json_object_array_add(arr[1], nd_json_u64(b->bytes[1]));
		json_object_array_add(arr[2], nd_json_u64(b->retransmissions));
		json_object_array_add(arr[3], nd_json_u64(b->lost_segments));
		json_object_array_add(arr[4], nd_json_u64(b->duplicate_acks));
		json_object_array_add(arr[5], nd_json_u64(b->oversized_segments));
	}
	for (int k = 0; k < 6; k++)
		add(o, keys[k], arr[k]);
	return o;
}

static json_object *tcp_dir_json(const struct nd_tcp_flow_summary *s, int dir)
{
	const struct nd_tcp_dir_summary *d = &s->dir[dir];
	json_object *o = json_object_new_object();
	add(o, "packets", nd_json_u64(d->packets));
	add(o, "payload_bytes", nd_json_u64(d->payload_bytes));
	add(o, "captured_payload_bytes", nd_json_u64(d->captured_bytes));
	add(o, "syn", nd_json_u64(d->syn));
	add(o, "fin", nd_json_u64(d->fin));
	add(o, "rst", nd_json_u64(d->rst));
	add(o, "mss", d->mss ? json_object_new_int(d->mss) : NULL);
	add(o, "window_scale", d->wscale >= 0 ? json_object_new_int(d->wscale) : NULL);
	add(o, "sack_permitted", json_object_new_boolean(d->sack_permitted));
	add(o, "timestamps", json_object_new_boolean(d->timestamps));
	add(o, "max_segment", nd_json_u64(d->max_segment));
	add(o, "longest_dup_ack_run", nd_json_u64(d->longest_dup_ack_run));
	add(o, "analysis", counts_json(&d->an));
	add(o, "loss", loss_json(&s->loss[dir]));
	add(o, "mss_limit", nd_json_u64(s->mss_used[dir]));
	add(o, "oversized_first", nd_json_time(s->oversized_first[dir]));
	add(o, "oversized_last", nd_json_time(s->oversized_last[dir]));
	add(o, "zero_window_s", j_secs(s->zero_window_time[dir]));
	add(o, "zero_window_max_s", j_secs(s->zero_window_max[dir]));
	add(o, "dup_ack_storm_s", j_secs(s->dup_ack_storm_time[dir]));
	add(o, "rtt", rtt_json(d));
	add(o, "retx_stalls", nd_json_u64(d->retx_stalls));
	add(o, "retx_stall_s", d->retx_stalls ? j_secs(d->retx_stall) : NULL);
	add(o, "retx_stall_max_s", d->retx_stalls ? j_secs(d->retx_stall_max) : NULL);
	return o;
}

static json_object *tcp_flow_json(const struct nd_tcp_flow_summary *s)
{
	json_object *o = json_object_new_object();
	add(o, "id", nd_json_u64(s->id));
	add(o, "ip_version", json_object_new_int(s->ip_version));
	add(o, "client", endpoint_json(s->ip_version, s->addr[0], s->port[0]));
	add(o, "server", endpoint_json(s->ip_version, s->addr[1], s->port[1]));
	add(o, "handshake_seen", json_object_new_boolean(s->handshake_seen));
	add(o, "start", nd_json_time(s->first_ts));
	add(o, "end", nd_json_time(s->last_ts));
	add(o, "duration_s", j_duration(s->first_ts, s->last_ts));
	add(o, "first_file", nd_json_u64(s->first_file));
	add(o, "first_frame", nd_json_u64(s->first_frame));
	add(o, "end_reason", json_object_new_string(nd_report_flow_end_name(s->end)));
	add(o, "irtt_ms", s->irtt ? nd_json_ms(s->irtt) : NULL);
	add(o, "rst_abort", json_object_new_boolean(s->rst_abort));
	add(o, "rtt", flow_rtt_json(s));
	add(o, "client_to_server", tcp_dir_json(s, 0));
	add(o, "server_to_client", tcp_dir_json(s, 1));
	add(o, "series", series_json(&s->series));
	return o;
}

static json_object *tcp_json(const struct nd_report_input *in)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	json_object *o = json_object_new_object();
	add(o, "segments", nd_json_u64(t->segments));
	add(o, "payload_bytes", nd_json_u64(t->payload_bytes));
	add(o, "flows_total", nd_json_u64(t->flows));
	add(o, "flows_active_max", nd_json_u64(t->flows_active_max));
	add(o, "max_flows", nd_json_u64(nd_tcp_max_flows(in->tcp)));
	json_object *ev = json_object_new_object();
	add(ev, "idle", nd_json_u64(t->evicted_idle));
	add(ev, "table_full", nd_json_u64(t->evicted_table_full));
	add(o, "evicted", ev);
	add(o, "port_reuse", nd_json_u64(t->port_reuse));
	add(o, "totals", counts_json(&t->an));
	add(o, "loss", loss_json(&t->loss));
	add(o, "rtt_samples", nd_json_u64(t->rtt_samples));
	const struct nd_tcp_flow_summary *flows;
	size_t n = nd_tcp_report_flows(in->tcp, &flows);
	add(o, "flows_not_listed", nd_json_u64(t->report_flows_dropped));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, tcp_flow_json(&flows[i]));
	add(o, "flows", arr);
	return o;
}

static json_object *meta_json(const struct nd_report_input *in)
{
	json_object *o = json_object_new_object();
	add(o, "version", json_object_new_string(ND_VERSION));
	add(o, "command", json_object_new_string(in->command));
	add(o, "schema", json_object_new_int(2));
	return o;
}

int nd_report_json(FILE *out, const struct nd_report_input *in, const struct nd_report_options *opt)
{
	json_object *root = json_object_new_object();
	add(root, "netdiag", meta_json(in));
	add(root, "verdict", nd_report_verdict_json(in->findings));
	if (in->capture) {
		add(root, "capture", capture_json(in));
		add(root, "tcp", tcp_json(in));
		add(root, "smb", in->smb ? nd_report_smb_json(in->smb) : json_object_new_object());
	}
	if (in->offload)
		add(root, "offload", nd_report_offload_json(in->offload));
	if (in->apparmor)
		add(root, "apparmor", nd_report_apparmor_json(in->apparmor));
	add(root, "findings", nd_report_findings_json(in->findings));
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	if (!opt || !opt->one_line)
		flags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	const char *s = json_object_to_json_string_ext(root, flags);
	int rc = fputs(s, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
	json_object_put(root);
	return rc;
}
