/* SPDX-License-Identifier: MIT */
/* Findings and the verdict as JSON: one shape for `analyze`, `capture` and
 * the daemon's findings file (docs/json.md, "verdict" and "findings"). */
#include <json-c/json.h>
#include <stdio.h>

#include "report/report.h"
#include "report/report_internal.h"

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *evidence_value(const struct nd_evidence *e)
{
	switch (e->type) {
	case ND_EV_REAL:
		return nd_json_real(e->value_real, 6);
	case ND_EV_STR:
		return json_object_new_string(e->str);
	case ND_EV_BOOL:
		return json_object_new_boolean(e->value != 0);
	case ND_EV_NULL:
		return NULL;
	default:
		return nd_json_u64(e->value);
	}
}

static json_object *impact_json(const struct nd_finding *f)
{
	json_object *o = json_object_new_object();
	add(o, "waited_s", nd_json_real(f->impact.waited_s, 6));
	add(o, "failed_operations", nd_json_u64(f->impact.failed_ops));
	add(o, "resent_bytes", nd_json_u64(f->impact.resent_bytes));
	add(o, "score", nd_json_real(nd_finding_score(f), 3));
	return o;
}

static json_object *explained_by_json(const struct nd_findings *fs, const struct nd_finding *f)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < f->n_explained_by; i++) {
		const struct nd_finding *c = nd_findings_by_seq(fs, f->explained_by[i]);
		if (c)
			json_object_array_add(arr, json_object_new_string(c->key));
	}
	return arr;
}

json_object *nd_report_finding_json(const struct nd_findings *fs, const struct nd_finding *f)
{
	const struct nd_finding_def *def = nd_finding_def(f->kind);
	json_object *o = json_object_new_object();
	add(o, "key", json_object_new_string(f->key));
	add(o, "id", json_object_new_string(f->id));
	add(o, "role", json_object_new_string(nd_role_name(f->role)));
	add(o, "severity", json_object_new_string(nd_severity_name(f->severity)));
	add(o, "incomplete", json_object_new_boolean(f->incomplete));
	json_object *subj = json_object_new_object();
	add(subj, "kind", json_object_new_string(f->subject_kind));
	add(subj, "name", json_object_new_string(f->subject));
	add(o, "subject", subj);
	add(o, "start", nd_json_time(f->first_ts));
	add(o, "end", nd_json_time(f->last_ts));
	add(o, "title", json_object_new_string(f->title));
	add(o, "summary", json_object_new_string(f->summary));
	add(o, "fix", nd_json_str(f->fix));
	add(o, "advice", nd_json_str(f->advice));
	add(o, "explained_by", explained_by_json(fs, f));
	add(o, "impact", impact_json(f));
	json_object *ev = json_object_new_object();
	for (size_t i = 0; i < f->n_evidence; i++)
		add(ev, f->evidence[i].name, evidence_value(&f->evidence[i]));
	add(o, "evidence", ev);
	add(o, "message_id", json_object_new_string(def->message_id));
	char doc[160];
	snprintf(doc, sizeof(doc), "docs/findings.md#%s", f->id);
	add(o, "doc", json_object_new_string(doc));
	return o;
}

json_object *nd_report_findings_json(const struct nd_findings *fs)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < fs->count; i++)
		json_object_array_add(arr, nd_report_finding_json(fs, &fs->items[i]));
	return arr;
}

static const char *status_name(enum nd_verdict_status s)
{
	switch (s) {
	case ND_VERDICT_PROBLEMS:
		return "problems";
	case ND_VERDICT_INCOMPLETE:
		return "incomplete";
	default:
		return "healthy";
	}
}

static json_object *keys_json(const struct nd_findings *fs, const uint32_t *idx, size_t n)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n && i < ND_VERDICT_MAX_LISTED; i++)
		json_object_array_add(arr, json_object_new_string(fs->items[idx[i]].key));
	return arr;
}

json_object *nd_report_verdict_json(const struct nd_findings *fs)
{
	const struct nd_verdict *v = &fs->verdict;
	json_object *o = json_object_new_object();
	add(o, "status", json_object_new_string(status_name(v->status)));
	add(o, "headline", json_object_new_string(v->headline));
	add(o, "causes", keys_json(fs, v->causes, v->n_causes));
	add(o, "incomplete", keys_json(fs, v->gaps, v->n_gaps));
	return o;
}
