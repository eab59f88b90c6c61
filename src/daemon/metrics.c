/* SPDX-License-Identifier: MIT */
/* Counters of the daemon's whole run, in the Prometheus text exposition
 * format (version 0.0.4) for node_exporter's textfile collector. Capture
 * windows are added as they end, so every counter only grows. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_internal.h"

const double nd_met_le[ND_MET_LE_N] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25,   0.5,   1,      2.5,   5,    10,    30};

const char *const nd_met_samba_comm[ND_MET_SAMBA_COMMS] = {"smbd", "nmbd", "winbindd", "samba"};

int nd_met_samba_index(const char *comm)
{
	for (int i = 0; i < ND_MET_SAMBA_COMMS; i++)
		if (!strcmp(comm, nd_met_samba_comm[i]))
			return i;
	return -1;
}

void nd_metrics_init(struct nd_metrics *m)
{
	memset(m, 0, sizeof(*m));
}

/* A value is counted under the first boundary at or above its bucket's upper
 * end: never too low, at most one bucket width (6%) too high. */
void nd_met_hist_add(struct nd_met_hist *into, const struct nd_hist *h)
{
	if (!h->count)
		return;
	for (unsigned i = 0; i < ND_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		double up = (double)nd_loglin_upper(i, ND_HIST_SUB_BITS) / 1e9;
		size_t b = 0;
		while (b < ND_MET_LE_N && up > nd_met_le[b])
			b++;
		into->buckets[b] += h->buckets[i];
	}
	into->count += h->count;
	into->sum_s += (double)h->sum / 1e9;
}

static struct nd_met_iface *iface(struct nd_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->n_ifaces; i++)
		if (!strcmp(m->ifaces[i].name, name))
			return &m->ifaces[i];
	if (m->n_ifaces == ND_MET_MAX_IFACES)
		return NULL;
	struct nd_met_iface *f = &m->ifaces[m->n_ifaces++];
	nd_str_copy(f->name, sizeof(f->name), name);
	return f;
}

static struct nd_met_share *share(struct nd_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->n_shares; i++)
		if (!strcmp(m->shares[i].name, name))
			return &m->shares[i];
	if (m->n_shares == ND_MET_MAX_SHARES) {
		m->shares_dropped++;
		return NULL;
	}
	struct nd_met_share *s = &m->shares[m->n_shares++];
	nd_str_copy(s->name, sizeof(s->name), name);
	return s;
}

static void add_counts(struct nd_tcp_counts *a, const struct nd_tcp_counts *b)
{
	uint64_t *pa = (uint64_t *)a;
	const uint64_t *pb = (const uint64_t *)b;
	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		pa[i] += pb[i];
}

void nd_metrics_add_window(struct nd_metrics *m, const char *name,
                           const struct nd_capture_file_info *win, const struct nd_tcp_totals *t,
                           const struct nd_smb_results *sr)
{
	struct nd_met_iface *f = iface(m, name);
	if (f && win) {
		f->packets += win->packets;
		f->wire_bytes += win->wire_bytes;
		f->drops_kernel += win->drops_kernel;
		f->drops_if += win->drops_if;
		f->windows++;
	}
	if (t) {
		add_counts(&m->tcp, &t->an);
		m->tcp_segments += t->segments;
		m->tcp_flows += t->flows;
	}
	if (!sr)
		return;
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		m->smb_ops[c] += sr->cmd[c].lat.count;
		m->smb_errors[c] += sr->cmd[c].errors;
		nd_met_hist_add(&m->smb_lat[c], &sr->cmd[c].lat);
	}
	for (size_t i = 0; i < sr->n_shares; i++) {
		const struct nd_smb_share *s = &sr->shares[i];
		struct nd_met_share *ms = share(m, s->path[0] ? s->path : "(unknown)");
		if (!ms)
			continue;
		for (unsigned c = 0; c < ND_SMB_NCMD; c++)
			ms->ops[c] += s->cmd_count[c];
		nd_met_hist_add(&ms->read, &s->read_lat);
		nd_met_hist_add(&ms->write, &s->write_lat);
	}
}

void nd_metrics_iface_failed(struct nd_metrics *m, const char *name)
{
	struct nd_met_iface *f = iface(m, name);
	if (f)
		f->failures++;
}

void nd_metrics_finding(struct nd_metrics *m, const char *id, bool emitted)
{
	struct nd_met_id *x = NULL;
	for (size_t i = 0; i < m->n_ids && !x; i++)
		if (!strcmp(m->ids[i].id, id))
			x = &m->ids[i];
	if (!x) {
		if (m->n_ids == ND_MET_MAX_IDS)
			return;
		x = &m->ids[m->n_ids++];
		x->id = id;
	}
	if (emitted)
		x->emitted++;
	else
		x->suppressed++;
}

/* ---- rendering ---- */

static void label(FILE *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(o, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", o);
		else
			fputc(*v, o);
	}
}

static void head(FILE *o, const char *name, const char *type, const char *help)
{
	fprintf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void u64(FILE *o, const char *name, uint64_t v)
{
	fprintf(o, "%s %llu\n", name, (unsigned long long)v);
}

/* name{k1="v1"[,k2="v2"]} value */
static void u64l(FILE *o, const char *name, const char *k1, const char *v1, const char *k2,
                 const char *v2, uint64_t v)
{
	fprintf(o, "%s{%s=\"", name, k1);
	label(o, v1);
	if (k2) {
		fprintf(o, "\",%s=\"", k2);
		label(o, v2);
	}
	fprintf(o, "\"} %llu\n", (unsigned long long)v);
}

static void hist(FILE *o, const char *name, const char *k1, const char *v1, const char *k2,
                 const char *v2, const struct nd_met_hist *h)
{
	uint64_t cum = 0;
	for (size_t b = 0; b <= ND_MET_LE_N; b++) {
		cum += h->buckets[b];
		fprintf(o, "%s_bucket{%s=\"", name, k1);
		label(o, v1);
		if (k2) {
			fprintf(o, "\",%s=\"", k2);
			label(o, v2);
		}
		if (b < ND_MET_LE_N)
			fprintf(o, "\",le=\"%g\"} %llu\n", nd_met_le[b], (unsigned long long)cum);
		else
			fprintf(o, "\",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	for (int part = 0; part < 2; part++) {
		fprintf(o, "%s_%s{%s=\"", name, part ? "count" : "sum", k1);
		label(o, v1);
		if (k2) {
			fprintf(o, "\",%s=\"", k2);
			label(o, v2);
		}
		if (part)
			fprintf(o, "\"} %llu\n", (unsigned long long)h->count);
		else
			fprintf(o, "\"} %.9g\n", h->sum_s);
	}
}

#define TCP_COUNTER(f)                                                                             \
	{                                                                                          \
#f, offsetof(struct nd_tcp_counts, f)                                              \
	}
static const struct {
	const char *name;
	size_t off;
} tcp_counters[] = {
        TCP_COUNTER(lost_segment),
        TCP_COUNTER(ack_lost_segment),
        TCP_COUNTER(retransmission),
        TCP_COUNTER(fast_retransmission),
        TCP_COUNTER(spurious_retransmission),
        TCP_COUNTER(out_of_order),
        TCP_COUNTER(duplicate_ack),
        TCP_COUNTER(zero_window),
        TCP_COUNTER(zero_window_probe),
        TCP_COUNTER(zero_window_probe_ack),
        TCP_COUNTER(window_full),
        TCP_COUNTER(window_update),
        TCP_COUNTER(keep_alive),
        TCP_COUNTER(keep_alive_ack),
        TCP_COUNTER(oversized_segment),
        TCP_COUNTER(dup_ack_storm),
};

static void render(FILE *o, const struct nd_metrics *m)
{
	head(o, "netdiag_start_time_seconds", "gauge", "Start time of the daemon (Unix time).");
	fprintf(o, "netdiag_start_time_seconds %.3f\n", m->start_time);

	head(o, "netdiag_journal_entries_total", "counter",
	     "Journal entries read (AppArmor routes and Samba errors).");
	u64(o, "netdiag_journal_entries_total", m->journal_entries);
	head(o, "netdiag_journal_errors_total", "counter", "Errors reading the journal.");
	u64(o, "netdiag_journal_errors_total", m->journal_errors);
	head(o, "netdiag_apparmor_records_total", "counter",
	     "Unique AppArmor records parsed from the journal.");
	u64(o, "netdiag_apparmor_records_total", m->apparmor_records);
	head(o, "netdiag_apparmor_denials_total", "counter",
	     "AppArmor DENIED records (each record counted once).");
	u64(o, "netdiag_apparmor_denials_total", m->apparmor_denials);
	head(o, "netdiag_samba_errors_total", "counter",
	     "Error-level (PRIORITY<=3) journal messages of Samba's daemons.");
	for (int i = 0; i < ND_MET_SAMBA_COMMS; i++)
		u64l(o, "netdiag_samba_errors_total", "comm", nd_met_samba_comm[i], NULL, NULL,
		     m->samba_errors[i]);

	head(o, "netdiag_findings_total", "counter",
	     "Findings written (journal entries), by finding id.");
	for (size_t i = 0; i < m->n_ids; i++)
		u64l(o, "netdiag_findings_total", "id", m->ids[i].id, NULL, NULL,
		     m->ids[i].emitted);
	head(o, "netdiag_findings_suppressed_total", "counter",
	     "Repeated findings not written because of the rate limit, by finding id.");
	for (size_t i = 0; i < m->n_ids; i++)
		u64l(o, "netdiag_findings_suppressed_total", "id", m->ids[i].id, NULL, NULL,
		     m->ids[i].suppressed);

	head(o, "netdiag_reloads_total", "counter", "Configuration reloads (SIGHUP).");
	u64(o, "netdiag_reloads_total", m->reloads);
	head(o, "netdiag_link_events_total", "counter", "rtnetlink link change notifications.");
	u64(o, "netdiag_link_events_total", m->link_events);
	head(o, "netdiag_offload_checks_total", "counter", "Runs of the offload rules.");
	u64(o, "netdiag_offload_checks_total", m->offload_checks);

	head(o, "netdiag_capture_packets_total", "counter", "Packets captured, by interface.");
	for (size_t i = 0; i < m->n_ifaces; i++)
		u64l(o, "netdiag_capture_packets_total", "interface", m->ifaces[i].name, NULL, NULL,
		     m->ifaces[i].packets);
	head(o, "netdiag_capture_bytes_total", "counter", "Bytes on the wire of captured packets.");
	for (size_t i = 0; i < m->n_ifaces; i++)
		u64l(o, "netdiag_capture_bytes_total", "interface", m->ifaces[i].name, NULL, NULL,
		     m->ifaces[i].wire_bytes);
	head(o, "netdiag_capture_drops_total", "counter",
	     "Packets the capture lost (where: kernel buffer or interface).");
	for (size_t i = 0; i < m->n_ifaces; i++) {
		u64l(o, "netdiag_capture_drops_total", "interface", m->ifaces[i].name, "where",
		     "kernel", m->ifaces[i].drops_kernel);
		u64l(o, "netdiag_capture_drops_total", "interface", m->ifaces[i].name, "where",
		     "interface", m->ifaces[i].drops_if);
	}
	head(o, "netdiag_capture_windows_total", "counter", "Analysis windows completed.");
	for (size_t i = 0; i < m->n_ifaces; i++)
		u64l(o, "netdiag_capture_windows_total", "interface", m->ifaces[i].name, NULL, NULL,
		     m->ifaces[i].windows);
	head(o, "netdiag_capture_failures_total", "counter",
	     "Times a capture could not be opened or failed.");
	for (size_t i = 0; i < m->n_ifaces; i++)
		u64l(o, "netdiag_capture_failures_total", "interface", m->ifaces[i].name, NULL,
		     NULL, m->ifaces[i].failures);

	head(o, "netdiag_tcp_segments_total", "counter", "TCP segments analysed.");
	u64(o, "netdiag_tcp_segments_total", m->tcp_segments);
	head(o, "netdiag_tcp_flows_total", "counter", "TCP connections seen.");
	u64(o, "netdiag_tcp_flows_total", m->tcp_flows);
	head(o, "netdiag_tcp_anomalies_total", "counter",
	     "TCP analysis events (Wireshark tcp.analysis.* names), by type.");
	for (size_t i = 0; i < ND_ARRAY_LEN(tcp_counters); i++) {
		uint64_t v;
		memcpy(&v, (const char *)&m->tcp + tcp_counters[i].off, sizeof(v));
		u64l(o, "netdiag_tcp_anomalies_total", "type", tcp_counters[i].name, NULL, NULL, v);
	}
	head(o, "netdiag_tcp_retransmitted_bytes_total", "counter", "TCP bytes retransmitted.");
	u64(o, "netdiag_tcp_retransmitted_bytes_total", m->tcp.retransmitted_bytes);

	head(o, "netdiag_smb_operations_total", "counter",
	     "SMB2/3 operations completed (final response), by command.");
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (m->smb_ops[c] || m->smb_errors[c])
			u64l(o, "netdiag_smb_operations_total", "command", nd_smb_command_name(c),
			     NULL, NULL, m->smb_ops[c]);
	head(o, "netdiag_smb_errors_total", "counter",
	     "SMB2/3 final responses with a real failure, by command.");
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (m->smb_ops[c] || m->smb_errors[c])
			u64l(o, "netdiag_smb_errors_total", "command", nd_smb_command_name(c), NULL,
			     NULL, m->smb_errors[c]);
	head(o, "netdiag_smb_latency_seconds", "histogram",
	     "SMB2/3 request to final response time, by command.");
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (m->smb_lat[c].count)
			hist(o, "netdiag_smb_latency_seconds", "command", nd_smb_command_name(c),
			     NULL, NULL, &m->smb_lat[c]);
	head(o, "netdiag_smb_share_operations_total", "counter",
	     "SMB2/3 operations by share (tree path) and command.");
	for (size_t i = 0; i < m->n_shares; i++)
		for (unsigned c = 0; c < ND_SMB_NCMD; c++)
			if (m->shares[i].ops[c])
				u64l(o, "netdiag_smb_share_operations_total", "share",
				     m->shares[i].name, "command", nd_smb_command_name(c),
				     m->shares[i].ops[c]);
	head(o, "netdiag_smb_share_latency_seconds", "histogram",
	     "SMB2/3 READ and WRITE response time by share.");
	for (size_t i = 0; i < m->n_shares; i++) {
		if (m->shares[i].read.count)
			hist(o, "netdiag_smb_share_latency_seconds", "share", m->shares[i].name,
			     "command", "READ", &m->shares[i].read);
		if (m->shares[i].write.count)
			hist(o, "netdiag_smb_share_latency_seconds", "share", m->shares[i].name,
			     "command", "WRITE", &m->shares[i].write);
	}
	head(o, "netdiag_smb_shares_dropped_total", "counter",
	     "Shares not given their own series (more than 128).");
	u64(o, "netdiag_smb_shares_dropped_total", m->shares_dropped);
}

char *nd_metrics_render(const struct nd_metrics *m, size_t *len)
{
	char *buf = NULL;
	FILE *o = open_memstream(&buf, len);
	if (!o)
		return NULL;
	render(o, m);
	if (fclose(o)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int nd_metrics_write(const struct nd_metrics *m, const char *path, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = nd_metrics_render(m, &len);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int r = nd_write_atomic(path, buf, len, false, err, errlen);
	free(buf);
	return r;
}
