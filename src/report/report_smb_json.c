/* SPDX-License-Identifier: MIT */
/* The SMB section as JSON (docs/smb.md; add fields, never rename). The
 * latency figures mirror `tshark -z smb2,srt` and add percentiles from
 * the module's histograms. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_smb.h"

/* ---- JSON ---- */

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *j_str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *j_hex32(uint32_t v)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "0x%08X", v);
	return j_str(buf);
}

static json_object *j_addr(uint8_t ipv, const uint8_t a[16])
{
	char buf[64];
	return ipv ? j_str(nd_addr_format(ipv, a, buf, sizeof(buf))) : NULL;
}

/* A name that may not be visible (a Kerberos user): null, not "". */
static json_object *j_str_known(const char *s)
{
	return s[0] ? j_str(s) : NULL;
}

static json_object *j_hex16(uint16_t v)
{
	char buf[8];
	snprintf(buf, sizeof(buf), "0x%04X", v);
	return j_str(buf);
}

/* count, min, avg, p50, p90, p99, max, sum: the latency block. */
static void lat_fields(json_object *o, const struct nd_hist *h)
{
	add(o, "count", nd_json_u64(h->count));
	add(o, "min_ms", nd_json_ms(h->count ? h->min : 0));
	add(o, "avg_ms", nd_json_ms(h->count ? h->sum / (nd_ns)h->count : 0));
	add(o, "p50_ms", nd_json_ms(nd_hist_quantile(h, 0.50)));
	add(o, "p90_ms", nd_json_ms(nd_hist_quantile(h, 0.90)));
	add(o, "p99_ms", nd_json_ms(nd_hist_quantile(h, 0.99)));
	add(o, "max_ms", nd_json_ms(h->count ? h->max : 0));
	add(o, "sum_ms", nd_json_ms(h->sum));
}

static void io_fields(json_object *o, const struct nd_smb_io_stats *io)
{
	static const char *const sizes[ND_SMB_IOSIZE_BUCKETS] = {
	        "le_4k",   "le_8k", "le_16k", "le_32k", "le_64k", "le_128k", "le_256k",
	        "le_512k", "le_1m", "le_2m",  "le_4m",  "le_8m",  "gt_8m"};
	add(o, "bytes", nd_json_u64(io->bytes));
	add(o, "ops_ok", nd_json_u64(io->ops));
	add(o, "throughput_bps", nd_json_real(nd_report_io_throughput(io) * 8.0, 0));
	json_object *sz = json_object_new_object();
	for (unsigned i = 0; i < ND_SMB_IOSIZE_BUCKETS; i++)
		if (io->size_buckets[i])
			add(sz, sizes[i], nd_json_u64(io->size_buckets[i]));
	add(o, "io_sizes", sz);
	add(o, "inflight_max", nd_json_u64(io->inflight_max));
	add(o, "inflight_avg",
	    nd_json_real(io->inflight_n ? (double)io->inflight_sum / (double)io->inflight_n : 0.0,
	                 2));
}

static json_object *command_json(const struct nd_smb_results *r, unsigned c)
{
	const struct nd_smb_cmd_stats *s = &r->cmd[c];
	json_object *o = json_object_new_object();
	lat_fields(o, &s->lat);
	add(o, "requests", nd_json_u64(s->requests));
	add(o, "responses", nd_json_u64(s->responses));
	add(o, "interim_count", nd_json_u64(s->interim.count));
	add(o, "interim_avg_ms",
	    nd_json_ms(s->interim.count ? s->interim.sum / (nd_ns)s->interim.count : 0));
	add(o, "interim_max_ms", nd_json_ms(s->interim.count ? s->interim.max : 0));
	add(o, "errors", nd_json_u64(s->errors));
	add(o, "benign_errors", nd_json_u64(s->benign_errors));
	add(o, "unmatched_responses", nd_json_u64(s->unmatched_responses));
	add(o, "pending_at_end", nd_json_u64(s->pending_at_end));
	if (c == ND_SMB_READ || c == ND_SMB_WRITE)
		io_fields(o, c == ND_SMB_READ ? &r->read : &r->write);
	return o;
}

static json_object *commands_json(const struct nd_smb_results *r)
{
	json_object *o = json_object_new_object();
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].requests || r->cmd[c].responses)
			add(o, nd_smb_command_name(c), command_json(r, c));
	return o;
}

static json_object *share_cmd_json(const struct nd_hist *h, const struct nd_smb_io_stats *io)
{
	json_object *o = json_object_new_object();
	lat_fields(o, h);
	io_fields(o, io);
	return o;
}

static json_object *worst_json(const struct nd_smb_op_stats *s, bool io)
{
	json_object *o = json_object_new_object();
	add(o, "wait_ms", nd_json_ms(s->worst.wait));
	add(o, "time", nd_json_time(s->worst.ts));
	add(o, "frame", nd_json_u64(s->worst.frame));
	add(o, "file", nd_json_u64(s->worst.file));
	add(o, "client", j_addr(s->worst.ip_version, s->worst.client));
	add(o, "name", j_str(s->worst.name));
	add(o, "bytes", io ? nd_json_u64(s->worst.bytes) : NULL);
	return o;
}

/* One judged command (docs/smb.md, "Slow operations"); the *_ms sums add
 * up: wait_ms = transfer_ms + service_ms. */
static json_object *op_json(const struct nd_smb_op_stats *s, bool io)
{
	json_object *o = json_object_new_object();
	add(o, "ops", nd_json_u64(s->ops));
	if (io)
		add(o, "bytes", nd_json_u64(s->bytes));
	add(o, "wait_ms", nd_json_ms(s->wait_sum));
	add(o, "wait_avg_ms", nd_json_ms(s->wait_sum / (nd_ns)s->ops));
	add(o, "wait_max_ms", nd_json_ms(s->wait_max));
	add(o, "transfer_ms", nd_json_ms(s->transfer_sum));
	add(o, "service_ms", nd_json_ms(s->service_sum));
	add(o, "slow", nd_json_u64(s->slow));
	add(o, "slow_outliers", nd_json_u64(s->slow_outliers));
	add(o, "slow_network_trouble", nd_json_u64(s->slow_trouble));
	add(o, "slow_wait_ms", nd_json_ms(s->slow_wait_sum));
	add(o, "slow_excess_ms", nd_json_ms(s->slow_excess_sum));
	add(o, "slow_transfer_ms", nd_json_ms(s->slow_transfer_sum));
	add(o, "slow_service_ms", nd_json_ms(s->slow_service_sum));
	add(o, "slow_wait_min_ms", s->slow ? nd_json_ms(s->slow_wait_min) : NULL);
	add(o, "slow_wait_max_ms", s->slow ? nd_json_ms(s->slow_wait_max) : NULL);
	add(o, "slow_first_seen", nd_json_time(s->slow_first_ts));
	add(o, "slow_last_seen", nd_json_time(s->slow_last_ts));
	add(o, "worst", worst_json(s, io));
	return o;
}

/* The judged commands of one class pair, in command order. */
static json_object *operations_json(const struct nd_smb_op_stats ops[ND_SMB_NCMD], bool connect)
{
	json_object *o = json_object_new_object();
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		enum nd_smb_op_class cl = nd_smb_op_class(c, 0);
		if (!ops[c].ops || cl == ND_SMB_CLASS_NONE ||
		    (cl == ND_SMB_CLASS_CONNECT) != connect)
			continue;
		add(o, nd_smb_command_name(c), op_json(&ops[c], cl == ND_SMB_CLASS_IO));
	}
	return o;
}

static json_object *server_json(const struct nd_smb_server *s)
{
	json_object *o = json_object_new_object();
	add(o, "server", j_addr(s->ip_version, s->addr));
	add(o, "operations", operations_json(s->ops, true));
	return o;
}

static json_object *share_json(const struct nd_smb_share *s)
{
	json_object *o = json_object_new_object();
	add(o, "path", j_str(s->path));
	add(o, "server", j_addr(s->ip_version, s->server));
	add(o, "type", j_str(nd_smb_share_type_name(s->type)));
	add(o, "share_flags", j_hex32(s->flags));
	add(o, "encrypted", json_object_new_boolean(s->flags & 0x8000));
	add(o, "tree_connects", nd_json_u64(s->tree_connects));
	add(o, "tree_connect_failures", nd_json_u64(s->tree_connect_failures));
	json_object *cmds = json_object_new_object();
	if (s->write_lat.count)
		add(cmds, "WRITE", share_cmd_json(&s->write_lat, &s->write_io));
	if (s->read_lat.count)
		add(cmds, "READ", share_cmd_json(&s->read_lat, &s->read_io));
	add(o, "commands", cmds);
	json_object *counts = json_object_new_object();
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (s->cmd_count[c]) {
			json_object *e = json_object_new_object();
			add(e, "count", nd_json_u64(s->cmd_count[c]));
			add(e, "sum_ms", nd_json_ms(s->cmd_sum[c]));
			add(counts, nd_smb_command_name(c), e);
		}
	add(o, "calls", counts);
	add(o, "bytes_written", nd_json_u64(s->write_io.bytes));
	add(o, "bytes_read", nd_json_u64(s->read_io.bytes));
	add(o, "errors", nd_json_u64(s->errors));
	add(o, "benign_errors", nd_json_u64(s->benign_errors));
	add(o, "operations", operations_json(s->ops, false));
	add(o, "io_idle_ms", nd_json_ms(s->io_idle_ns));
	add(o, "io_busy_ms", nd_json_ms(s->io_busy_ns));
	return o;
}

static json_object *error_json(const struct nd_smb_error *e)
{
	char nb[16];
	json_object *o = json_object_new_object();
	add(o, "status", j_hex32(e->status));
	add(o, "status_name", j_str(nd_report_status_name(e->status, nb, sizeof(nb))));
	add(o, "command", j_str(nd_smb_command_name(e->cmd)));
	add(o, "share", j_str(e->share));
	add(o, "path", j_str(e->path));
	add(o, "count", nd_json_u64(e->count));
	add(o, "benign", json_object_new_boolean(e->benign));
	add(o, "first_seen", nd_json_time(e->first_ts));
	add(o, "last_seen", nd_json_time(e->last_ts));
	add(o, "first_frame", nd_json_u64(e->first_frame));
	add(o, "first_file", nd_json_u64(e->first_file));
	add(o, "client", j_addr(e->ip_version, e->client));
	add(o, "server", j_addr(e->ip_version, e->server));
	add(o, "user", j_str_known(e->user));
	if (e->cmd == ND_SMB_CREATE) {
		add(o, "desired_access", j_hex32(e->desired_access));
		add(o, "disposition", nd_json_u64(e->disposition));
	}
	if (e->cmd == ND_SMB_IOCTL) {
		add(o, "ctl_code", j_hex32(e->ctl_code));
		const char *n = nd_smb_ioctl_name(e->ctl_code);
		add(o, "ctl_name", n ? j_str(n) : NULL);
	}
	return o;
}

static json_object *handle_json(const struct nd_smb_open_handle *h, nd_ns end)
{
	char fid[40];
	json_object *o = json_object_new_object();
	add(o, "client", j_addr(h->ip_version, h->client));
	add(o, "share", j_str(h->share));
	add(o, "name", j_str(h->name));
	add(o, "opened_at", nd_json_time(h->opened_at));
	add(o, "age_s",
	    nd_json_real(end > h->opened_at ? nd_ns_to_sec(end - h->opened_at) : 0.0, 6));
	add(o, "frame", nd_json_u64(h->frame));
	add(o, "file", nd_json_u64(h->file));
	char sid[24];
	snprintf(sid, sizeof(sid), "0x%016" PRIx64, h->session_id);
	add(o, "session_id", j_str(sid));
	for (int i = 0; i < 16; i++)
		snprintf(fid + 2 * i, sizeof(fid) - 2 * (size_t)i, "%02x", h->file_id[i]);
	add(o, "file_id", j_str(fid));
	add(o, "desired_access", j_hex32(h->desired_access));
	add(o, "create_action", nd_json_u64(h->create_action));
	add(o, "capture_cut_short", json_object_new_boolean(h->cut_short));
	return o;
}

static json_object *slow_json(const struct nd_smb_slow_op *s)
{
	char nb[16];
	json_object *o = json_object_new_object();
	add(o, "latency_ms", nd_json_ms(s->latency));
	add(o, "time", nd_json_time(s->ts));
	add(o, "frame", nd_json_u64(s->frame));
	add(o, "file", nd_json_u64(s->file));
	add(o, "command", j_str(nd_smb_command_name(s->cmd)));
	add(o, "status", j_str(nd_report_status_name(s->status, nb, sizeof(nb))));
	add(o, "client", j_addr(s->ip_version, s->client));
	add(o, "share", j_str(s->share));
	add(o, "name", j_str(s->name));
	bool io = s->cmd == ND_SMB_READ || s->cmd == ND_SMB_WRITE;
	add(o, "offset", io ? nd_json_u64(s->offset) : NULL);
	add(o, "length", io ? nd_json_u64(s->length) : NULL);
	add(o, "network_trouble", json_object_new_boolean(s->network_trouble));
	return o;
}

static json_object *client_json(const struct nd_smb_client *c)
{
	json_object *o = json_object_new_object();
	add(o, "client", j_addr(c->ip_version, c->addr));
	add(o, "opened", nd_json_u64(c->opened));
	add(o, "closed", nd_json_u64(c->closed));
	add(o, "closed_by_disconnect", nd_json_u64(c->closed_by_disconnect));
	add(o, "evicted", nd_json_u64(c->evicted));
	add(o, "open_at_end", nd_json_u64(c->open_now));
	add(o, "open_at_mid", nd_json_u64(c->open_at_mid));
	add(o, "peak", nd_json_u64(c->peak));
	add(o, "peak_at", nd_json_time(c->peak_ts));
	return o;
}

static json_object *logon_json(const struct nd_smb_logon *l)
{
	char nb[16];
	json_object *o = json_object_new_object();
	add(o, "client", j_addr(l->ip_version, l->client));
	add(o, "server", j_addr(l->ip_version, l->server));
	add(o, "user", j_str_known(l->user));
	add(o, "workstation", j_str_known(l->workstation));
	add(o, "mech", j_str_known(l->mech));
	add(o, "status", j_hex32(l->status));
	add(o, "status_name", j_str(nd_report_status_name(l->status, nb, sizeof(nb))));
	add(o, "session_flags", l->status == ND_STATUS_SUCCESS ? j_hex16(l->session_flags) : NULL);
	add(o, "count", nd_json_u64(l->count));
	add(o, "first_seen", nd_json_time(l->first_ts));
	add(o, "last_seen", nd_json_time(l->last_ts));
	add(o, "first_frame", nd_json_u64(l->first_frame));
	add(o, "first_file", nd_json_u64(l->first_file));
	return o;
}

static json_object *enc_session_json(const struct nd_smb_enc_session *e)
{
	char sid[24];
	snprintf(sid, sizeof(sid), "0x%016" PRIx64, e->session_id);
	json_object *s = json_object_new_object();
	add(s, "session_id", j_str(sid));
	add(s, "client", j_addr(e->ip_version, e->client));
	add(s, "pdus_client_to_server", nd_json_u64(e->pdus[0]));
	add(s, "pdus_server_to_client", nd_json_u64(e->pdus[1]));
	/* null when the SESSION_SETUP was not captured */
	add(s, "user", e->setup_seen ? j_str_known(e->user) : NULL);
	add(s, "session_flags", e->setup_seen ? j_hex16(e->session_flags) : NULL);
	add(s, "encryption_required",
	    e->setup_seen
	            ? json_object_new_boolean((e->session_flags & ND_SMB_SESSION_ENCRYPT_DATA) != 0)
	            : NULL);
	return s;
}

static json_object *dialects_json(const struct nd_smb_results *r)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < r->n_dialects; i++) {
		char hex[8];
		const char *n = nd_smb_dialect_name(r->dialects[i].dialect);
		snprintf(hex, sizeof(hex), "0x%04X", r->dialects[i].dialect);
		json_object *o = json_object_new_object();
		add(o, "dialect", j_str(n ? n : hex));
		add(o, "value", j_str(hex));
		add(o, "count", nd_json_u64(r->dialects[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *framing_json(const struct nd_smb_results *r)
{
	json_object *o = json_object_new_object();
	add(o, "nbss_other", nd_json_u64(r->nbss_other));
	add(o, "bad_nbss", nd_json_u64(r->bad_nbss));
	add(o, "bytes_not_captured", nd_json_u64(r->bytes_not_captured));
	add(o, "resyncs", nd_json_u64(r->resyncs));
	add(o, "resync_bytes", nd_json_u64(r->resync_bytes));
	add(o, "headers_lost", nd_json_u64(r->headers_lost));
	add(o, "pdus_recovered", nd_json_u64(r->pdus_recovered));
	add(o, "pdus_cut", nd_json_u64(r->pdus_cut));
	add(o, "bad_chain", nd_json_u64(r->bad_chain));
	add(o, "chain_cut", nd_json_u64(r->chain_cut));
	return o;
}

static json_object *limits_json(const struct nd_smb_config *c, const struct nd_smb_results *r)
{
	json_object *o = json_object_new_object();
	add(o, "max_pending", nd_json_u64(c->max_pending));
	add(o, "max_handles", nd_json_u64(c->max_handles));
	add(o, "max_trees", nd_json_u64(c->max_trees));
	add(o, "max_sessions", nd_json_u64(c->max_sessions));
	add(o, "max_shares", nd_json_u64(c->max_shares));
	add(o, "max_errors", nd_json_u64(c->max_errors));
	add(o, "max_clients", nd_json_u64(c->max_clients));
	add(o, "top_slowest", nd_json_u64(c->top_slowest));
	add(o, "max_servers", nd_json_u64(c->max_servers));
	add(o, "max_logons", nd_json_u64(c->max_logons));
	add(o, "slow_io_base_ms", nd_json_ms(c->slow_io_base));
	add(o, "slow_io_rate_bytes_per_s", nd_json_u64(c->slow_io_rate));
	add(o, "slow_metadata_ms", nd_json_ms(c->slow_metadata));
	add(o, "slow_connect_ms", nd_json_ms(c->slow_connect));
	add(o, "slow_outlier_factor", nd_json_u64(c->slow_outlier_factor));
	add(o, "slow_outlier_min_ops", nd_json_u64(c->slow_outlier_min_ops));
	add(o, "leak_min_handles", nd_json_u64(c->leak_min_handles));
	json_object *ev = json_object_new_object();
	add(ev, "pending", nd_json_u64(r->pending_evicted));
	add(ev, "handles", nd_json_u64(r->handles_evicted));
	add(ev, "trees", nd_json_u64(r->trees_evicted));
	add(ev, "sessions", nd_json_u64(r->sessions_evicted));
	add(ev, "shares_overflow", nd_json_u64(r->shares_overflow));
	add(ev, "errors_overflow", nd_json_u64(r->errors_overflow));
	add(ev, "clients_overflow", nd_json_u64(r->clients_overflow));
	add(ev, "servers_overflow", nd_json_u64(r->servers_overflow));
	add(ev, "logons_overflow", nd_json_u64(r->logons_overflow));
	add(o, "evicted", ev);
	return o;
}

static json_object *arrays_json(json_object *o, const struct nd_smb_results *r)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < r->n_shares; i++)
		json_object_array_add(a, share_json(&r->shares[i]));
	add(o, "shares", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_errors; i++)
		json_object_array_add(a, error_json(&r->errors[i]));
	add(o, "errors", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_open_handles; i++)
		json_object_array_add(a, handle_json(&r->open_handles[i], r->last_ts));
	add(o, "open_handles", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_slowest; i++)
		json_object_array_add(a, slow_json(&r->slowest[i]));
	add(o, "slowest", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_clients; i++)
		json_object_array_add(a, client_json(&r->clients[i]));
	add(o, "clients", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_enc_sessions; i++)
		json_object_array_add(a, enc_session_json(&r->enc_sessions[i]));
	add(o, "encrypted_sessions", a);
	return o;
}

static void servers_logons_json(json_object *o, const struct nd_smb_results *r)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < r->n_servers; i++)
		json_object_array_add(a, server_json(&r->servers[i]));
	add(o, "servers", a);
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_logons; i++)
		json_object_array_add(a, logon_json(&r->logons[i]));
	add(o, "logons", a);
}

json_object *nd_report_smb_json(const struct nd_smb *smb)
{
	const struct nd_smb_results *r = nd_smb_get_results(smb);
	json_object *o = json_object_new_object();
	add(o, "connections", nd_json_u64(r->connections));
	add(o, "smb2_pdus", nd_json_u64(r->smb2_pdus));
	add(o, "encrypted_pdus", nd_json_u64(r->encrypted_pdus));
	add(o, "compressed_pdus", nd_json_u64(r->compressed_pdus));
	add(o, "compressed_parsed", nd_json_u64(r->compressed_parsed));
	add(o, "smb1_pdus", nd_json_u64(r->smb1_pdus));
	add(o, "smb1_negotiates", nd_json_u64(r->smb1_negotiates));
	add(o, "smb1_negotiates_offering_smb2", nd_json_u64(r->smb1_negotiates_smb2));
	add(o, "smb1_other", nd_json_u64(r->smb1_other));
	add(o, "break_notifications", nd_json_u64(r->break_notifications));
	add(o, "cancels", nd_json_u64(r->cancels));
	add(o, "duplicate_requests", nd_json_u64(r->duplicate_requests));
	add(o, "dialects", dialects_json(r));
	add(o, "commands", commands_json(r));
	json_object *pend = json_object_new_object();
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].pending_at_end)
			add(pend, nd_smb_command_name(c), nd_json_u64(r->cmd[c].pending_at_end));
	add(o, "pending_at_end", pend);
	arrays_json(o, r);
	servers_logons_json(o, r);
	add(o, "capture_cut", json_object_new_boolean(r->capture_cut));
	add(o, "framing", framing_json(r));
	add(o, "limits", limits_json(nd_smb_get_config(smb), r));
	return o;
}
