/* SPDX-License-Identifier: MIT */
/* Slow SMB operations, for every command users wait on: READ/WRITE judged by
 * the time their size allows and against their connection's median,
 * metadata and connection setup by absolute latency (the smb module judges
 * each operation; docs/smb.md, "Slow operations"). A warning needs evidence
 * users feel: slow operations that made them wait at least slow_min_wait
 * beyond the expected time, and at least slow_min_fraction of the
 * operations; fewer is context. Each finding says where the time went:
 * the network (moving the data, retransmission stalls), the server
 * (service time), or the client (pauses between I/Os, one request at a time). */
#include <inttypes.h>
#include <stdio.h>

#include "diag/rules_smb.h"

#define DEFAULT_MIN_WAIT     ND_NS_PER_SEC
#define DEFAULT_MIN_FRACTION 0.01
#define RECURRING_SPREAD     1.15 /* slow waits within 15% of each other recur */

/* One finding's worth: the commands of one class on one share or server. */
struct slow_sum {
	enum nd_finding_kind kind;
	struct nd_smb_op_stats t; /* summed over the commands */
	char commands[160];       /* "CREATE 3/120, QUERY_INFO 1/80" */
	unsigned worst_cmd;
};

static void sum_into(struct slow_sum *s, const struct nd_smb_op_stats *o, unsigned cmd)
{
	struct nd_smb_op_stats *t = &s->t;
	t->ops += o->ops;
	t->bytes += o->bytes;
	t->wait_sum += o->wait_sum;
	t->transfer_sum += o->transfer_sum;
	t->service_sum += o->service_sum;
	t->slow += o->slow;
	t->slow_outliers += o->slow_outliers;
	t->slow_trouble += o->slow_trouble;
	t->slow_wait_sum += o->slow_wait_sum;
	t->slow_excess_sum += o->slow_excess_sum;
	t->slow_transfer_sum += o->slow_transfer_sum;
	t->slow_service_sum += o->slow_service_sum;
	if (o->slow && (!t->slow_wait_min || o->slow_wait_min < t->slow_wait_min))
		t->slow_wait_min = o->slow_wait_min;
	t->slow_wait_max = ND_MAX(t->slow_wait_max, o->slow_wait_max);
	if (o->slow && (!t->slow_first_ts || o->slow_first_ts < t->slow_first_ts))
		t->slow_first_ts = o->slow_first_ts;
	t->slow_last_ts = ND_MAX(t->slow_last_ts, o->slow_last_ts);
	if (o->worst.wait > t->worst.wait) {
		t->worst = o->worst;
		s->worst_cmd = cmd;
	}
	if (o->slow) {
		size_t l = strlen(s->commands);
		snprintf(s->commands + l, sizeof(s->commands) - l, "%s%s %" PRIu64 "/%" PRIu64,
		         l ? ", " : "", nd_smb_command_name(cmd), o->slow, o->ops);
	}
}

static void sum_class(struct slow_sum *s, const struct nd_smb_op_stats ops[ND_SMB_NCMD],
                      enum nd_smb_op_class cl, int only_cmd)
{
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		bool in = only_cmd >= 0 ? (int)c == only_cmd
		                        : nd_smb_op_class(c, 0) == cl && c != ND_SMB_READ &&
		                                  c != ND_SMB_WRITE;
		if (in)
			sum_into(s, &ops[c], c);
	}
}

static nd_ns expected_ns(const struct nd_smb_config *cfg, const struct slow_sum *s)
{
	switch (s->kind) {
	case ND_F_SMB_SLOW_CONNECT:
		return cfg->slow_connect;
	case ND_F_SMB_SLOW_METADATA:
		return cfg->slow_metadata;
	default:
		return cfg->slow_io_base + (nd_ns)((double)s->t.worst.bytes * ND_NS_PER_SEC /
		                                   (double)cfg->slow_io_rate);
	}
}

static bool felt(const struct nd_diag_input *in, const struct nd_smb_op_stats *t)
{
	const struct nd_diag_config *dc = in->config;
	nd_ns min_wait = dc && dc->slow_min_wait ? dc->slow_min_wait : DEFAULT_MIN_WAIT;
	double frac =
	        dc && dc->slow_min_fraction > 0 ? dc->slow_min_fraction : DEFAULT_MIN_FRACTION;
	double want = frac * (double)t->ops;
	uint64_t need = (uint64_t)want + ((double)(uint64_t)want < want); /* rounded up */
	return t->slow_excess_sum >= min_wait && t->slow >= ND_MAX(need, (uint64_t)1);
}

/* Where the slow operations' time went. */
enum where { W_NETWORK, W_SERVER, W_TRANSFER };

static enum where where_time_went(const struct nd_smb_op_stats *t)
{
	if (t->slow_trouble && t->slow_trouble * 2 >= t->slow)
		return W_NETWORK;
	return t->slow_service_sum >= t->slow_transfer_sum ? W_SERVER : W_TRANSFER;
}

/* A recurring stall: slow waits of a second or more that keep one length
 * (a timeout). */
static double recurring_s(const struct nd_smb_op_stats *t)
{
	if (t->slow >= 2 && t->slow_wait_min >= ND_NS_PER_SEC &&
	    (double)t->slow_wait_max <= RECURRING_SPREAD * (double)t->slow_wait_min)
		return nd_ns_to_sec((t->slow_wait_min + t->slow_wait_max) / 2);
	return 0.0;
}

static const char *class_noun(enum nd_finding_kind k)
{
	switch (k) {
	case ND_F_SMB_SLOW_WRITES:
		return "WRITEs";
	case ND_F_SMB_SLOW_READS:
		return "READs";
	case ND_F_SMB_SLOW_CONNECT:
		return "connection setups (NEGOTIATE, SESSION_SETUP, TREE_CONNECT)";
	default:
		return "metadata operations";
	}
}

static const char *where_text(enum where w)
{
	switch (w) {
	case W_NETWORK:
		return "the network: the connection lost and resent data while they were "
		       "outstanding";
	case W_SERVER:
		return "the server: it took that long to answer (service time)";
	default:
		return "moving the data, although none of it was lost: a slow link, a full receive "
		       "window, retransmission timeouts for ACKs that were lost, or a client that "
		       "sent slowly";
	}
}

/* Connection setup waits on different things at each step. */
static void connect_fix(struct nd_finding *f, const struct slow_sum *s, double recur)
{
	const char *timeout = recur > 0 ? "Stalls of one recurring length are a timeout. " : "";
	unsigned cmd = s->worst_cmd;
	if (cmd == ND_SMB_NEGOTIATE) {
		char cli[64];
		nd_addr_format(s->t.worst.ip_version, s->t.worst.client, cli, sizeof(cli));
		snprintf(f->fix, sizeof(f->fix),
		         "on the server: `testparm -sv | grep -E 'hostname lookups|hosts "
		         "(allow|deny)'` "
		         "and time a reverse lookup of the client: `time getent hosts %s`",
		         cli);
		snprintf(f->advice, sizeof(f->advice),
		         "%sBefore it answers NEGOTIATE, smbd only checks who connects: with "
		         "`hostname lookups = yes` or host names in `hosts allow` it resolves the "
		         "client's "
		         "address, and an unreachable DNS server in /etc/resolv.conf stalls every "
		         "connection. `hostname lookups = no` (the default) or a working resolver "
		         "fixes it.",
		         timeout);
	} else if (cmd == ND_SMB_SESSION_SETUP) {
		snprintf(f->fix, sizeof(f->fix),
		         "on the server: `wbinfo --ping-dc` and `getent hosts $(wbinfo "
		         "--dsgetdcname "
		         "DOMAIN | head -1)`: logons wait on the domain controller");
		snprintf(f->advice, sizeof(f->advice),
		         "%sSlow SESSION_SETUPs are authentication: winbind reaching a domain "
		         "controller, "
		         "DNS lookups of the DC, or Kerberos clock or KDC timeouts.",
		         timeout);
	} else {
		snprintf(f->fix, sizeof(f->fix),
		         "on the server: `testparm -s --section-name=SHARE` (root preexec, an "
		         "automounted "
		         "or network path) and `time ls SHAREPATH`");
		snprintf(f->advice, sizeof(f->advice),
		         "%sTREE_CONNECT waits on the share's path (automount, a slow or network "
		         "file "
		         "system) and on `preexec`/`root preexec` scripts.",
		         timeout);
	}
}

static void server_fix(struct nd_finding *f, const struct slow_sum *s, double recur)
{
	switch (s->kind) {
	case ND_F_SMB_SLOW_CONNECT:
		connect_fix(f, s, recur);
		break;
	case ND_F_SMB_SLOW_METADATA:
		snprintf(f->fix, sizeof(f->fix),
		         "on the server: `strace -f -T -e trace=%%file -p $(pgrep -n smbd)` shows "
		         "which call smbd waits on");
		snprintf(f->advice, sizeof(f->advice),
		         "Opens and listings wait on the file system under the share (a slow or "
		         "network file system, a huge directory), on VFS modules (antivirus, "
		         "full_audit), or on user and group lookups for ACLs (winbind).");
		break;
	default:
		snprintf(f->fix, sizeof(f->fix),
		         "on the server: `iostat -x 1` while the transfer runs (the share's disk "
		         "latency and utilisation)");
		snprintf(f->advice, sizeof(f->advice),
		         "The storage under the share, or smbd's settings, are slower than the "
		         "network: look at the disk and file system, `strict sync`/`sync always` "
		         "and "
		         "clients asking for write-through, VFS modules (antivirus, audit), and "
		         "smbd's "
		         "CPU.");
	}
}

static void fix_for(struct nd_finding *f, const struct slow_sum *s, enum where w, double recur)
{
	if (w == W_SERVER) {
		server_fix(f, s, recur);
		return;
	}
	if (w == W_NETWORK) {
		snprintf(f->fix, sizeof(f->fix),
		         "find where packets are lost between client and server: `ip -s -s link` "
		         "and `ethtool -S IFACE` on each hop");
		snprintf(f->advice, sizeof(f->advice),
		         "Loss stalls each operation for a retransmission; see the TCP findings of "
		         "these connections.");
		return;
	}
	snprintf(f->fix, sizeof(f->fix),
	         "compare the throughput with the link's speed (`ethtool IFACE` on both hosts)");
	snprintf(f->advice, sizeof(f->advice),
	         "No data was lost, so the data moved slowly: a slower link or VPN on the path, a "
	         "receive window that stayed full (see tcp.zero_window), or a client reading its "
	         "source slowly.");
}

static void slow_subject(struct nd_finding *f, const char *unc, uint8_t ipv,
                         const uint8_t server[16])
{
	char a[64];
	if (f->kind == ND_F_SMB_SLOW_CONNECT || !unc[0])
		snprintf(f->subject, sizeof(f->subject), "\\\\%s",
		         nd_addr_format(ipv, server, a, sizeof(a)));
	else
		nd_str_copy(f->subject, sizeof(f->subject), unc);
	if (f->kind == ND_F_SMB_SLOW_CONNECT)
		f->subject_kind = "server";
	nd_str_copy(f->scope.share, sizeof(f->scope.share), unc);
	f->scope.ip_version = ipv;
	f->scope.has_server = true;
	memcpy(f->scope.server, server, 16);
}

static void slow_title(struct nd_finding *f, const struct slow_sum *s, double recur)
{
	const struct nd_smb_op_stats *t = &s->t;
	if (s->kind != ND_F_SMB_SLOW_CONNECT)
		snprintf(f->title, sizeof(f->title),
		         "%s on %.100s are slow (%" PRIu64 " of %" PRIu64 ")", class_noun(s->kind),
		         f->subject, t->slow, t->ops);
	else if (recur > 0)
		snprintf(f->title, sizeof(f->title),
		         "connecting to %.100s stalls %.1f s each time in %s: a timeout",
		         f->subject, recur, nd_smb_command_name(s->worst_cmd));
	else
		snprintf(f->title, sizeof(f->title),
		         "connecting to %.100s stalls in %s (up to %.1f s)", f->subject,
		         nd_smb_command_name(s->worst_cmd), nd_ns_to_sec(t->worst.wait));
}

static void slow_text(struct nd_finding *f, const struct slow_sum *s, enum where w, double recur)
{
	const struct nd_smb_op_stats *t = &s->t;
	char rec[96] = "", worst[ND_SMB_NAME_MAX + 40];
	if (recur > 0)
		snprintf(rec, sizeof(rec), "; they recur with one length, about %.1f s: a timeout",
		         recur);
	snprintf(worst, sizeof(worst), "%s%s%s", nd_smb_command_name(s->worst_cmd),
	         t->worst.name[0] ? " " : "", t->worst.name);
	slow_title(f, s, recur);
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " of %" PRIu64
	         " %s on %.120s took longer than expected (%.150s); users "
	         "waited %.3f s on them, %.3f s beyond the expected. The time went to %s: %.3f s "
	         "moving data, %.3f s in the server. The slowest, %.200s, took %.1f ms%s.",
	         t->slow, t->ops, class_noun(s->kind), f->subject, s->commands,
	         nd_ns_to_sec(t->slow_wait_sum), nd_ns_to_sec(t->slow_excess_sum), where_text(w),
	         nd_ns_to_sec(t->slow_transfer_sum), nd_ns_to_sec(t->slow_service_sum), worst,
	         nd_ns_to_ms(t->worst.wait), rec);
}

/* The client's share of a slow copy: one request at a time (each waits for
 * the previous answer, so throughput is size / latency) and pauses between
 * requests. Added to the summary when it matters. */
static void client_text(struct nd_finding *f, const struct nd_smb_io_stats *io, double depth,
                        nd_ns idle, nd_ns span)
{
	size_t l = strlen(f->summary);
	/* a handful of requests in a row says nothing about a client's habit */
	if (io->ops >= 8 && depth > 0 && depth < 1.2 && l + 1 < sizeof(f->summary))
		l += (size_t)snprintf(f->summary + l, sizeof(f->summary) - l,
		                      " The client kept one request in flight at a time (queue "
		                      "depth %.1f): each waited for the one before.",
		                      depth);
	if (span > 0 && (double)idle >= 0.2 * (double)span && l + 1 < sizeof(f->summary))
		snprintf(f->summary + l, sizeof(f->summary) - l,
		         " The client itself sent nothing for %.3f s between requests (%.0f%% of "
		         "the "
		         "transfer).",
		         nd_ns_to_sec(idle), 100.0 * (double)idle / (double)span);
}

static void io_client_evidence(struct nd_finding *f, const struct nd_smb_share *sh, bool write)
{
	const struct nd_smb_io_stats *io = write ? &sh->write_io : &sh->read_io;
	nd_ns span = io->last_ts > io->first_ts ? io->last_ts - io->first_ts : 0;
	double depth = io->inflight_n ? (double)io->inflight_sum / (double)io->inflight_n : 0.0;
	if (span > 0)
		nd_finding_evidence_real(f, "throughput_bits_per_s",
		                         8.0 * (double)io->bytes / nd_ns_to_sec(span));
	else
		nd_finding_evidence_null(f, "throughput_bits_per_s");
	nd_finding_evidence_real(f, "client_idle_s", nd_ns_to_sec(sh->io_idle_ns));
	if (io->inflight_n)
		nd_finding_evidence_real(f, "queue_depth_avg", depth);
	else
		nd_finding_evidence_null(f, "queue_depth_avg");
	client_text(f, io, depth, sh->io_idle_ns, span);
}

static void slow_evidence(struct nd_finding *f, const struct slow_sum *s, nd_ns expected,
                          double recur)
{
	const struct nd_smb_op_stats *t = &s->t;
	nd_finding_evidence_str(f, "commands", "%s", s->commands);
	nd_finding_evidence(f, "operations", t->ops);
	nd_finding_evidence(f, "slow_operations", t->slow);
	nd_finding_evidence_real(f, "slow_percent",
	                         t->ops ? 100.0 * (double)t->slow / (double)t->ops : 0);
	nd_finding_evidence_real(f, "waited_s", nd_ns_to_sec(t->slow_wait_sum));
	nd_finding_evidence_real(f, "excess_s", nd_ns_to_sec(t->slow_excess_sum));
	nd_finding_evidence_real(f, "network_s", nd_ns_to_sec(t->slow_transfer_sum));
	nd_finding_evidence_real(f, "server_s", nd_ns_to_sec(t->slow_service_sum));
	nd_finding_evidence(f, "with_network_trouble", t->slow_trouble);
	nd_finding_evidence_real(f, "slowest_ms", nd_ns_to_ms(t->worst.wait));
	nd_finding_evidence(f, "slowest_frame", t->worst.frame);
	if (t->worst.name[0])
		nd_finding_evidence_str(f, "slowest_name", "%s", t->worst.name);
	else
		nd_finding_evidence_null(f, "slowest_name");
	nd_finding_evidence_real(f, "expected_ms", nd_ns_to_ms(expected));
	if (s->kind == ND_F_SMB_SLOW_CONNECT) {
		if (recur > 0)
			nd_finding_evidence_real(f, "recurring_s", recur);
		else
			nd_finding_evidence_null(f, "recurring_s");
	}
}

/* One finding for a class of commands on a share or server, when any was
 * slow; a warning only when users felt it. */
static struct nd_finding *slow_finding(const struct nd_diag_input *in, struct nd_findings *out,
                                       const struct slow_sum *s, const char *unc, uint8_t ipv,
                                       const uint8_t server[16])
{
	const struct nd_smb_op_stats *t = &s->t;
	if (!t->slow)
		return NULL;
	struct nd_finding *f = nd_findings_add(out, s->kind);
	if (!f)
		return NULL;
	f->severity = felt(in, t) ? ND_SEV_WARNING : ND_SEV_INFO;
	slow_subject(f, unc, ipv, server);
	enum where w = where_time_went(t);
	double recur = recurring_s(t);
	f->scope.network = w != W_SERVER;
	f->first_ts = t->slow_first_ts;
	f->last_ts = t->slow_last_ts;
	f->impact.waited_s = nd_ns_to_sec(t->slow_excess_sum);
	slow_text(f, s, w, recur);
	fix_for(f, s, w, recur);
	slow_evidence(f, s, expected_ns(nd_smb_get_config(in->smb), s), recur);
	return f;
}

static void share_rules(const struct nd_diag_input *in, struct nd_findings *out,
                        const struct nd_smb_share *sh)
{
	static const struct {
		enum nd_finding_kind kind;
		int cmd;
	} classes[] = {
	        {ND_F_SMB_SLOW_WRITES, ND_SMB_WRITE},
	        {ND_F_SMB_SLOW_READS, ND_SMB_READ},
	        {ND_F_SMB_SLOW_METADATA, -1},
	};
	for (size_t i = 0; i < ND_ARRAY_LEN(classes); i++) {
		struct slow_sum s = {.kind = classes[i].kind};
		sum_class(&s, sh->ops, ND_SMB_CLASS_METADATA, classes[i].cmd);
		struct nd_finding *f =
		        slow_finding(in, out, &s, sh->path, sh->ip_version, sh->server);
		if (f && classes[i].cmd >= 0)
			io_client_evidence(f, sh, classes[i].cmd == ND_SMB_WRITE);
	}
}

void nd_rules_smb_slow(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_smb_results *r = nd_smb_get_results(in->smb);
	for (size_t i = 0; i < r->n_shares; i++)
		share_rules(in, out, &r->shares[i]);
	for (size_t i = 0; i < r->n_servers; i++) {
		struct slow_sum s = {.kind = ND_F_SMB_SLOW_CONNECT};
		sum_class(&s, r->servers[i].ops, ND_SMB_CLASS_CONNECT, -1);
		slow_finding(in, out, &s, "", r->servers[i].ip_version, r->servers[i].addr);
	}
}
