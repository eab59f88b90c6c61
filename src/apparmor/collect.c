/* SPDX-License-Identifier: MIT */
/* The AppArmor report: journal entries -> parsed records -> de-duplicated
 * denials -> rows per distinct denial -> groups per (share, profile).
 * Memory is bounded: at most MAX_DENIALS rows, MAX_EVENTS timestamps and
 * MAX_PROBLEMS messages; beyond them things are counted, not kept. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apparmor/apparmor_internal.h"

#define MAX_DENIALS  10000
#define MAX_EVENTS   200000
#define MAX_PROBLEMS 50

struct seen_key {
	uint64_t boot;
	int64_t sec;
	uint32_t ms;
	uint64_t serial;
};

struct priv {
	struct seen_key *seen; /* open addressing; boot == 0 && serial == 0 && sec == 0: empty */
	bool *seen_used;
	size_t seen_cap, seen_n;
	uint32_t *rows; /* row index + 1; 0 empty */
	uint64_t *row_hash;
	size_t rows_cap;
	size_t cap_denials, cap_events, cap_problems;
	struct nd_aa_record rec; /* scratch, big */
};

static char *dupstr(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void add_problem(struct nd_apparmor_report *r, const char *source, long line,
                        bool input_error, const char *msg)
{
	struct priv *p = r->priv;
	if (input_error)
		r->input_error = true;
	if (r->n_problems >= MAX_PROBLEMS) {
		r->problems_dropped++;
		return;
	}
	if (r->n_problems == p->cap_problems) {
		size_t cap = p->cap_problems ? p->cap_problems * 2 : 8;
		struct nd_aa_problem *n = realloc(r->problems, cap * sizeof(*n));
		if (!n) {
			r->problems_dropped++;
			return;
		}
		r->problems = n;
		p->cap_problems = cap;
	}
	struct nd_aa_problem *q = &r->problems[r->n_problems++];
	nd_str_copy(q->source, sizeof(q->source), source ? source : "");
	q->line = line;
	nd_str_copy(q->message, sizeof(q->message), msg);
	q->input_error = input_error;
	/* realloc'd memory: nd_apparmor_take_journal_problems sets it after */
	q->journal = false;
}

struct nd_apparmor_report *nd_apparmor_new(const struct nd_apparmor_options *opt)
{
	struct nd_apparmor_report *r = calloc(1, sizeof(*r));
	struct priv *p = calloc(1, sizeof(*p));
	if (!r || !p) {
		free(r);
		free(p);
		return NULL;
	}
	r->priv = p;
	r->enabled = -1;
	struct nd_smbconf_options so = {
	        .path = opt->smb_conf,
	        .passwd_file = opt->passwd_file,
	        .hostname = opt->hostname,
	        .missing_ok = opt->smb_conf == NULL,
	};
	r->conf = nd_smbconf_load(&so);
	if (!r->conf) {
		nd_apparmor_free(r);
		return NULL;
	}
	for (size_t i = 0; i < r->conf->n_problems; i++) {
		const struct nd_smbconf_problem *q = &r->conf->problems[i];
		add_problem(r, q->file, q->line, q->kind == ND_SMBCONF_ERROR, q->message);
	}
	if (!opt->no_confinement)
		nd_aa_query_confinement(r, opt->proc_root);
	return r;
}

/* ---- de-duplication: boot id + audit(S.mmm:N) ---- */

static uint64_t key_hash(const struct seen_key *k)
{
	uint64_t h = nd_hash_bytes(ND_HASH_INIT, &k->boot, sizeof(k->boot));
	h = nd_hash_bytes(h, &k->sec, sizeof(k->sec));
	h = nd_hash_bytes(h, &k->ms, sizeof(k->ms));
	return nd_hash_bytes(h, &k->serial, sizeof(k->serial));
}

static bool seen_grow(struct priv *p)
{
	size_t cap = p->seen_cap ? p->seen_cap * 2 : 1024;
	struct seen_key *keys = calloc(cap, sizeof(*keys));
	bool *used = calloc(cap, sizeof(*used));
	if (!keys || !used) {
		free(keys);
		free(used);
		return false;
	}
	for (size_t i = 0; i < p->seen_cap; i++) {
		if (!p->seen_used[i])
			continue;
		size_t h = (size_t)key_hash(&p->seen[i]) & (cap - 1);
		while (used[h])
			h = (h + 1) & (cap - 1);
		keys[h] = p->seen[i];
		used[h] = true;
	}
	free(p->seen);
	free(p->seen_used);
	p->seen = keys;
	p->seen_used = used;
	p->seen_cap = cap;
	return true;
}

/* true when k was already seen (and inserts it otherwise) */
static bool seen_check(struct priv *p, const struct seen_key *k)
{
	if ((p->seen_n + 1) * 2 > p->seen_cap && !seen_grow(p) && p->seen_n + 1 >= p->seen_cap)
		return false;
	size_t h = (size_t)key_hash(k) & (p->seen_cap - 1);
	while (p->seen_used[h]) {
		const struct seen_key *s = &p->seen[h];
		if (s->boot == k->boot && s->sec == k->sec && s->ms == k->ms &&
		    s->serial == k->serial)
			return true;
		h = (h + 1) & (p->seen_cap - 1);
	}
	p->seen[h] = *k;
	p->seen_used[h] = true;
	p->seen_n++;
	return false;
}

/* ---- denial rows ---- */

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static uint64_t hs(uint64_t h, const char *s)
{
	if (s)
		h = nd_hash_bytes(h, s, strlen(s));
	return nd_hash_bytes(h, "\x1f", 1);
}

static void describe(const struct nd_aa_record *rec, char *out, size_t n)
{
	const char *a, *b, *c;
	switch (rec->cls) {
	case ND_AA_CL_FILE:
		snprintf(out, n, "%s", rec->name ? rec->name : "(no name)");
		return;
	case ND_AA_CL_CAP:
		a = nd_aa_get(rec, "capname");
		snprintf(out, n, "capability %s", a ? a : rec->name ? rec->name : "?");
		return;
	case ND_AA_CL_NET:
	case ND_AA_CL_UNIX:
		a = nd_aa_get(rec, "family");
		b = nd_aa_get(rec, "sock_type");
		c = nd_aa_get(rec, "addr");
		if (!c)
			c = nd_aa_get(rec, "peer_addr");
		snprintf(out, n, "%s %s %s%s%s", rec->cls == ND_AA_CL_UNIX ? "unix" : "network",
		         a ? a : "?", b ? b : "?", c ? " " : "", c ? c : "");
		return;
	case ND_AA_CL_DBUS:
		a = nd_aa_get(rec, "bus");
		b = nd_aa_get(rec, "interface");
		c = nd_aa_get(rec, "member");
		snprintf(out, n, "dbus %s %s %s.%s", a ? a : "?",
		         nd_aa_get(rec, "path") ? nd_aa_get(rec, "path") : "?", b ? b : "?",
		         c ? c : "?");
		return;
	case ND_AA_CL_SIGNAL:
		a = nd_aa_get(rec, "signal");
		b = nd_aa_get(rec, "peer");
		snprintf(out, n, "signal %s to %s", a ? a : "?", b ? b : "?");
		return;
	case ND_AA_CL_MOUNT:
		a = nd_aa_get(rec, "srcname");
		b = nd_aa_get(rec, "fstype");
		snprintf(out, n, "%s %s -> %s%s%s%s", rec->operation, a ? a : "?",
		         rec->name ? rec->name : "?", b ? " (" : "", b ? b : "", b ? ")" : "");
		return;
	case ND_AA_CL_PTRACE:
		a = nd_aa_get(rec, "peer");
		snprintf(out, n, "ptrace %s", a ? a : "?");
		return;
	default:
		snprintf(out, n, "%s%s%s", rec->operation, rec->name ? " " : "",
		         rec->name ? rec->name : "");
		return;
	}
}

static bool rows_grow(struct priv *p)
{
	size_t cap = p->rows_cap ? p->rows_cap * 2 : 256;
	uint32_t *rows = calloc(cap, sizeof(*rows));
	uint64_t *hash = calloc(cap, sizeof(*hash));
	if (!rows || !hash) {
		free(rows);
		free(hash);
		return false;
	}
	for (size_t i = 0; i < p->rows_cap; i++) {
		if (!p->rows[i])
			continue;
		size_t h = (size_t)p->row_hash[i] & (cap - 1);
		while (rows[h])
			h = (h + 1) & (cap - 1);
		rows[h] = p->rows[i];
		hash[h] = p->row_hash[i];
	}
	free(p->rows);
	free(p->row_hash);
	p->rows = rows;
	p->row_hash = hash;
	p->rows_cap = cap;
	return true;
}

static long find_or_add_row(struct nd_apparmor_report *r, const struct nd_aa_record *rec,
                            const char *object)
{
	struct priv *p = r->priv;
	const char *cls = rec->class_name ? rec->class_name : nd_aa_class_name(rec->cls);
	uint64_t h = hs(ND_HASH_INIT, rec->profile);
	h = hs(h, rec->operation);
	h = hs(h, cls);
	h = hs(h, object);
	h = hs(h, rec->requested_mask);
	h = hs(h, rec->denied_mask);
	h = hs(h, nd_aa_event_name(rec->event));
	if ((r->n_denials + 1) * 2 > p->rows_cap && !rows_grow(p) &&
	    r->n_denials + 1 >= p->rows_cap)
		return -1;
	size_t slot = (size_t)h & (p->rows_cap - 1);
	while (p->rows[slot]) {
		if (p->row_hash[slot] == h) {
			struct nd_aa_denial *d = &r->denials[p->rows[slot] - 1];
			if (d->event == rec->event && same(d->profile, rec->profile) &&
			    same(d->operation, rec->operation) && same(d->class_name, cls) &&
			    same(d->object, object) && same(d->requested, rec->requested_mask) &&
			    same(d->denied, rec->denied_mask))
				return (long)p->rows[slot] - 1;
		}
		slot = (slot + 1) & (p->rows_cap - 1);
	}
	if (r->n_denials >= MAX_DENIALS)
		return -2;
	if (r->n_denials == p->cap_denials) {
		size_t cap = p->cap_denials ? p->cap_denials * 2 : 64;
		struct nd_aa_denial *n = realloc(r->denials, cap * sizeof(*n));
		if (!n)
			return -1;
		r->denials = n;
		p->cap_denials = cap;
	}
	struct nd_aa_denial *d = &r->denials[r->n_denials];
	memset(d, 0, sizeof(*d));
	d->event = rec->event;
	d->cls = rec->cls;
	d->profile = dupstr(rec->profile);
	d->operation = dupstr(rec->operation);
	d->class_name = dupstr(cls);
	d->object = dupstr(object);
	d->requested = dupstr(rec->requested_mask);
	d->denied = dupstr(rec->denied_mask);
	d->comm = dupstr(rec->comm);
	d->info = dupstr(rec->info);
	d->fsuid = rec->fsuid;
	d->ouid = rec->ouid;
	d->share = -1;
	if (rec->cls == ND_AA_CL_FILE && rec->name && rec->name[0] == '/') {
		d->path = dupstr(rec->name);
		if (d->path) {
			size_t l = strlen(d->path);
			while (l > 1 && d->path[l - 1] == '/')
				d->path[--l] = 0;
		}
		d->share = nd_smbconf_match_path(r->conf, d->path);
	}
	char rule[4400];
	nd_aa_rule_for(rec, d->path ? rec->name : NULL, rule, sizeof(rule));
	d->rule = rule[0] ? dupstr(rule) : NULL;
	p->rows[slot] = (uint32_t)r->n_denials + 1;
	p->row_hash[slot] = h;
	return (long)r->n_denials++;
}

static const char *route_name(enum nd_journal_transport t)
{
	switch (t) {
	case ND_JOURNAL_T_KERNEL:
		return "kernel";
	case ND_JOURNAL_T_AUDIT:
		return "audit";
	case ND_JOURNAL_T_SYSLOG:
		return "syslog";
	case ND_JOURNAL_T_JOURNAL:
		return "journal";
	default:
		return "other";
	}
}

static void entry_source(const struct nd_journal_entry *e, char *buf, size_t n)
{
	char t[32] = "";
	time_t s = (time_t)(e->realtime / ND_NS_PER_SEC);
	struct tm tm;
	if (e->realtime && gmtime_r(&s, &tm))
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(buf, n, "%s: entry at %s (%s)", e->file ? e->file : "journal", t[0] ? t : "?",
	         route_name(e->transport));
}

static void loss_notice(struct nd_apparmor_report *r, const char *m)
{
	const char *p = strstr(m, "kauditd_printk_skb: ");
	if (p) {
		unsigned long long n = strtoull(p + 20, NULL, 10);
		if (strstr(p, "callbacks suppressed"))
			r->lost_notices += n ? n : 1;
		return;
	}
	if (!strncmp(m, "audit: audit_lost=", 18) || strstr(m, "audit: rate limit exceeded") ||
	    strstr(m, "audit: backlog limit exceeded"))
		r->lost_notices++;
}

static uint64_t boot_hash(const char *id)
{
	return id && id[0] ? nd_hash_bytes(ND_HASH_INIT, id, strlen(id)) : 1;
}

long nd_apparmor_add_entry(struct nd_apparmor_report *r, const struct nd_journal_entry *e)
{
	struct priv *p = r->priv;
	r->entries++;
	if (!e->message) {
		if (e->message_len > 0 &&
		    (e->transport == ND_JOURNAL_T_AUDIT || e->transport == ND_JOURNAL_T_KERNEL)) {
			char src[640], msg[160];
			r->skipped++;
			entry_source(e, src, sizeof(src));
			snprintf(msg, sizeof(msg), "MESSAGE of %zu bytes is too long; skipped",
			         e->message_len);
			add_problem(r, src, 0, false, msg);
		}
		return -1;
	}
	if (e->transport == ND_JOURNAL_T_KERNEL)
		loss_notice(r, e->message);
	char why[200];
	struct nd_aa_record *rec = &p->rec;
	enum nd_aa_parse_status st = nd_aa_parse(e->message, e->message_len, rec, why, sizeof(why));
	if (st == ND_AA_PARSE_NOT_APPARMOR) {
		if (e->transport == ND_JOURNAL_T_AUDIT)
			r->not_apparmor++;
		return -1;
	}
	if (st == ND_AA_PARSE_BAD) {
		char src[640];
		r->skipped++;
		entry_source(e, src, sizeof(src));
		add_problem(r, src, 0, false, why[0] ? why : "unparsable AppArmor record");
		return -1;
	}
	if (!rec->audit_type && e->audit_type > 0)
		rec->audit_type = e->audit_type;
	if (!rec->has_stamp && e->has_audit_id && e->source_realtime > 0) {
		int64_t us = e->source_realtime / ND_NS_PER_US;
		rec->has_stamp = true;
		rec->stamp_sec = us / 1000000;
		rec->stamp_ms = (uint32_t)((us / 1000) % 1000);
		rec->serial = e->audit_id;
	}
	if (rec->has_stamp) {
		struct seen_key k = {.boot = boot_hash(e->boot_id),
		                     .sec = rec->stamp_sec,
		                     .ms = rec->stamp_ms,
		                     .serial = rec->serial};
		if (seen_check(p, &k)) {
			r->duplicates++;
			return -1;
		}
	}
	r->records++;
	r->by_event[rec->event]++;
	nd_ns ts = rec->has_stamp ? (nd_ns)rec->stamp_sec * ND_NS_PER_SEC +
	                                    (nd_ns)rec->stamp_ms * ND_NS_PER_MS
	           : e->source_realtime ? e->source_realtime
	                                : e->realtime;
	if (!r->first_ts || ts < r->first_ts)
		r->first_ts = ts;
	if (ts > r->last_ts)
		r->last_ts = ts;
	if (rec->event != ND_AA_EV_DENIED && rec->event != ND_AA_EV_KILLED)
		return -1;
	char object[4200];
	describe(rec, object, sizeof(object));
	long row = find_or_add_row(r, rec, object);
	if (row < 0) {
		r->denials_dropped++;
		return -1;
	}
	struct nd_aa_denial *d = &r->denials[row];
	d->count++;
	if (!d->first_ts || ts < d->first_ts)
		d->first_ts = ts;
	if (ts > d->last_ts)
		d->last_ts = ts;
	int pid = rec->pid >= 0 && rec->pid <= 0x7fffffff ? (int)rec->pid : -1;
	if (pid >= 0) {
		bool have = false;
		for (size_t i = 0; i < d->n_pids; i++)
			have |= d->pids[i] == pid;
		if (!have && d->n_pids < ND_AA_MAX_PIDS)
			d->pids[d->n_pids++] = pid;
	}
	if (r->n_events >= MAX_EVENTS) {
		r->events_dropped++;
	} else {
		if (r->n_events == p->cap_events) {
			size_t cap = p->cap_events ? p->cap_events * 2 : 256;
			struct nd_aa_occurrence *n = realloc(r->events, cap * sizeof(*n));
			if (n) {
				r->events = n;
				p->cap_events = cap;
			}
		}
		if (r->n_events < p->cap_events)
			r->events[r->n_events++] = (struct nd_aa_occurrence){
			        .ts = ts, .denial = (uint32_t)row, .pid = pid};
		else
			r->events_dropped++;
	}
	return row;
}

void nd_apparmor_take_journal_problems(struct nd_apparmor_report *r, const struct nd_journal *j)
{
	size_t n;
	const struct nd_journal_problem *jp = nd_journal_problems(j, &n);
	for (size_t i = 0; i < n; i++) {
		size_t before = r->n_problems;
		add_problem(r, jp[i].source, 0, true, jp[i].message);
		if (r->n_problems > before)
			r->problems[before].journal = true;
	}
}

void nd_apparmor_read_journal(struct nd_apparmor_report *r, struct nd_journal *j)
{
	struct nd_journal_entry e;
	while (nd_journal_next(j, &e) == 1)
		nd_apparmor_add_entry(r, &e);
}

/* ---- groups ---- */

/* Appends item to a ", "-separated list string unless present; at most
 * max items. */
static void list_add(char **list, const char *item, size_t max)
{
	if (!item || !*item)
		return;
	size_t count = 0;
	if (*list) {
		const char *s = *list;
		size_t il = strlen(item);
		for (;;) {
			const char *e = strstr(s, ", ");
			size_t l = e ? (size_t)(e - s) : strlen(s);
			if (l == il && !memcmp(s, item, il))
				return;
			count++;
			if (!e)
				break;
			s = e + 2;
		}
	}
	if (count >= max) {
		if (*list && !strstr(*list, ", ...")) {
			size_t l = strlen(*list);
			char *n = realloc(*list, l + 6);
			if (n) {
				memcpy(n + l, ", ...", 6);
				*list = n;
			}
		}
		return;
	}
	size_t ol = *list ? strlen(*list) : 0, il = strlen(item);
	char *n = realloc(*list, ol + il + 3);
	if (!n)
		return;
	if (ol) {
		memcpy(n + ol, ", ", 2);
		ol += 2;
	}
	memcpy(n + ol, item, il + 1);
	*list = n;
}

static void mask_add(char **mask, const char *m)
{
	for (; m && *m; m++) {
		if (*m == ':' || *m == ' ')
			continue;
		size_t l = *mask ? strlen(*mask) : 0;
		if (*mask && strchr(*mask, *m))
			continue;
		char *n = realloc(*mask, l + 2);
		if (!n)
			return;
		n[l] = *m;
		n[l + 1] = 0;
		*mask = n;
	}
}

static void free_groups(struct nd_apparmor_report *r)
{
	for (size_t i = 0; i < r->n_groups; i++) {
		struct nd_aa_group *g = &r->groups[i];
		free(g->profile);
		free(g->operations);
		free(g->requested);
		free(g->denied);
		free(g->pids);
		free(g->paths);
	}
	free(r->groups);
	r->groups = NULL;
	r->n_groups = 0;
}

void nd_apparmor_finish(struct nd_apparmor_report *r)
{
	free_groups(r);
	if (!r->n_denials)
		return;
	r->groups = calloc(r->n_denials, sizeof(*r->groups));
	if (!r->groups)
		return;
	for (size_t i = 0; i < r->n_denials; i++) {
		const struct nd_aa_denial *d = &r->denials[i];
		struct nd_aa_group *g = NULL;
		for (size_t k = 0; k < r->n_groups && !g; k++)
			if (r->groups[k].share == d->share &&
			    same(r->groups[k].profile, d->profile))
				g = &r->groups[k];
		if (!g) {
			g = &r->groups[r->n_groups++];
			g->share = d->share;
			g->profile = dupstr(d->profile);
		}
		g->count += d->count;
		g->n_denials++;
		if (!g->first_ts || d->first_ts < g->first_ts)
			g->first_ts = d->first_ts;
		if (d->last_ts > g->last_ts)
			g->last_ts = d->last_ts;
		list_add(&g->operations, d->operation, 12);
		mask_add(&g->requested, d->requested);
		mask_add(&g->denied, d->denied);
		for (size_t k = 0; k < d->n_pids; k++) {
			char pid[16];
			snprintf(pid, sizeof(pid), "%d", d->pids[k]);
			list_add(&g->pids, pid, ND_AA_GROUP_LIST);
		}
		list_add(&g->paths, d->path ? d->path : d->object, ND_AA_GROUP_LIST);
	}
	for (size_t k = 0; k < r->n_groups; k++) {
		struct nd_aa_group *g = &r->groups[k];
		if (g->share >= 0) {
			const struct nd_smbconf_share *s = &r->conf->shares[g->share];
			const char *dir = s->pattern ? s->glob : nd_smbconf_share_dir(s);
			nd_aa_fix_share(g->profile, dir, s->pattern, g->denied, &g->fix);
		} else {
			/* rules outside shares go to the profile's general override
			 * (local/usr.sbin.smbd, not ...-shares) */
			nd_aa_fix_share(g->profile, "/", false, "", &g->fix);
			g->fix.rule[0] = 0;
			const char *base = strrchr(g->fix.profile_file, '/');
			snprintf(g->fix.local_file, sizeof(g->fix.local_file),
			         "/etc/apparmor.d/local/%s", base ? base + 1 : g->fix.profile_file);
		}
	}
}

struct nd_apparmor_report *nd_apparmor_collect(const struct nd_apparmor_options *opt)
{
	struct nd_apparmor_report *r = nd_apparmor_new(opt);
	if (!r)
		return NULL;
	struct nd_journal *j = nd_journal_open(&opt->journal);
	if (!j) {
		nd_apparmor_free(r);
		return NULL;
	}
	nd_apparmor_read_journal(r, j);
	nd_apparmor_take_journal_problems(r, j);
	nd_journal_close(j);
	nd_apparmor_finish(r);
	return r;
}

void nd_apparmor_free(struct nd_apparmor_report *r)
{
	if (!r)
		return;
	free_groups(r);
	for (size_t i = 0; i < r->n_denials; i++) {
		struct nd_aa_denial *d = &r->denials[i];
		free(d->profile);
		free(d->operation);
		free(d->class_name);
		free(d->object);
		free(d->path);
		free(d->requested);
		free(d->denied);
		free(d->comm);
		free(d->info);
		free(d->rule);
	}
	free(r->denials);
	free(r->events);
	free(r->problems);
	free(r->confinement);
	nd_smbconf_free(r->conf);
	struct priv *p = r->priv;
	if (p) {
		free(p->seen);
		free(p->seen_used);
		free(p->rows);
		free(p->row_hash);
		free(p);
	}
	free(r);
}

void nd_aa_denial_line(const struct nd_apparmor_report *r, const struct nd_aa_denial *d, char *buf,
                       size_t len)
{
	char share[300] = "", pids[96] = "";
	if (d->share >= 0 && r->conf) {
		const struct nd_smbconf_share *s = &r->conf->shares[d->share];
		if (s->user)
			snprintf(share, sizeof(share), "share %s (%s) ", s->name, s->user);
		else
			snprintf(share, sizeof(share), "share %s ", s->name);
	} else {
		snprintf(share, sizeof(share), "outside shares ");
	}
	size_t o = 0;
	for (size_t i = 0; i < d->n_pids && o + 12 < sizeof(pids); i++)
		o += (size_t)snprintf(pids + o, sizeof(pids) - o, "%s%d", i ? "," : "", d->pids[i]);
	snprintf(buf, len, "%sprofile %s %s %s %s requested %s denied %s%s%s%s%s x%" PRIu64, share,
	         d->profile ? d->profile : "?", nd_aa_event_name(d->event),
	         d->operation ? d->operation : "?", d->object ? d->object : "?",
	         d->requested ? d->requested : "-", d->denied ? d->denied : "-",
	         pids[0] ? " pid " : "", pids, d->comm ? " comm " : "", d->comm ? d->comm : "",
	         d->count);
}

void nd_apparmor_carry_seen(struct nd_apparmor_report *to, const struct nd_apparmor_report *from,
                            int64_t since_sec)
{
	const struct priv *pf = from->priv;
	struct priv *pt = to->priv;
	for (size_t i = 0; i < pf->seen_cap; i++)
		if (pf->seen_used[i] && pf->seen[i].sec >= since_sec)
			seen_check(pt, &pf->seen[i]);
}
