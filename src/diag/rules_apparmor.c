/* SPDX-License-Identifier: MIT */
/* AppArmor rules: denials grouped per share and profile, and the join of
 * the capture's STATUS_ACCESS_DENIED with the journal's denials. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag/rules_apparmor.h"
#include "diag/rules_text.h"

static void share_subject(const struct nd_smbconf_share *s, char *buf, size_t n)
{
	if (s->user)
		snprintf(buf, n, "%s (%s)", s->name, s->user);
	else
		snprintf(buf, n, "%s", s->name);
}

static const char *origin_note(const struct nd_smbconf_share *s)
{
	switch (s->kind) {
	case ND_SMBCONF_USERSHARE:
		return " This is a usershare: Debian's update-apparmor-samba-profile never adds "
		       "usershares to /etc/apparmor.d/samba/smbd-shares.";
	case ND_SMBCONF_HOME_USER:
	case ND_SMBCONF_HOMES:
		return " Home directories outside @{HOMEDIRS} (/home/ by default) are not covered "
		       "by the smbd profile; adding the directory to @{HOMEDIRS} in "
		       "/etc/apparmor.d/tunables/home.d/ also works.";
	default:
		break;
	}
	if (s->pattern)
		return " The share path uses % macros, which Debian's "
		       "update-apparmor-samba-profile "
		       "skips.";
	if (s->from_include)
		return " The share is defined in an included file: Debian's "
		       "update-apparmor-samba-profile only rebuilds its snippet when smb.conf "
		       "itself "
		       "is newer.";
	return " On Debian/Ubuntu, update-apparmor-samba-profile (run when smbd starts) adds "
	       "smb.conf share paths to /etc/apparmor.d/samba/smbd-shares; if it did not, the "
	       "local override is the lasting fix.";
}

/* apparmor.share_denied's text: the share's rule is the fix. */
static void group_share_text(const struct nd_apparmor_report *aa, const struct nd_aa_group *g,
                             const char *prof, struct nd_finding *f)
{
	const struct nd_smbconf_share *s = &aa->conf->shares[g->share];
	share_subject(s, f->subject, sizeof(f->subject));
	nd_rules_setf(f->summary, sizeof(f->summary),
	              "AppArmor profile %s denied %" PRIu64 " access%s under share [%s] (%s): %s "
	              "(%s; requested %s, denied %s; pid %s)",
	              prof, g->count, g->count == 1 ? "" : "es", f->subject,
	              s->pattern ? s->glob : nd_smbconf_share_dir(s), g->paths ? g->paths : "",
	              g->operations ? g->operations : "", g->requested ? g->requested : "-",
	              g->denied ? g->denied : "-", g->pids ? g->pids : "?");
	nd_rules_setf(f->advice, sizeof(f->advice),
	              "The rule lets profile %s use the share; loading the local override keeps it "
	              "across package updates.%s",
	              prof, origin_note(s));
	snprintf(f->title, sizeof(f->title), "AppArmor profile %.60s blocks share [%.90s]", prof,
	         f->subject);
	snprintf(f->fix, sizeof(f->fix), "add `%.250s` to %.120s, then `%.120s`", g->fix.rule,
	         g->fix.local_file, g->fix.reload);
	nd_str_copy(f->scope.share, sizeof(f->scope.share), f->subject);
}

/* Appends the rules of prof's first four denials outside every share to the
 * advice: a few to copy, the count of the rest. */
static void outside_rules(const struct nd_apparmor_report *aa, const struct nd_aa_group *g,
                          const char *prof, struct nd_finding *f)
{
	size_t shown = 0;
	for (size_t i = 0; i < aa->n_denials && shown < 4; i++) {
		const struct nd_aa_denial *d = &aa->denials[i];
		if (d->share != -1 || !d->rule || strcmp(d->profile ? d->profile : "", prof))
			continue;
		nd_rules_cat(f->advice, sizeof(f->advice), " `%s`", d->rule);
		shown++;
	}
	if (g->n_denials > shown)
		nd_rules_cat(f->advice, sizeof(f->advice), " (and %zu more)", g->n_denials - shown);
}

/* apparmor.denied's text: whether the access is wanted is the user's call,
 * so the fix offers the rules and the way to silence them both. */
static void group_outside_text(const struct nd_apparmor_report *aa, const struct nd_aa_group *g,
                               const char *prof, struct nd_finding *f)
{
	nd_str_copy(f->subject, sizeof(f->subject), prof);
	nd_rules_setf(f->summary, sizeof(f->summary),
	              "AppArmor profile %s denied %" PRIu64 " operation%s outside every share: %s "
	              "(%s; pid %s)",
	              prof, g->count, g->count == 1 ? "" : "s", g->paths ? g->paths : "",
	              g->operations ? g->operations : "", g->pids ? g->pids : "?");
	nd_rules_setf(f->advice, sizeof(f->advice),
	              "If %s needs this access, add the rule%s to %s and load it with `%s`:", prof,
	              g->n_denials == 1 ? "" : "s", g->fix.local_file, g->fix.reload);
	outside_rules(aa, g, prof, f);
	nd_rules_cat(f->advice, sizeof(f->advice),
	             ". If it does not, the denial is noise only: a `deny` rule for it in the same "
	             "file silences it.");
	snprintf(f->title, sizeof(f->title),
	         "AppArmor profile %s denied %" PRIu64 " access%s outside every share", prof,
	         g->count, g->count == 1 ? "" : "es");
	snprintf(f->fix, sizeof(f->fix),
	         "if %.60s needs it, add the rules below to %.120s and run `%.120s`; if not, "
	         "nothing (a `deny` rule silences it)",
	         prof, g->fix.local_file, g->fix.reload);
}

static void group_finding(const struct nd_apparmor_report *aa, const struct nd_aa_group *g,
                          struct nd_findings *out)
{
	bool in_share = g->share >= 0;
	struct nd_finding *f =
	        nd_findings_add(out, in_share ? ND_F_APPARMOR_SHARE_DENIED : ND_F_APPARMOR_DENIED);
	if (!f)
		return;
	f->first_ts = g->first_ts;
	f->last_ts = g->last_ts;
	const char *prof = g->profile ? g->profile : "?";
	if (in_share)
		group_share_text(aa, g, prof, f);
	else
		group_outside_text(aa, g, prof, f);
	f->impact.failed_ops = g->count;
	nd_finding_evidence(f, "denials", g->count);
	nd_finding_evidence(f, "distinct_denials", g->n_denials);
	if (g->pids)
		nd_finding_evidence(f, "first_pid", strtoull(g->pids, NULL, 10));
	else
		nd_finding_evidence_null(f, "first_pid");
}

void nd_rules_apparmor(const struct nd_apparmor_report *aa, struct nd_findings *out)
{
	if (!aa)
		return;
	for (size_t i = 0; i < aa->n_groups; i++)
		group_finding(aa, &aa->groups[i], out);
}

/* ---- the join ---- */

/* Whether p lies in dir (whole components); dir "/" holds everything. */
static bool under(const char *p, const char *dir)
{
	if (!p || !dir || !dir[0])
		return false;
	size_t l = strlen(dir);
	if (l == 1 && dir[0] == '/')
		return p[0] == '/';
	return !strncmp(p, dir, l) && (p[l] == 0 || p[l] == '/');
}

struct join {
	long share;
	const char *profile;
	/* SMB side */
	uint64_t smb_errors, first_frame;
	nd_ns smb_first, smb_last;
	char unc[ND_SMB_PATH_MAX];
	char requests[400]; /* "CREATE private (frame 44)" */
	char frames[160];
	/* journal side */
	uint64_t aa_events;
	nd_ns aa_first, aa_last;
	char paths[600];
	char ops[160];
	char masks[32];
	int first_pid;
	char target[1024]; /* best matching path: the SMB path in the share dir */
	char denied_path[1024];
	int match_rank;  /* 3 exact, 2 ancestor/descendant, 1 share only */
	size_t errs[32]; /* SMB error rows already counted */
	size_t n_errs;
	size_t *evs; /* journal events already counted */
	size_t n_evs, cap_evs;
};

/* true when event k is new to j (and records it) */
static bool new_event(struct join *j, size_t k)
{
	for (size_t i = 0; i < j->n_evs; i++)
		if (j->evs[i] == k)
			return false;
	size_t *evs = nd_array_grow(j->evs, &j->cap_evs, j->n_evs, sizeof(*evs), 16);
	if (!evs)
		return true;
	j->evs = evs;
	j->evs[j->n_evs++] = k;
	return true;
}

static void mask_union(char *m, size_t n, const char *add)
{
	for (; add && *add; add++) {
		if (*add == ':' || strchr(m, *add))
			continue;
		size_t l = strlen(m);
		if (l + 1 < n) {
			m[l] = *add;
			m[l + 1] = 0;
		}
	}
}

/* SMB path (backslashes) joined to the share directory. */
static void smb_target(const char *dir, const char *smbpath, char *out, size_t n)
{
	snprintf(out, n, "%s", dir);
	if (!smbpath || !smbpath[0])
		return;
	size_t l = strlen(out);
	if (l && out[l - 1] != '/' && l + 1 < n) {
		out[l++] = '/';
		out[l] = 0;
	}
	for (const char *p = smbpath; *p && l + 1 < n; p++) {
		if (*p == '\\' && (l && out[l - 1] == '/'))
			continue;
		out[l++] = *p == '\\' ? '/' : *p;
	}
	out[l] = 0;
	while (l > 1 && out[l - 1] == '/')
		out[--l] = 0;
}

static int rank_match(const char *denied, const char *target)
{
	if (!strcmp(denied, target))
		return 3;
	if (under(denied, target) || under(target, denied))
		return 2;
	return 1;
}

static struct join *find_join(struct join *js, size_t n, long share, const char *profile)
{
	for (size_t i = 0; i < n; i++)
		if (js[i].share == share && !strcmp(js[i].profile, profile))
			return &js[i];
	return NULL;
}

/* The joins made so far: one per (share, profile). */
struct join_set {
	struct join *v;
	size_t n, cap;
};

/* The join of share si and d's profile, made on first use (ev and e give a
 * new one its first pid and the share's UNC); NULL when out of memory. */
static struct join *join_get(struct join_set *set, long si, const struct nd_aa_denial *d,
                             const struct nd_aa_occurrence *ev, const struct nd_smb_error *e)
{
	struct join *j = find_join(set->v, set->n, si, d->profile);
	if (j)
		return j;
	struct join *v = nd_array_grow(set->v, &set->cap, set->n, sizeof(*v), 16);
	if (!v)
		return NULL;
	set->v = v;
	j = &set->v[set->n++];
	memset(j, 0, sizeof(*j));
	j->share = si;
	j->profile = d->profile;
	j->first_pid = ev->pid;
	nd_str_copy(j->unc, sizeof(j->unc), e->share);
	return j;
}

/* Counts SMB error row i (e) in j once, however many of j's denials it meets. */
static void join_error_rows(struct join *j, const struct nd_smb_error *e, size_t i)
{
	for (size_t x = 0; x < j->n_errs; x++)
		if (j->errs[x] == i)
			return;
	if (j->n_errs >= ND_ARRAY_LEN(j->errs))
		return;
	j->errs[j->n_errs++] = i;
	char fr[32], req[300];
	snprintf(fr, sizeof(fr), "%" PRIu64, e->first_frame);
	nd_rules_list_add_once(j->frames, sizeof(j->frames), fr);
	snprintf(req, sizeof(req), "%s%s%s (frame %" PRIu64 ")", nd_smb_command_name(e->cmd),
	         e->path[0] ? " " : "", e->path, e->first_frame);
	nd_rules_list_add_once(j->requests, sizeof(j->requests), req);
	j->smb_errors += e->count;
	if (!j->first_frame || e->first_frame < j->first_frame)
		j->first_frame = e->first_frame;
	if (!j->smb_first || e->first_ts < j->smb_first)
		j->smb_first = e->first_ts;
	if (e->last_ts > j->smb_last)
		j->smb_last = e->last_ts;
}

/* Adds journal event k (ev, a record of denial d) to j. target is the SMB
 * path inside the share directory ("" when the share path is a pattern):
 * the denied path that matches it best is the one the finding names. */
static void join_event(struct join *j, size_t k, const struct nd_aa_occurrence *ev,
                       const struct nd_aa_denial *d, const char *target)
{
	if (new_event(j, k))
		j->aa_events++;
	if (!j->aa_first || ev->ts < j->aa_first)
		j->aa_first = ev->ts;
	if (ev->ts > j->aa_last)
		j->aa_last = ev->ts;
	nd_rules_list_add_once(j->paths, sizeof(j->paths), d->path);
	nd_rules_list_add_once(j->ops, sizeof(j->ops), d->operation);
	mask_union(j->masks, sizeof(j->masks), d->denied);
	int rank = target[0] ? rank_match(d->path, target) : 1;
	if (rank > j->match_rank) {
		j->match_rank = rank;
		nd_str_copy(j->target, sizeof(j->target), target[0] ? target : d->path);
		nd_str_copy(j->denied_path, sizeof(j->denied_path), d->path);
	}
}

/* Whether denial d lies in share si (s, directory dir, NULL for a pattern):
 * the journal reader placed it there, or its path is under the directory
 * or under the path as smb.conf writes it. */
static bool denial_in_share(const struct nd_aa_denial *d, long si, const struct nd_smbconf_share *s,
                            const char *dir)
{
	return d->share == si || (dir && under(d->path, dir)) ||
	       (s->path[0] && under(d->path, s->path));
}

/* Joins SMB error row i (e, on share si) with the denials in that share
 * whose journal time is within window of the error's. */
static void join_error(const struct nd_apparmor_report *aa, const struct nd_smb_error *e, size_t i,
                       long si, nd_ns window, struct join_set *set)
{
	const struct nd_smbconf_share *s = &aa->conf->shares[si];
	const char *dir = s->pattern ? NULL : nd_smbconf_share_dir(s);
	char target[1024] = "";
	if (dir)
		smb_target(dir, e->cmd == ND_SMB_TREE_CONNECT ? "" : e->path, target,
		           sizeof(target));
	nd_ns lo = e->first_ts - window, hi = e->last_ts + window;
	for (size_t k = 0; k < aa->n_events; k++) {
		const struct nd_aa_occurrence *ev = &aa->events[k];
		if (ev->ts < lo || ev->ts > hi)
			continue;
		const struct nd_aa_denial *d = &aa->denials[ev->denial];
		if (!d->path || !d->profile || !denial_in_share(d, si, s, dir))
			continue;
		struct join *j = join_get(set, si, d, ev, e);
		if (!j)
			break;
		join_error_rows(j, e, i);
		join_event(j, k, ev, d, target);
	}
}

/* The joins of every STATUS_ACCESS_DENIED on a share smb.conf defines. */
static void join_collect_events(const struct nd_apparmor_report *aa,
                                const struct nd_smb_results *res, nd_ns window,
                                struct join_set *set)
{
	for (size_t i = 0; i < res->n_errors; i++) {
		const struct nd_smb_error *e = &res->errors[i];
		if (e->status != ND_STATUS_ACCESS_DENIED || !e->share[0])
			continue;
		long si = nd_smbconf_find_share(aa->conf, nd_rules_share_name(e->share));
		if (si >= 0)
			join_error(aa, e, i, si, window, set);
	}
}

/* The join explains the group of the same share and profile: that group
 * gets no apparmor.share_denied of its own (explained may be NULL). */
static void join_mark_explained(const struct nd_apparmor_report *aa, const struct join *j,
                                bool *explained)
{
	for (size_t g = 0; explained && g < aa->n_groups; g++)
		if (aa->groups[g].share == j->share && aa->groups[g].profile &&
		    !strcmp(aa->groups[g].profile, j->profile))
			explained[g] = true;
}

/* t1, t2: the first and last journal record's time. */
static void join_finding_text(const struct join *j, const struct nd_smbconf_share *s,
                              const char *t1, const char *t2, struct nd_finding *f)
{
	const char *dir = s->pattern ? s->glob : nd_smbconf_share_dir(s);
	struct nd_aa_fix fix;
	nd_aa_fix_share(j->profile, dir, s->pattern, j->masks, &fix);
	nd_rules_setf(f->summary, sizeof(f->summary),
	              "STATUS_ACCESS_DENIED on %s [%s] (%s) comes from AppArmor: profile %s "
	              "denied %s under the share path %s (%s, denied %s; %" PRIu64
	              " journal record%s %s%s%s)",
	              j->unc, f->subject, j->requests, j->profile, j->denied_path, dir, j->ops,
	              j->masks[0] ? j->masks : "-", j->aa_events, j->aa_events == 1 ? "" : "s", t1,
	              strcmp(t1, t2) ? " to " : "", strcmp(t1, t2) ? t2 : "");
	nd_rules_setf(f->advice, sizeof(f->advice),
	              "File permissions are not the cause: profile %s refused the access before "
	              "the file system was asked. The rule lets it use share [%s].%s Denied "
	              "paths: %s.",
	              j->profile, s->name, origin_note(s), j->paths);
	snprintf(f->title, sizeof(f->title),
	         "AppArmor profile %.60s, not file permissions, refuses share [%.80s]", j->profile,
	         s->name);
	snprintf(f->fix, sizeof(f->fix), "add `%.250s` to %.120s, then `%.120s`", fix.rule,
	         fix.local_file, fix.reload);
	nd_str_copy(f->scope.share, sizeof(f->scope.share), j->unc);
}

static void join_evidence(const struct join *j, const char *t1, const char *t2,
                          struct nd_finding *f)
{
	f->impact.failed_ops = j->smb_errors;
	nd_finding_evidence(f, "smb_errors", j->smb_errors);
	nd_finding_evidence(f, "first_frame", j->first_frame);
	nd_finding_evidence(f, "apparmor_denials", j->aa_events);
	if (j->first_pid >= 0)
		nd_finding_evidence(f, "pid", (uint64_t)j->first_pid);
	else
		nd_finding_evidence_null(f, "pid");
	nd_finding_evidence_str(f, "journal_first", "%s", t1);
	nd_finding_evidence_str(f, "journal_last", "%s", t2);
	nd_finding_evidence_real(f, "gap_s",
	                         nd_ns_to_sec(j->aa_first > j->smb_first
	                                              ? j->aa_first - j->smb_first
	                                              : j->smb_first - j->aa_first));
}

/* apparmor.smb_access_denied for j; false when the findings list is full. */
static bool join_finding(const struct nd_apparmor_report *aa, const struct join *j,
                         struct nd_findings *out)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_APPARMOR_SMB_ACCESS_DENIED);
	if (!f)
		return false;
	const struct nd_smbconf_share *s = &aa->conf->shares[j->share];
	share_subject(s, f->subject, sizeof(f->subject));
	f->first_ts = ND_MIN(j->smb_first, j->aa_first);
	f->last_ts = ND_MAX(j->smb_last, j->aa_last);
	char t1[40], t2[40];
	nd_rules_time_ms(j->aa_first, t1, sizeof(t1));
	nd_rules_time_ms(j->aa_last, t2, sizeof(t2));
	join_finding_text(j, s, t1, t2, f);
	join_evidence(j, t1, t2, f);
	return true;
}

static size_t join_impl(const struct nd_apparmor_report *aa, const struct nd_smb *smb, nd_ns window,
                        struct nd_findings *out, bool *explained)
{
	if (!aa || !smb || !aa->conf || !aa->n_events)
		return 0;
	const struct nd_smb_results *res = nd_smb_get_results(smb);
	if (!res || !res->n_errors)
		return 0;
	struct join_set set = {0};
	join_collect_events(aa, res, window, &set);
	size_t added = 0;
	for (; added < set.n && join_finding(aa, &set.v[added], out); added++)
		join_mark_explained(aa, &set.v[added], explained);
	for (size_t i = 0; i < set.n; i++)
		free(set.v[i].evs);
	free(set.v);
	return added;
}

size_t nd_rules_apparmor_join_window(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                                     nd_ns window, struct nd_findings *out)
{
	return join_impl(aa, smb, window, out, NULL);
}

size_t nd_rules_apparmor_join(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                              struct nd_findings *out)
{
	return join_impl(aa, smb, ND_AA_JOIN_WINDOW, out, NULL);
}

/* journal.unreadable: what of the journal could not be read was not
 * checked; "no problem found" would be a false all-clear. */
static void journal_problems(const struct nd_apparmor_report *aa, struct nd_findings *out)
{
	for (size_t i = 0; i < aa->n_problems; i++) {
		const struct nd_aa_problem *p = &aa->problems[i];
		if (!p->journal)
			continue;
		struct nd_finding *f = nd_findings_add(out, ND_F_JOURNAL_UNREADABLE);
		if (!f)
			return;
		nd_str_copy(f->subject, sizeof(f->subject), p->source);
		snprintf(f->title, sizeof(f->title),
		         "%.100s could not be read: AppArmor denials in it "
		         "were not checked",
		         p->source);
		snprintf(f->summary, sizeof(f->summary), "%.200s: %.300s.", p->source, p->message);
		if (strstr(p->message, "access") || strstr(p->message, "cannot read") ||
		    strstr(p->message, "Permission"))
			snprintf(f->fix, sizeof(f->fix),
			         "run as root, or add the user to group "
			         "systemd-journal (or adm), then run netdiag again");
		else if (strstr(p->message, "damaged"))
			snprintf(f->fix, sizeof(f->fix), "journalctl --verify --file=%.200s",
			         p->source);
		else
			snprintf(f->fix, sizeof(f->fix), "check the path: `ls -ld %.200s`",
			         p->source);
		nd_finding_evidence(f, "files_unreadable", 1);
	}
}

void nd_rules_apparmor_all(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                           struct nd_findings *out)
{
	if (!aa)
		return;
	journal_problems(aa, out);
	bool *explained = aa->n_groups ? calloc(aa->n_groups, sizeof(*explained)) : NULL;
	if (smb)
		join_impl(aa, smb, ND_AA_JOIN_WINDOW, out, explained);
	for (size_t i = 0; i < aa->n_groups; i++)
		if (!explained || !explained[i])
			group_finding(aa, &aa->groups[i], out);
	free(explained);
}
