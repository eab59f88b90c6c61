/* SPDX-License-Identifier: MIT */
/* The service: start-up, the poll() loop, reload and stop (docs/service.md).
 * Everything runs in one thread; every fd is non-blocking or polled first. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "daemon/daemon_internal.h"
#include "diag/rules_apparmor.h"
#include "diag/rules_offload.h"
#include "journal/journal.h"
#include "offload/offload.h"
#include "pipeline/pipeline.h"

#define SMB_FILTER        "tcp port 445 or tcp port 139"
#define BATCH_MAX         5000 /* journal entries per loop turn */
#define CURSOR_SAVE_EVERY (1 * ND_NS_PER_SEC)
#define METRICS_EVERY     (15 * ND_NS_PER_SEC)
#define OFFLOAD_DEBOUNCE  (2 * ND_NS_PER_SEC)
#define CAPTURE_RETRY     (30 * ND_NS_PER_SEC)

struct cap {
	char name[16];
	struct nd_capture_summary live;
	struct nd_capture_reader *r;
	struct nd_pipeline p;
	bool p_init;
	struct nd_capture_file_info win_start;
	nd_ns win_first, win_last;
	nd_ns next_window, retry_at;
};

struct daemon {
	const struct nd_daemon_options *o;
	struct nd_daemon_config cfg;
	struct nd_metrics m;
	struct nd_emitter *em;
	struct nd_journal *j;
	char *journal_dir; /* what j was opened on */
	const char *state_dir;
	char *state_env;
	char *cursor;
	bool cursor_dirty;
	nd_ns cursor_saved_at;
	struct nd_apparmor_report *aa; /* entries since the last findings */
	int sfd;
	struct nl_sock *nl; /* link notifications, NULL when not needed */
	struct cap caps[ND_DAEMON_MAX_CAPTURE];
	size_t n_caps;
	struct nd_offload *off;
	struct nd_offload_set offload;
	nd_ns offload_due;
	uint64_t wd_usec;
	nd_ns next_wd, next_metrics;
	bool metrics_dirty;
	uint64_t findings_written;
	bool stop;
};

static nd_ns mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (nd_ns)ts.tv_sec * ND_NS_PER_SEC + ts.tv_nsec;
}

static void logmsg(const char *f, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	fputs("netdiag: ", stderr);
	vfprintf(stderr, f, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(stderr);
}

/* ---- configuration ---- */

static int load_config(const struct nd_daemon_options *o, struct nd_daemon_config *c, char *err,
                       size_t errlen)
{
	nd_daemon_config_init(c);
	const char *path = o->config_path ? o->config_path : ND_DAEMON_DEFAULT_CONFIG;
	if (nd_daemon_config_read(c, path, o->config_given, err, errlen))
		goto fail;
	bool cleared = false;
	for (size_t i = 0; i < o->n_overrides; i++) {
		const char *k = o->overrides[i][0], *v = o->overrides[i][1];
		if (!strcmp(k, "capture") && !cleared) {
			/* --capture replaces the file's list */
			for (size_t x = 0; x < c->n_capture; x++)
				free(c->capture[x]);
			c->n_capture = 0;
			cleared = true;
		}
		char why[512];
		if (nd_daemon_config_set(c, k, v, why, sizeof(why))) {
			snprintf(err, errlen, "--%s: %s", k, why);
			goto fail;
		}
	}
	return 0;
fail:
	nd_daemon_config_free(c);
	return -1;
}

static void status(struct daemon *d)
{
	uint64_t pkts = 0;
	for (size_t i = 0; i < d->m.n_ifaces; i++)
		pkts += d->m.ifaces[i].packets;
	sd_notifyf(0,
	           "STATUS=%s; %llu journal entries, %llu AppArmor denials, %llu findings "
	           "written; %zu capture%s, %llu packets",
	           d->j && nd_journal_fd(d->j) >= 0 ? "Following the journal"
	                                            : "Not following the journal",
	           (unsigned long long)d->m.journal_entries,
	           (unsigned long long)d->m.apparmor_denials,
	           (unsigned long long)d->findings_written, d->n_caps, d->n_caps == 1 ? "" : "s",
	           (unsigned long long)pkts);
}

/* ---- findings ---- */

static void emit_all(struct daemon *d, const struct nd_findings *fs)
{
	nd_ns now = mono();
	for (size_t i = 0; i < fs->count; i++) {
		/* A capture window without SMB is the service's normal state. */
		if (fs->items[i].kind == ND_F_CAPTURE_NO_SMB)
			continue;
		if (nd_emitter_finding(d->em, fs, &fs->items[i], now) > 0)
			d->findings_written++;
	}
	if (fs->count)
		d->metrics_dirty = true;
}

/* ---- state ---- */

static void save_cursor(struct daemon *d, bool force)
{
	if (!d->cursor_dirty || !d->cursor || !d->state_dir)
		return;
	nd_ns now = mono();
	if (!force && now - d->cursor_saved_at < CURSOR_SAVE_EVERY)
		return;
	char err[512];
	if (nd_state_save_cursor(d->state_dir, d->cursor, err, sizeof(err)))
		logmsg("cannot save the journal cursor: %s", err);
	else
		d->m.cursor_saves++;
	d->cursor_dirty = false;
	d->cursor_saved_at = now;
}

static void write_metrics(struct daemon *d)
{
	d->next_metrics = mono() + METRICS_EVERY;
	d->metrics_dirty = false;
	if (!d->cfg.metrics_file)
		return;
	char err[512];
	if (nd_metrics_write(&d->m, d->cfg.metrics_file, err, sizeof(err)))
		logmsg("cannot write the metrics: %s", err);
}

/* ---- journal ---- */

static void print_journal_problems(struct nd_journal *j, size_t from)
{
	size_t n;
	const struct nd_journal_problem *p = nd_journal_problems(j, &n);
	for (size_t i = from; i < n; i++)
		logmsg("%s: %s", p[i].source, p[i].message);
}

static int open_journal(struct daemon *d, bool fatal_if_missing)
{
	if (!d->cursor && d->state_dir)
		d->cursor = nd_state_load_cursor(d->state_dir);
	struct nd_journal_follow_options fo = {
	        .dir = d->cfg.journal_dir,
	        .cursor = d->cursor,
	        .samba_errors = d->cfg.samba_errors,
	};
	bool resumed = false;
	d->j = nd_journal_open_follow(&fo, &resumed);
	if (!d->j) {
		logmsg("out of memory");
		return -1;
	}
	print_journal_problems(d->j, 0);
	free(d->journal_dir);
	d->journal_dir = d->cfg.journal_dir ? strdup(d->cfg.journal_dir) : NULL;
	if (nd_journal_fd(d->j) < 0) {
		if (fatal_if_missing && d->cfg.journal_dir)
			return -1;
		logmsg("not following the journal (AppArmor denials and Samba errors are not "
		       "watched)");
		return 0;
	}
	if (d->cursor)
		logmsg("journal: %s", resumed ? "resuming after the saved cursor"
		                              : "saved cursor not found, starting at the tail");
	return 0;
}

static struct nd_apparmor_report *new_aa(const struct daemon *d)
{
	struct nd_apparmor_options ao = {
	        .smb_conf = d->cfg.smb_conf,
	        .no_confinement = true,
	};
	return nd_apparmor_new(&ao);
}

/* Samba's daemons at error level, not the audit records about them (an
 * AVC for smbd carries _COMM=smbd too). */
static int samba_error(const struct nd_journal_entry *e)
{
	if (e->transport == ND_JOURNAL_T_KERNEL || e->transport == ND_JOURNAL_T_AUDIT)
		return -1;
	if (e->priority < 0 || e->priority > 3)
		return -1;
	return nd_met_samba_index(e->comm);
}

/* How far back a batch's once-only keys are kept for the next batch: the
 * kernel and audit copies of one denial arrive within moments of each other. */
#define AA_DEDUP_SECONDS 120

static void aa_findings(struct daemon *d)
{
	struct nd_apparmor_report *r = d->aa;
	if (!r || !r->records) {
		return;
	}
	nd_apparmor_finish(r);
	/* The second route of a denial may land in the next batch. */
	struct nd_apparmor_report *next = new_aa(d);
	if (next)
		nd_apparmor_carry_seen(next, r,
		                       (int64_t)(r->last_ts / ND_NS_PER_SEC) - AA_DEDUP_SECONDS);
	d->m.apparmor_records += r->records;
	d->m.apparmor_denials += r->by_event[ND_AA_EV_DENIED];
	struct nd_findings fs = {0};
	nd_rules_apparmor(r, &fs);
	nd_findings_finish(&fs, NULL);
	emit_all(d, &fs);
	nd_findings_free(&fs);
	nd_apparmor_free(r);
	d->aa = next;
	d->metrics_dirty = true;
}

static void journal_drain(struct daemon *d)
{
	if (!d->j || nd_journal_fd(d->j) < 0)
		return;
	struct nd_journal_entry e;
	uint64_t sc_count[ND_MET_SAMBA_COMMS] = {0};
	int sc_prio[ND_MET_SAMBA_COMMS];
	char *sc_first[ND_MET_SAMBA_COMMS] = {0};
	int rc = 0, n = 0;
	while (n < BATCH_MAX && (rc = nd_journal_next(d->j, &e)) == 1) {
		n++;
		d->m.journal_entries++;
		int si = samba_error(&e);
		if (si >= 0) {
			if (!sc_count[si]++) {
				sc_prio[si] = e.priority;
				sc_first[si] = e.message ? strdup(e.message) : NULL;
			} else if (e.priority < sc_prio[si]) {
				sc_prio[si] = e.priority;
			}
			d->m.samba_errors[si]++;
		} else {
			if (!d->aa)
				d->aa = new_aa(d);
			if (d->aa)
				nd_apparmor_add_entry(d->aa, &e);
		}
		char *c = nd_journal_cursor(d->j);
		if (c) {
			free(d->cursor);
			d->cursor = c;
			d->cursor_dirty = true;
		}
	}
	if (rc < 0) {
		d->m.journal_errors++;
		print_journal_problems(d->j, 0);
	}
	if (!n)
		return;
	aa_findings(d);
	struct nd_findings fs = {0};
	for (int i = 0; i < ND_MET_SAMBA_COMMS; i++) {
		if (sc_count[i])
			nd_samba_error_finding(nd_met_samba_comm[i], sc_prio[i], sc_first[i],
			                       sc_count[i], &fs);
		free(sc_first[i]);
	}
	nd_findings_finish(&fs, NULL);
	emit_all(d, &fs);
	nd_findings_free(&fs);
	d->metrics_dirty = true;
	/* findings first, then the cursor: a crash in between repeats, never
	 * misses */
	save_cursor(d, false);
	status(d);
}

/* ---- offload (rtnetlink) ---- */

/* Link notifications (RTNLGRP_LINK) through libnl: the socket is polled by
 * the main loop; each RTM_NEWLINK/DELLINK only schedules an offload check. */
static struct nl_sock *open_netlink(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk)
		return NULL;
	nl_socket_disable_seq_check(sk);
	if (nl_connect(sk, NETLINK_ROUTE) || nl_socket_add_memberships(sk, RTNLGRP_LINK, 0) ||
	    nl_socket_set_nonblocking(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int on_link_msg(struct nl_msg *msg, void *arg)
{
	int type = nlmsg_hdr(msg)->nlmsg_type;
	if (type == RTM_NEWLINK || type == RTM_DELLINK)
		*(bool *)arg = true;
	return NL_OK;
}

static void netlink_read(struct daemon *d)
{
	bool link = false;
	nl_socket_modify_cb(d->nl, NL_CB_VALID, NL_CB_CUSTOM, on_link_msg, &link);
	int rc;
	while ((rc = nl_recvmsgs_default(d->nl)) >= 0 || rc == -NLE_NOMEM)
		if (rc == -NLE_NOMEM) /* overrun: something changed anyway */
			link = true;
	if (link) {
		d->m.link_events++;
		d->metrics_dirty = true;
		if (!d->offload_due)
			d->offload_due = mono() + OFFLOAD_DEBOUNCE;
	}
}

static void offload_check(struct daemon *d)
{
	d->offload_due = 0;
	nd_offload_set_free(&d->offload);
	memset(&d->offload, 0, sizeof(d->offload));
	if (!d->off) {
		char err[256];
		if (nd_offload_open(&d->off, err, sizeof(err)) < 0) {
			logmsg("offload: %s", err);
			d->off = NULL;
			return;
		}
	}
	for (size_t i = 0; i < d->n_caps; i++)
		if (strcmp(d->caps[i].name, "any") != 0 &&
		    nd_offload_set_add(d->off, &d->offload, d->caps[i].name, true))
			logmsg("offload: %s: %s", d->caps[i].name,
			       d->offload.errs[d->offload.n_errs - 1].msg);
	d->m.offload_checks++;
	d->metrics_dirty = true;
	struct nd_findings fs = {0};
	nd_rules_offload(d->offload.ifs, d->offload.n, &fs);
	nd_findings_finish(&fs, NULL);
	emit_all(d, &fs);
	nd_findings_free(&fs);
}

/* ---- captures ---- */

static void on_packet(void *ctx, const struct nd_packet *pkt)
{
	struct cap *c = ctx;
	if (!c->win_first)
		c->win_first = pkt->ts;
	c->win_last = pkt->ts;
	nd_pipeline_packet(&c->p, pkt);
}

static bool is_bridge(const char *iface)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/class/net/%.64s/bridge", iface);
	return access(path, F_OK) == 0;
}

static void capture_failed(struct daemon *d, struct cap *c, const char *why)
{
	logmsg("capture on %s: %s (retrying every %d s)", c->name, why,
	       (int)(CAPTURE_RETRY / ND_NS_PER_SEC));
	nd_metrics_iface_failed(&d->m, c->name);
	struct nd_findings fs = {0};
	struct nd_finding *f = nd_findings_add(&fs, ND_F_DAEMON_CAPTURE_FAILED);
	if (f) {
		nd_str_copy(f->subject, sizeof(f->subject), c->name);
		snprintf(f->title, sizeof(f->title), "cannot capture on %.64s", c->name);
		snprintf(f->summary, sizeof(f->summary), "Cannot capture on %s: %s", c->name, why);
		snprintf(f->fix, sizeof(f->fix), "ip link show %.64s", c->name);
		snprintf(f->advice, sizeof(f->advice),
		         "Check that the interface exists and that the service has CAP_NET_RAW "
		         "(AmbientCapabilities= in netdiag.service).");
	}
	nd_findings_finish(&fs, NULL);
	emit_all(d, &fs);
	nd_findings_free(&fs);
	c->retry_at = mono() + CAPTURE_RETRY;
}

static void cap_open(struct daemon *d, struct cap *c)
{
	if (c->r) {
		nd_capture_close(c->r);
		c->r = NULL;
	}
	nd_capture_summary_free(&c->live);
	memset(&c->live, 0, sizeof(c->live));
	struct nd_capture_live_opts lo = {
	        .iface = c->name,
	        .filter = d->cfg.capture_filter ? d->cfg.capture_filter : SMB_FILTER,
	        .promisc = is_bridge(c->name),
	        .no_busy_poll = !d->cfg.capture_busy_poll,
	};
	c->r = nd_capture_open_live(&c->live, &lo);
	if (!c->r) {
		capture_failed(d, c, c->live.n_files ? c->live.files[0].error : "cannot open");
		return;
	}
	c->retry_at = 0;
	c->win_start = c->live.files[0];
	c->win_first = c->win_last = 0;
	c->next_window = mono() + (nd_ns)d->cfg.window_s * ND_NS_PER_SEC;
	struct nd_pipeline_config pc = {0};
	c->p_init = nd_pipeline_init(&c->p, &pc) == 0;
}

/* Ends the current window: findings and metrics, then a fresh pipeline. */
static void cap_window(struct daemon *d, struct cap *c, bool last)
{
	if (!c->r || !c->p_init)
		return;
	nd_capture_refresh_stats(c->r);
	const struct nd_capture_file_info *cur = &c->live.files[0];
	struct nd_capture_file_info e;
	nd_capture_info_since(cur, &c->win_start, &e);
	e.first_ts = c->win_first;
	e.last_ts = c->win_last;
	nd_capture_summary_add(&c->p.capture, &e);
	c->p.offload = d->offload.n ? &d->offload : NULL;
	nd_pipeline_finish(&c->p);
	nd_metrics_add_window(&d->m, c->name, &e, nd_tcp_get_totals(c->p.tcp),
	                      nd_smb_get_results(c->p.smb));
	d->metrics_dirty = true;
	emit_all(d, &c->p.findings);
	nd_pipeline_free(&c->p);
	c->p_init = false;
	c->win_start = *cur;
	c->win_first = c->win_last = 0;
	c->next_window = mono() + (nd_ns)d->cfg.window_s * ND_NS_PER_SEC;
	if (!last) {
		struct nd_pipeline_config pc = {0};
		c->p_init = nd_pipeline_init(&c->p, &pc) == 0;
	}
}

static void cap_close(struct daemon *d, struct cap *c)
{
	cap_window(d, c, true);
	if (c->r)
		nd_capture_close(c->r);
	c->r = NULL;
	if (c->p_init)
		nd_pipeline_free(&c->p);
	c->p_init = false;
	nd_capture_summary_free(&c->live);
	memset(&c->live, 0, sizeof(c->live));
}

static void cap_dispatch(struct daemon *d, struct cap *c)
{
	if (!c->r || !c->p_init)
		return;
	if (nd_capture_dispatch(c->r, on_packet, c) < 0) {
		char why[512];
		nd_str_copy(why, sizeof(why), c->live.files[0].error);
		cap_close(d, c);
		capture_failed(d, c, why);
	}
}

/* Makes the open captures match cfg.capture; with reopen, the kept ones end
 * their window and reopen too, so a new filter or busy-poll setting applies. */
static void sync_captures(struct daemon *d, bool reopen)
{
	for (size_t i = 0; i < d->n_caps;) {
		bool keep = false;
		for (size_t k = 0; k < d->cfg.n_capture; k++)
			keep |= !strcmp(d->cfg.capture[k], d->caps[i].name);
		if (keep) {
			if (reopen) {
				cap_close(d, &d->caps[i]);
				cap_open(d, &d->caps[i]);
			}
			i++;
			continue;
		}
		cap_close(d, &d->caps[i]);
		d->caps[i] = d->caps[--d->n_caps];
	}
	for (size_t k = 0; k < d->cfg.n_capture; k++) {
		bool have = false;
		for (size_t i = 0; i < d->n_caps; i++)
			have |= !strcmp(d->cfg.capture[k], d->caps[i].name);
		if (have || d->n_caps == ND_DAEMON_MAX_CAPTURE)
			continue;
		struct cap *c = &d->caps[d->n_caps++];
		memset(c, 0, sizeof(*c));
		nd_str_copy(c->name, sizeof(c->name), d->cfg.capture[k]);
		cap_open(d, c);
	}
}

/* ---- start, reload, stop ---- */

static int setup_state_dir(struct daemon *d, char *err, size_t errlen)
{
	d->state_dir = d->cfg.state_dir;
	if (!d->state_dir) {
		const char *env = getenv("STATE_DIRECTORY");
		if (env && *env) {
			free(d->state_env);
			d->state_env = strdup(env);
			if (d->state_env) {
				char *colon = strchr(d->state_env, ':'); /* first of several */
				if (colon)
					*colon = 0;
			}
			d->state_dir = d->state_env;
		}
	}
	if (!d->state_dir)
		return 0;
	struct stat st;
	if (stat(d->state_dir, &st) || !S_ISDIR(st.st_mode) || access(d->state_dir, W_OK)) {
		snprintf(err, errlen, "state directory %s is not a writable directory",
		         d->state_dir);
		return -1;
	}
	return 0;
}

static int open_signals(void)
{
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &ss, NULL))
		return -1;
	return signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
}

static bool same_opt_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void reload(struct daemon *d)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=Reloading the configuration",
	           (unsigned long long)(mono() / ND_NS_PER_US));
	d->m.reloads++;
	d->metrics_dirty = true;
	struct nd_daemon_config nc;
	char err[1024];
	if (load_config(d->o, &nc, err, sizeof(err))) {
		logmsg("%s; reload refused, keeping the running configuration", err);
		sd_notifyf(0, "READY=1\nSTATUS=Reload refused: %s", err);
		return;
	}
	bool jchanged = !same_opt_str(nc.journal_dir, d->cfg.journal_dir) ||
	                nc.samba_errors != d->cfg.samba_errors;
	bool creopen = !same_opt_str(nc.capture_filter, d->cfg.capture_filter) ||
	               nc.capture_busy_poll != d->cfg.capture_busy_poll;
	struct nd_daemon_config old = d->cfg;
	d->cfg = nc;
	if (nd_emitter_configure(d->em, &d->cfg, err, sizeof(err)))
		logmsg("%s (findings go to the journal only)", err);
	char serr[512];
	if (setup_state_dir(d, serr, sizeof(serr))) {
		logmsg("%s (the journal cursor is not saved)", serr);
		d->state_dir = NULL;
	}
	/* the next AppArmor batch reads the (new) smb.conf */
	aa_findings(d);
	nd_apparmor_free(d->aa);
	d->aa = NULL;
	if (jchanged) {
		save_cursor(d, true);
		nd_journal_close(d->j);
		d->j = NULL;
		if (open_journal(d, false))
			logmsg("cannot follow the journal after the reload");
	}
	sync_captures(d, creopen);
	if (d->n_caps && !d->nl)
		d->nl = open_netlink();
	offload_check(d);
	nd_daemon_config_free(&old);
	write_metrics(d);
	logmsg("configuration reloaded");
	sd_notify(0, "READY=1");
	status(d);
}

static void read_signals(struct daemon *d)
{
	struct signalfd_siginfo si;
	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(d);
		else
			d->stop = true;
	}
}

static int min_timeout(nd_ns now, nd_ns due, int cur)
{
	if (!due)
		return cur;
	nd_ns ms = due > now ? (due - now + ND_NS_PER_MS - 1) / ND_NS_PER_MS : 0;
	if (ms > 3600000)
		ms = 3600000;
	return cur < 0 || ms < cur ? (int)ms : cur;
}

static void loop(struct daemon *d)
{
	struct pollfd pfd[3 + ND_DAEMON_MAX_CAPTURE];
	while (!d->stop) {
		size_t n = 0, ji = SIZE_MAX, ni = SIZE_MAX, c0;
		pfd[n++] = (struct pollfd){.fd = d->sfd, .events = POLLIN};
		int jfd = d->j ? nd_journal_fd(d->j) : -1;
		if (jfd >= 0) {
			ji = n;
			pfd[n++] = (struct pollfd){.fd = jfd,
			                           .events = (short)nd_journal_fd_events(d->j)};
		}
		if (d->nl) {
			ni = n;
			pfd[n++] = (struct pollfd){.fd = nl_socket_get_fd(d->nl), .events = POLLIN};
		}
		c0 = n;
		for (size_t i = 0; i < d->n_caps; i++)
			pfd[n++] = (struct pollfd){.fd = d->caps[i].r ? nd_capture_fd(d->caps[i].r)
			                                              : -1,
			                           .events = POLLIN};
		nd_ns now = mono();
		int timeout = jfd >= 0 ? nd_journal_timeout_ms(d->j) : -1;
		timeout = min_timeout(now, d->next_wd, timeout);
		timeout = min_timeout(now, d->next_metrics, timeout);
		timeout = min_timeout(now, d->offload_due, timeout);
		if (d->cursor_dirty)
			timeout = min_timeout(now, d->cursor_saved_at + CURSOR_SAVE_EVERY, timeout);
		for (size_t i = 0; i < d->n_caps; i++) {
			timeout = min_timeout(
			        now, d->caps[i].r ? d->caps[i].next_window : d->caps[i].retry_at,
			        timeout);
			/* libpcap's fd may not signal every packet: look at least 5x/s */
			if (d->caps[i].r)
				timeout = min_timeout(now, now + 200 * ND_NS_PER_MS, timeout);
		}
		/* A capture whose ring fills faster than a sleeper wakes: look
		 * again at once (nd_capture_hot), after letting others run. */
		for (size_t i = 0; i < d->n_caps && timeout != 0; i++)
			if (d->caps[i].r && nd_capture_hot(d->caps[i].r)) {
				timeout = 0;
				sched_yield();
			}
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents)
			read_signals(d);
		if (d->stop)
			break;
		if (ji != SIZE_MAX && d->j && nd_journal_fd(d->j) == jfd && pfd[ji].revents &&
		    nd_journal_process(d->j) < 0)
			d->m.journal_errors++;
		journal_drain(d);
		if (ni != SIZE_MAX && pfd[ni].revents)
			netlink_read(d);
		now = mono();
		for (size_t i = 0; i < d->n_caps; i++) {
			struct cap *c = &d->caps[i];
			if (c->r && (c0 + i < n) && pfd[c0 + i].fd == nd_capture_fd(c->r))
				cap_dispatch(d, c);
			if (c->r && now >= c->next_window)
				cap_window(d, c, false);
			else if (!c->r && c->retry_at && now >= c->retry_at)
				cap_open(d, c);
		}
		if (d->offload_due && now >= d->offload_due)
			offload_check(d);
		if (d->wd_usec && now >= d->next_wd) {
			sd_notify(0, "WATCHDOG=1");
			d->next_wd = now + (nd_ns)(d->wd_usec / 2) * ND_NS_PER_US;
		}
		save_cursor(d, false);
		if (now >= d->next_metrics || d->metrics_dirty)
			write_metrics(d);
	}
}

static void cleanup(struct daemon *d)
{
	for (size_t i = 0; i < d->n_caps; i++)
		cap_close(d, &d->caps[i]);
	nd_apparmor_free(d->aa);
	nd_journal_close(d->j);
	nd_offload_set_free(&d->offload);
	if (d->off)
		nd_offload_close(d->off);
	if (d->sfd >= 0)
		close(d->sfd);
	if (d->nl)
		nl_socket_free(d->nl);
	nd_emitter_free(d->em);
	free(d->cursor);
	free(d->journal_dir);
	free(d->state_env);
	nd_daemon_config_free(&d->cfg);
}

static int fail(struct daemon *d, int err, const char *msg)
{
	logmsg("%s", msg);
	sd_notifyf(0, "STATUS=Failed to start: %s\nERRNO=%d", msg, err);
	cleanup(d);
	return 1;
}

int nd_daemon_run(const struct nd_daemon_options *o)
{
	struct daemon d = {.o = o, .sfd = -1};
	nd_metrics_init(&d.m);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	d.m.start_time = (double)rt.tv_sec + (double)rt.tv_nsec / 1e9;
	char err[1024];
	if (load_config(o, &d.cfg, err, sizeof(err))) {
		nd_daemon_config_init(&d.cfg);
		return fail(&d, EINVAL, err);
	}
	if (setup_state_dir(&d, err, sizeof(err)))
		return fail(&d, ENOTDIR, err);
	if (!(d.em = nd_emitter_new(&d.m)))
		return fail(&d, ENOMEM, "out of memory");
	if (nd_emitter_configure(d.em, &d.cfg, err, sizeof(err)))
		return fail(&d, EACCES, err);
	if ((d.sfd = open_signals()) < 0)
		return fail(&d, errno, "cannot set up signalfd");
	if (open_journal(&d, true)) {
		snprintf(err, sizeof(err), "cannot follow the journal in %s",
		         d.cfg.journal_dir ? d.cfg.journal_dir : "the system journal");
		return fail(&d, ENOENT, err);
	}
	if (d.cfg.n_capture) {
		d.nl = open_netlink();
		if (!d.nl)
			logmsg("rtnetlink: cannot subscribe to link changes (offloads are checked "
			       "only at start and reload)");
	}
	sync_captures(&d, false);
	if (d.n_caps)
		offload_check(&d);
	if (sd_watchdog_enabled(0, &d.wd_usec) <= 0)
		d.wd_usec = 0;
	nd_ns now = mono();
	d.next_wd = now;
	write_metrics(&d);
	sd_notify(0, "READY=1");
	status(&d);
	logmsg("started%s%s", d.state_dir ? "; state in " : "", d.state_dir ? d.state_dir : "");
	loop(&d);
	sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
	for (size_t i = 0; i < d.n_caps; i++)
		cap_close(&d, &d.caps[i]);
	journal_drain(&d);
	save_cursor(&d, true);
	write_metrics(&d);
	logmsg("stopped");
	cleanup(&d);
	return 0;
}
