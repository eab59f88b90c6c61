/* SPDX-License-Identifier: MIT */
/* The AppArmor section: JSON (docs/apparmor.md; add fields, never rename)
 * and text. The findings array repeats report_json.c's finding shape. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"
#include "report/report_apparmor.h"

/* ---- JSON ---- */

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *j_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *j_list(const char *s)
{
	json_object *a = json_object_new_array();
	while (s && *s) {
		const char *e = strstr(s, ", ");
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (!(l == 3 && !memcmp(s, "...", 3)))
			json_object_array_add(a, json_object_new_string_len(s, (int)l));
		if (!e)
			break;
		s = e + 2;
	}
	return a;
}

static json_object *j_pid_list(const char *s)
{
	json_object *a = json_object_new_array();
	while (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		json_object_array_add(a, json_object_new_int64(v));
		s = end;
		while (*s == ',' || *s == ' ')
			s++;
	}
	return a;
}

static const char *share_name(const struct nd_apparmor_report *aa, long i)
{
	return i >= 0 && aa->conf ? aa->conf->shares[i].name : NULL;
}

static json_object *confinement_json(const struct nd_aa_confinement *c)
{
	json_object *o = json_object_new_object();
	add(o, "pid", json_object_new_int(c->pid));
	add(o, "comm", j_str(c->comm));
	add(o, "profile", c->label[0] ? j_str(c->label) : NULL);
	add(o, "mode", c->mode[0] ? j_str(c->mode) : NULL);
	add(o, "error", c->error ? j_str(strerror(c->error)) : NULL);
	return o;
}

static json_object *share_json(const struct nd_apparmor_report *aa, const struct nd_aa_group *g)
{
	const struct nd_smbconf_share *s = &aa->conf->shares[g->share];
	json_object *o = json_object_new_object();
	add(o, "share", j_str(s->name));
	add(o, "user", j_str(s->user));
	add(o, "kind", j_str(nd_smbconf_kind_name(s->kind)));
	add(o, "path", j_str(s->path));
	add(o, "real_path", j_str(s->real));
	add(o, "pattern", s->pattern ? j_str(s->glob) : NULL);
	add(o, "defined_in", j_str(s->file));
	add(o, "line", s->line ? json_object_new_int(s->line) : NULL);
	add(o, "profile", j_str(g->profile));
	add(o, "denials", nd_json_u64(g->count));
	add(o, "distinct_denials", nd_json_u64(g->n_denials));
	add(o, "first", nd_json_time(g->first_ts));
	add(o, "last", nd_json_time(g->last_ts));
	add(o, "operations", j_list(g->operations));
	add(o, "requested_mask", j_str(g->requested));
	add(o, "denied_mask", j_str(g->denied));
	add(o, "pids", j_pid_list(g->pids));
	add(o, "paths", j_list(g->paths));
	json_object *fix = json_object_new_object();
	add(fix, "local_file", j_str(g->fix.local_file));
	add(fix, "rule", j_str(g->fix.rule));
	add(fix, "reload", j_str(g->fix.reload));
	add(fix, "profile_file", j_str(g->fix.profile_file));
	add(o, "fix", fix);
	return o;
}

static json_object *denial_json(const struct nd_apparmor_report *aa, const struct nd_aa_denial *d)
{
	json_object *o = json_object_new_object();
	add(o, "apparmor", j_str(nd_aa_event_name(d->event)));
	add(o, "profile", j_str(d->profile));
	add(o, "operation", j_str(d->operation));
	add(o, "class", j_str(d->class_name));
	add(o, "object", j_str(d->object));
	add(o, "path", j_str(d->path));
	add(o, "requested_mask", j_str(d->requested));
	add(o, "denied_mask", j_str(d->denied));
	add(o, "comm", j_str(d->comm));
	add(o, "info", j_str(d->info));
	add(o, "share", j_str(share_name(aa, d->share)));
	add(o, "share_user", d->share >= 0 ? j_str(aa->conf->shares[d->share].user) : NULL);
	add(o, "count", nd_json_u64(d->count));
	add(o, "first", nd_json_time(d->first_ts));
	add(o, "last", nd_json_time(d->last_ts));
	json_object *pids = json_object_new_array();
	for (size_t i = 0; i < d->n_pids; i++)
		json_object_array_add(pids, json_object_new_int(d->pids[i]));
	add(o, "pids", pids);
	add(o, "fsuid", d->fsuid >= 0 ? json_object_new_int64(d->fsuid) : NULL);
	add(o, "ouid", d->ouid >= 0 ? json_object_new_int64(d->ouid) : NULL);
	add(o, "rule", j_str(d->rule));
	return o;
}

static json_object *smbconf_json(const struct nd_smbconf *c)
{
	json_object *o = json_object_new_object();
	add(o, "path", j_str(c->path));
	add(o, "loaded", json_object_new_boolean(c->loaded));
	add(o, "includes", nd_json_u64(c->includes));
	add(o, "usershare_path", j_str(c->usershare_path));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < c->n_shares; i++) {
		const struct nd_smbconf_share *s = &c->shares[i];
		json_object *x = json_object_new_object();
		add(x, "name", j_str(s->name));
		add(x, "user", j_str(s->user));
		add(x, "kind", j_str(nd_smbconf_kind_name(s->kind)));
		add(x, "path", j_str(s->path));
		add(x, "real_path", j_str(s->real));
		add(x, "defined_in", j_str(s->file));
		add(x, "line", s->line ? json_object_new_int(s->line) : NULL);
		json_object_array_add(arr, x);
	}
	add(o, "shares", arr);
	return o;
}

json_object *nd_report_apparmor_json(const struct nd_apparmor_report *aa)
{
	json_object *o = json_object_new_object();
	add(o, "enabled", aa->enabled < 0 ? NULL : json_object_new_boolean(aa->enabled == 1));
	add(o, "enabled_detail", aa->enabled < 0 ? NULL : j_str(aa->enabled_detail));
	add(o, "audit_disabled", json_object_new_boolean(aa->audit_disabled));
	json_object *conf = json_object_new_array();
	for (size_t i = 0; i < aa->n_confinement; i++)
		json_object_array_add(conf, confinement_json(&aa->confinement[i]));
	add(o, "confinement", conf);
	add(o, "entries", nd_json_u64(aa->entries));
	add(o, "records", nd_json_u64(aa->records));
	add(o, "duplicates", nd_json_u64(aa->duplicates));
	add(o, "skipped", nd_json_u64(aa->skipped));
	add(o, "not_apparmor", nd_json_u64(aa->not_apparmor));
	add(o, "lost_notices", nd_json_u64(aa->lost_notices));
	json_object *ev = json_object_new_object();
	for (int e = ND_AA_EV_DENIED; e < ND_AA_EV_COUNT; e++) {
		char k[16];
		const char *n = nd_aa_event_name((enum nd_aa_event)e);
		size_t i = 0;
		for (; n[i] && i + 1 < sizeof(k); i++)
			k[i] = (char)(n[i] | 0x20);
		k[i] = 0;
		add(ev, k, nd_json_u64(aa->by_event[e]));
	}
	add(o, "by_event", ev);
	add(o, "first", nd_json_time(aa->first_ts));
	add(o, "last", nd_json_time(aa->last_ts));
	add(o, "smb_conf", aa->conf ? smbconf_json(aa->conf) : NULL);
	json_object *shares = json_object_new_array();
	for (size_t i = 0; i < aa->n_groups; i++)
		if (aa->groups[i].share >= 0)
			json_object_array_add(shares, share_json(aa, &aa->groups[i]));
	add(o, "shares", shares);
	json_object *den = json_object_new_array();
	for (size_t i = 0; i < aa->n_denials; i++)
		json_object_array_add(den, denial_json(aa, &aa->denials[i]));
	add(o, "denials", den);
	add(o, "denials_not_listed", nd_json_u64(aa->denials_dropped));
	json_object *probs = json_object_new_array();
	for (size_t i = 0; i < aa->n_problems; i++) {
		const struct nd_aa_problem *p = &aa->problems[i];
		json_object *x = json_object_new_object();
		add(x, "source", j_str(p->source));
		add(x, "line", p->line ? json_object_new_int64(p->line) : NULL);
		add(x, "message", j_str(p->message));
		add(x, "input_error", json_object_new_boolean(p->input_error));
		json_object_array_add(probs, x);
	}
	add(o, "problems", probs);
	add(o, "problems_not_listed", nd_json_u64(aa->problems_dropped));
	return o;
}

/* ---- text ---- */

static void warning_line(struct nd_text_out *o, const char *text)
{
	char label[48];
	snprintf(label, sizeof(label), "%swarning:%s    ", nd_text_sgr(o, ND_SGR_YELLOW),
	         nd_text_sgr(o, ND_SGR_RESET));
	nd_text_wrap(o, 2, label, text);
}

static void confinement_line(struct nd_text_out *o, const struct nd_apparmor_report *aa,
                             const struct nd_aa_confinement *c)
{
	if (c->label[0] && strcmp(c->label, "unconfined"))
		nd_text_wrapf(o, 2, "samba:      ", "%s (pid %d) is confined by profile %s (%s)",
		              c->comm, c->pid, c->label, c->mode);
	else if (c->label[0])
		nd_text_wrapf(o, 2, "samba:      ", "%s (pid %d) is unconfined", c->comm, c->pid);
	else if (aa->enabled != 1)
		nd_text_wrapf(o, 2, "samba:      ", "%s (pid %d) is not confined: AppArmor is off",
		              c->comm, c->pid);
	else
		nd_text_wrapf(o, 2, "samba:      ", "%s (pid %d): confinement unknown (%s)",
		              c->comm, c->pid, strerror(c->error));
}

static void host_lines(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	if (aa->enabled >= 0)
		nd_text_wrap(o, 2, "kernel:     ", aa->enabled_detail);
	if (aa->audit_disabled)
		warning_line(o, "the kernel runs with audit=0: AppArmor cannot log any denial");
	if (aa->enabled < 0)
		return;
	if (!aa->n_confinement)
		nd_text_wrap(o, 2, "samba:      ", "no smbd/samba process is running here");
	for (size_t i = 0; i < aa->n_confinement; i++)
		confinement_line(o, aa, &aa->confinement[i]);
}

static void journal_lines(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	char t1[64], t2[64];
	nd_text_wrapf(o, 2, "journal:    ",
	              "%" PRIu64 " entries, %" PRIu64 " AppArmor records (%" PRIu64
	              " denied), %" PRIu64 " duplicates from a second route, %" PRIu64 " skipped",
	              aa->entries, aa->records,
	              aa->by_event[ND_AA_EV_DENIED] + aa->by_event[ND_AA_EV_KILLED], aa->duplicates,
	              aa->skipped);
	if (aa->first_ts)
		nd_text_wrapf(o, 2, "time:       ", "%s .. %s",
		              nd_report_time(aa->first_ts, t1, sizeof(t1)),
		              nd_report_time(aa->last_ts, t2, sizeof(t2)));
	if (aa->lost_notices) {
		char msg[128];
		snprintf(msg, sizeof(msg),
		         "the kernel dropped %" PRIu64
		         " audit messages: the counts are lower bounds",
		         aa->lost_notices);
		warning_line(o, msg);
	}
	if (!aa->conf)
		return;
	size_t with_path = 0;
	for (size_t i = 0; i < aa->conf->n_shares; i++)
		with_path += aa->conf->shares[i].path && aa->conf->shares[i].path[0];
	if (aa->conf->loaded)
		nd_text_wrapf(o, 2, "smb.conf:   ", "%s: %zu shares with a path, %zu include files",
		              aa->conf->path, with_path, aa->conf->includes);
	else
		nd_text_wrapf(o, 2,
		              "smb.conf:   ", "%s not read: denials are not matched to shares",
		              aa->conf->path);
}

/* nd_text_wrap_hang of a formatted text. */
static void wrap_hangf(struct nd_text_out *o, int indent, int hang, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void wrap_hangf(struct nd_text_out *o, int indent, int hang, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->err = -1;
		return;
	}
	nd_text_wrap_hang(o, indent, hang, "", text);
	free(text);
}

static void subsection(struct nd_text_out *o, const char *title)
{
	nd_text_printf(o, "\n  %s%s%s\n", nd_text_sgr(o, ND_SGR_BOLD), title,
	               nd_text_sgr(o, ND_SGR_RESET));
}

/* One (share, profile) group: what was denied, the paths, and the fix with
 * the override rule on a line of its own so that it can be copied whole. */
static void group_text(struct nd_text_out *o, const struct nd_apparmor_report *aa,
                       const struct nd_aa_group *g)
{
	const struct nd_smbconf_share *s = &aa->conf->shares[g->share];
	wrap_hangf(o, 2, 6, "[%s%s%s] %s  profile %s", s->name, s->user ? " " : "",
	           s->user ? s->user : "", s->pattern ? s->glob : nd_smbconf_share_dir(s),
	           g->profile);
	nd_text_wrapf(o, 6, "denials: ", "%" PRIu64 "  %s  denied %s  pid %s", g->count,
	              g->operations ? g->operations : "", g->denied ? g->denied : "-",
	              g->pids ? g->pids : "?");
	nd_text_wrap(o, 6, "paths:   ", g->paths ? g->paths : "");
	nd_text_wrapf(o, 6, "fix:     ", "add to %s:", g->fix.local_file);
	nd_text_wrap(o, 17, "", g->fix.rule);
	nd_text_wrapf(o, 15, "", "then run: %s", g->fix.reload);
}

static void groups_text(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	bool any = false;
	for (size_t i = 0; i < aa->n_groups; i++) {
		if (aa->groups[i].share < 0)
			continue;
		if (!any)
			subsection(o, "Denials inside shares");
		any = true;
		group_text(o, aa, &aa->groups[i]);
	}
}

static void outside_text(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	bool any = false;
	for (size_t i = 0; i < aa->n_denials; i++) {
		const struct nd_aa_denial *d = &aa->denials[i];
		if (d->share >= 0)
			continue;
		if (!any)
			subsection(o, "Denials outside shares");
		any = true;
		char line[1024];
		nd_aa_denial_line(aa, d, line, sizeof(line));
		nd_text_wrap_hang(o, 2, 4, "", line);
	}
}

static void problems_text(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	if (!aa->n_problems)
		return;
	subsection(o, "Input problems");
	for (size_t i = 0; i < aa->n_problems; i++) {
		const struct nd_aa_problem *p = &aa->problems[i];
		char line[32] = "";
		if (p->line)
			snprintf(line, sizeof(line), ":%ld", p->line);
		wrap_hangf(o, 2, 4, "%s%s: %s", p->source, line, p->message);
	}
	if (aa->problems_dropped)
		nd_text_wrapf(o, 2, "", "... %" PRIu64 " more", aa->problems_dropped);
}

void nd_report_apparmor_section(struct nd_text_out *o, const struct nd_apparmor_report *aa)
{
	nd_text_section(o, "AppArmor");
	host_lines(o, aa);
	journal_lines(o, aa);
	groups_text(o, aa);
	outside_text(o, aa);
	problems_text(o, aa);
}

void nd_report_apparmor_denial_text(FILE *out, const struct nd_report_options *opt,
                                    const struct nd_apparmor_report *aa,
                                    const struct nd_aa_denial *d)
{
	struct nd_text_out o = nd_text_out_make(out, opt);
	char line[1200];
	nd_aa_denial_line(aa, d, line, sizeof(line));
	nd_text_wrap_hang(&o, 0, 2, "", line);
}
