/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "diag/diag.h"

struct nd_finding *nd_findings_add(struct nd_findings *fs, const char *id, enum nd_severity sev,
                                   const char *subject_kind)
{
	struct nd_finding *items =
	        nd_array_grow(fs->items, &fs->cap, fs->count, sizeof(*fs->items), 16);
	if (!items)
		return NULL;
	fs->items = items;
	struct nd_finding *f = &fs->items[fs->count++];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->severity = sev;
	f->subject_kind = subject_kind;
	/* A finding about the whole capture is named by its kind; rules with a
	 * narrower subject overwrite this. */
	nd_str_copy(f->subject, sizeof(f->subject), subject_kind);
	return f;
}

void nd_finding_evidence(struct nd_finding *f, const char *name, uint64_t value)
{
	if (f->n_evidence < ND_FINDING_MAX_EVIDENCE)
		f->evidence[f->n_evidence++] = (struct nd_evidence){.name = name, .value = value};
}

void nd_finding_evidence_real(struct nd_finding *f, const char *name, double value)
{
	if (f->n_evidence < ND_FINDING_MAX_EVIDENCE)
		f->evidence[f->n_evidence++] =
		        (struct nd_evidence){.name = name, .is_real = true, .value_real = value};
}

static int finding_cmp(const void *a, const void *b)
{
	const struct nd_finding *x = a, *y = b;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return strcmp(x->subject, y->subject);
}

void nd_findings_sort(struct nd_findings *fs)
{
	if (fs->count > 1)
		qsort(fs->items, fs->count, sizeof(*fs->items), finding_cmp);
}

enum nd_severity nd_findings_max_severity(const struct nd_findings *fs, bool *any)
{
	enum nd_severity max = ND_SEV_INFO;
	for (size_t i = 0; i < fs->count; i++)
		if (fs->items[i].severity > max)
			max = fs->items[i].severity;
	*any = fs->count > 0;
	return max;
}

void nd_findings_free(struct nd_findings *fs)
{
	free(fs->items);
	memset(fs, 0, sizeof(*fs));
}

const char *nd_severity_name(enum nd_severity s)
{
	switch (s) {
	case ND_SEV_ERROR:
		return "error";
	case ND_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}
