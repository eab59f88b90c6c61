/* SPDX-License-Identifier: MIT */
/* The finding registry (findings.def) and the evidence keys each finding
 * may carry (evidence.def), as tables the rules, the reports, the daemon and
 * `netdiag explain` read. */
#include <string.h>

#include "diag/diag.h"

#define ROLE_CAUSE   ND_ROLE_CAUSE
#define ROLE_SYMPTOM ND_ROLE_SYMPTOM
#define ROLE_CONTEXT ND_ROLE_CONTEXT
#define SEV_INFO     ND_SEV_INFO
#define SEV_WARNING  ND_SEV_WARNING
#define SEV_ERROR    ND_SEV_ERROR

static const struct nd_finding_def defs[ND_F_COUNT] = {
#define ND_FINDING(sym, id_, role_, kind_, sev_, incomplete_, msgid_, title_, rule_, meaning_)     \
	[ND_F_##sym] = {.kind = ND_F_##sym,                                                        \
	                .id = id_,                                                                 \
	                .role = ROLE_##role_,                                                      \
	                .subject_kind = kind_,                                                     \
	                .severity = SEV_##sev_,                                                    \
	                .incomplete = incomplete_,                                                 \
	                .message_id = msgid_,                                                      \
	                .title = title_,                                                           \
	                .severity_rule = rule_,                                                    \
	                .meaning = meaning_},
#include "diag/findings.def"
#undef ND_FINDING
};

static const struct nd_evidence_def evidence[] = {
#define ND_EVIDENCE(sym, key_, meaning_) {.kind = ND_F_##sym, .key = key_, .meaning = meaning_},
#include "diag/evidence.def"
#undef ND_EVIDENCE
};

const struct nd_finding_def *nd_finding_def(enum nd_finding_kind kind)
{
	return kind < ND_F_COUNT ? &defs[kind] : NULL;
}

const struct nd_finding_def *nd_finding_def_by_id(const char *id)
{
	for (size_t i = 0; i < ND_F_COUNT; i++)
		if (!strcmp(defs[i].id, id))
			return &defs[i];
	return NULL;
}

size_t nd_evidence_defs(const struct nd_evidence_def **out)
{
	*out = evidence;
	return ND_ARRAY_LEN(evidence);
}

bool nd_evidence_known(enum nd_finding_kind kind, const char *key)
{
	for (size_t i = 0; i < ND_ARRAY_LEN(evidence); i++)
		if (evidence[i].kind == kind && !strcmp(evidence[i].key, key))
			return true;
	return false;
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

const char *nd_role_name(enum nd_role r)
{
	switch (r) {
	case ND_ROLE_CAUSE:
		return "cause";
	case ND_ROLE_SYMPTOM:
		return "symptom";
	default:
		return "context";
	}
}
