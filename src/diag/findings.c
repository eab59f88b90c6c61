/* SPDX-License-Identifier: MIT */
/* The findings list: adding findings and evidence, the links between causes
 * and symptoms, the ranking and the verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag/diag.h"

struct nd_finding *nd_findings_add(struct nd_findings *fs, enum nd_finding_kind kind)
{
	const struct nd_finding_def *def = nd_finding_def(kind);
	if (!def)
		return NULL;
	struct nd_finding *items =
	        nd_array_grow(fs->items, &fs->cap, fs->count, sizeof(*fs->items), 16);
	if (!items)
		return NULL;
	fs->items = items;
	struct nd_finding *f = &fs->items[fs->count++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->id = def->id;
	f->severity = def->severity;
	f->role = def->role;
	f->incomplete = def->incomplete;
	f->subject_kind = def->subject_kind;
	f->seq = ++fs->next_seq;
	/* A finding about the whole capture is named by its kind; rules with a
	 * narrower subject overwrite these. */
	nd_str_copy(f->subject, sizeof(f->subject), def->subject_kind);
	nd_str_copy(f->title, sizeof(f->title), def->title);
	return f;
}

static struct nd_evidence *evidence_slot(struct nd_finding *f, const char *name,
                                         enum nd_evidence_type type)
{
	if (f->n_evidence >= ND_FINDING_MAX_EVIDENCE)
		return NULL;
	struct nd_evidence *e = &f->evidence[f->n_evidence++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->type = type;
	return e;
}

void nd_finding_evidence(struct nd_finding *f, const char *name, uint64_t value)
{
	struct nd_evidence *e = evidence_slot(f, name, ND_EV_U64);
	if (e)
		e->value = value;
}

void nd_finding_evidence_real(struct nd_finding *f, const char *name, double value)
{
	struct nd_evidence *e = evidence_slot(f, name, ND_EV_REAL);
	if (e)
		e->value_real = value;
}

void nd_finding_evidence_str(struct nd_finding *f, const char *name, const char *fmt, ...)
{
	struct nd_evidence *e = evidence_slot(f, name, ND_EV_STR);
	if (!e)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->str, sizeof(e->str), fmt, ap);
	va_end(ap);
}

void nd_finding_evidence_bool(struct nd_finding *f, const char *name, bool value)
{
	struct nd_evidence *e = evidence_slot(f, name, ND_EV_BOOL);
	if (e)
		e->value = value;
}

void nd_finding_evidence_null(struct nd_finding *f, const char *name)
{
	evidence_slot(f, name, ND_EV_NULL);
}

void nd_finding_explain(struct nd_finding *symptom, const struct nd_finding *cause)
{
	if (symptom == cause || symptom->seq == cause->seq)
		return;
	for (size_t i = 0; i < symptom->n_explained_by; i++)
		if (symptom->explained_by[i] == cause->seq)
			return;
	if (symptom->n_explained_by < ND_FINDING_MAX_EXPLAINED_BY)
		symptom->explained_by[symptom->n_explained_by++] = cause->seq;
}

const struct nd_finding *nd_findings_by_seq(const struct nd_findings *fs, uint32_t seq)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->items[i].seq == seq)
			return &fs->items[i];
	return NULL;
}

double nd_finding_score(const struct nd_finding *f)
{
	return f->impact.waited_s + 10.0 * (double)f->impact.failed_ops +
	       (double)f->impact.resent_bytes / 1e7;
}

/* ---- finishing: keys, roles, order, verdict ---- */

static void make_keys(struct nd_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *f = &fs->items[i];
		snprintf(f->key, sizeof(f->key), "%s:%.250s", f->id, f->subject);
		unsigned n = 1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(fs->items[j].key, f->key)) {
				snprintf(f->key, sizeof(f->key), "%s:%.250s#%u", f->id, f->subject,
				         ++n);
				j = (size_t)-1; /* look again: the new key may exist too */
			}
	}
}

/* Drops links to findings not in the list (a cause a rule did not add). */
static void prune_links(struct nd_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *f = &fs->items[i];
		size_t k = 0;
		for (size_t j = 0; j < f->n_explained_by; j++)
			if (nd_findings_by_seq(fs, f->explained_by[j]))
				f->explained_by[k++] = f->explained_by[j];
		f->n_explained_by = k;
	}
}

/* Explained findings are symptoms; an unexplained symptom users feel is the
 * root cause as far as the data tells; what could not be checked and what
 * is only informative is context. */
static void settle_roles(struct nd_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *f = &fs->items[i];
		if (f->n_explained_by) {
			/* Its cause's fix is the fix: its own would contradict it
			 * ("check the file permissions" under an AppArmor join). */
			f->role = ND_ROLE_SYMPTOM;
			f->fix[0] = f->advice[0] = 0;
		} else if (f->incomplete || f->severity == ND_SEV_INFO)
			f->role = ND_ROLE_CONTEXT;
		else
			f->role = ND_ROLE_CAUSE;
	}
}

/* Impact of a cause together with the symptoms it explains. */
static double total_score(const struct nd_findings *fs, const struct nd_finding *f)
{
	double s = nd_finding_score(f);
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *g = &fs->items[i];
		for (size_t j = 0; j < g->n_explained_by; j++)
			if (g->explained_by[j] == f->seq)
				s += nd_finding_score(g);
	}
	return s;
}

struct rank {
	size_t index;
	int group; /* 0 causes, 1 symptoms, 2 context */
	double score;
	size_t cause_pos; /* symptoms: position of their first cause */
};

static const struct nd_findings *sort_fs; /* qsort has no context argument */

static int rank_cmp(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	const struct nd_finding *f = &sort_fs->items[x->index], *g = &sort_fs->items[y->index];
	if (x->group != y->group)
		return x->group - y->group;
	if (x->group == 1 && x->cause_pos != y->cause_pos)
		return x->cause_pos < y->cause_pos ? -1 : 1;
	if (f->severity != g->severity)
		return f->severity > g->severity ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	int c = strcmp(f->id, g->id);
	return c ? c : strcmp(f->subject, g->subject);
}

static size_t first_cause_pos(const struct nd_findings *fs, const struct rank *r, size_t n,
                              const struct nd_finding *f)
{
	size_t best = SIZE_MAX;
	for (size_t j = 0; j < f->n_explained_by; j++)
		for (size_t k = 0; k < n; k++)
			if (fs->items[r[k].index].seq == f->explained_by[j] && k < best)
				best = k;
	return best;
}

static void order(struct nd_findings *fs)
{
	size_t n = fs->count;
	/* Nothing to move; an empty list has no items array, and memcpy to
	 * NULL is undefined even for 0 bytes. */
	if (n < 2)
		return;
	struct rank *r = calloc(n, sizeof(*r));
	struct nd_finding *sorted = calloc(n, sizeof(*sorted));
	if (!r || !sorted) {
		free(r);
		free(sorted);
		return; /* out of memory: keep the rules' order */
	}
	for (size_t i = 0; i < n; i++) {
		const struct nd_finding *f = &fs->items[i];
		r[i] = (struct rank){.index = i,
		                     .group = f->role == ND_ROLE_CAUSE     ? 0
		                              : f->role == ND_ROLE_SYMPTOM ? 1
		                                                           : 2,
		                     .score = total_score(fs, f)};
	}
	sort_fs = fs;
	qsort(r, n, sizeof(*r), rank_cmp); /* causes first, so their positions are final */
	for (size_t i = 0; i < n; i++)
		if (r[i].group == 1)
			r[i].cause_pos = first_cause_pos(fs, r, n, &fs->items[r[i].index]);
	qsort(r, n, sizeof(*r), rank_cmp);
	sort_fs = NULL;
	for (size_t i = 0; i < n; i++)
		sorted[i] = fs->items[r[i].index];
	memcpy(fs->items, sorted, n * sizeof(*sorted));
	free(sorted);
	free(r);
}

static void headline_join(char *buf, size_t len, const struct nd_findings *fs, const uint32_t *idx,
                          size_t n, size_t listed)
{
	size_t show = ND_MIN(listed, (size_t)2);
	for (size_t i = 0; i < show; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s", i ? "; " : "", fs->items[idx[i]].title);
	}
	if (n > show) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "; and %zu more", n - show);
	}
}

static void build_verdict(struct nd_findings *fs, const char *healthy_headline)
{
	struct nd_verdict *v = &fs->verdict;
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *f = &fs->items[i];
		if (f->role == ND_ROLE_CAUSE && v->n_causes++ < ND_VERDICT_MAX_LISTED)
			v->causes[v->n_causes - 1] = (uint32_t)i;
		if (f->incomplete && v->n_gaps++ < ND_VERDICT_MAX_LISTED)
			v->gaps[v->n_gaps - 1] = (uint32_t)i;
	}
	size_t lc = ND_MIN(v->n_causes, (size_t)ND_VERDICT_MAX_LISTED);
	size_t lg = ND_MIN(v->n_gaps, (size_t)ND_VERDICT_MAX_LISTED);
	if (v->n_causes) {
		v->status = ND_VERDICT_PROBLEMS;
		snprintf(v->headline, sizeof(v->headline), "%zu root cause%s: ", v->n_causes,
		         v->n_causes == 1 ? "" : "s");
		headline_join(v->headline, sizeof(v->headline), fs, v->causes, v->n_causes, lc);
	} else if (v->n_gaps) {
		v->status = ND_VERDICT_INCOMPLETE;
		snprintf(
		        v->headline, sizeof(v->headline),
		        "Nothing wrong found in what could be checked, but not everything could: ");
		headline_join(v->headline, sizeof(v->headline), fs, v->gaps, v->n_gaps, lg);
	} else {
		v->status = ND_VERDICT_HEALTHY;
		nd_str_copy(v->headline, sizeof(v->headline),
		            healthy_headline ? healthy_headline : "Healthy: no problem found");
	}
}

void nd_findings_finish(struct nd_findings *fs, const char *healthy_headline)
{
	prune_links(fs);
	settle_roles(fs);
	order(fs);
	make_keys(fs);
	build_verdict(fs, healthy_headline);
	fs->finished = true;
}

enum nd_severity nd_findings_max_severity(const struct nd_findings *fs, bool *any)
{
	enum nd_severity max = ND_SEV_INFO;
	*any = false;
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *f = &fs->items[i];
		if (f->incomplete)
			continue; /* what was not checked is no finding about the traffic */
		*any = true;
		if (f->severity > max)
			max = f->severity;
	}
	return max;
}

void nd_findings_free(struct nd_findings *fs)
{
	free(fs->items);
	memset(fs, 0, sizeof(*fs));
}
