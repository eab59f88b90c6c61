/* SPDX-License-Identifier: MIT */
/* diag: findings and the rules that make them. A finding names one root
 * cause (or one notable fact) with a stable id, a severity, the subject it is
 * about, when it happened, the counters that prove it, and what to do. The
 * rules read the results of every module below them; nothing below reads
 * findings. */
#ifndef ND_DIAG_H
#define ND_DIAG_H

#include "capture/capture.h"
#include "common/common.h"
#include "apparmor/apparmor.h"
#include "decode/decode.h"
#include "offload/offload.h"
#include "smb/smb.h"
#include "tcp/tcp.h"

enum nd_severity {
	ND_SEV_INFO = 0,
	ND_SEV_WARNING = 1,
	ND_SEV_ERROR = 2,
};

#define ND_FINDING_MAX_EVIDENCE 12

struct nd_evidence {
	const char *name; /* static, snake_case: the JSON key */
	bool is_real;     /* value_real is meaningful instead of value */
	uint64_t value;
	double value_real;
};

struct nd_finding {
	const char *id; /* static, e.g. "tcp.oversized_segments" */
	enum nd_severity severity;
	const char *subject_kind; /* static: "capture", "flow", "share", "interface", "path",
	                             "file", "client" */
	char subject[256];
	nd_ns first_ts, last_ts; /* 0 when not tied to time */
	char summary[512];       /* one sentence: what is wrong */
	char advice[1024];       /* what to do about it */
	size_t n_evidence;
	struct nd_evidence evidence[ND_FINDING_MAX_EVIDENCE];
};

struct nd_findings {
	struct nd_finding *items;
	size_t count, cap;
};

/* Appends a zeroed finding with id, severity and subject kind set, and the
 * subject named after its kind (right for kind "capture"); NULL only
 * when out of memory. */
struct nd_finding *nd_findings_add(struct nd_findings *fs, const char *id, enum nd_severity sev,
                                   const char *subject_kind);
void nd_finding_evidence(struct nd_finding *f, const char *name, uint64_t value);
void nd_finding_evidence_real(struct nd_finding *f, const char *name, double value);

/* Orders findings by severity (highest first), then id, then subject. */
void nd_findings_sort(struct nd_findings *fs);
enum nd_severity nd_findings_max_severity(const struct nd_findings *fs, bool *any);
void nd_findings_free(struct nd_findings *fs);

const char *nd_severity_name(enum nd_severity s);

/* Everything the rules may look at; pointers are read-only. */
struct nd_diag_input {
	const struct nd_capture_summary *capture;
	const struct nd_decode_stats *decode;
	const struct nd_tcp_table *tcp;
	const struct nd_smb *smb; /* may be NULL */
	/* The capture host's interfaces (analyze --iface, capture); may be NULL. */
	const struct nd_offload_set *offload;
	/* AppArmor denials from the journal (analyze --journal-file ...); may be NULL. */
	const struct nd_apparmor_report *apparmor;
};

/* Runs every rule and appends their findings, then sorts. */
void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out);

#endif
