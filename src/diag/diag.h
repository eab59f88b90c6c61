/* SPDX-License-Identifier: MIT */
/* diag: findings, the rules that make them, and the verdict over them.
 *
 * A finding names one problem (or one notable fact) with a stable id from the
 * registry (diag/findings.def), a severity, a role — root cause, symptom or
 * context —, the subject it is about, when it happened, the evidence that
 * proves it (each value with its unit in its name) and what to do. A symptom
 * names the causes that explain it (explained_by); the verdict lists the
 * root causes, most impact first, under a one-sentence headline. The rules
 * read the results of every module below them; nothing below reads
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

enum nd_role {
	ND_ROLE_CAUSE = 0,   /* a root cause an admin can fix */
	ND_ROLE_SYMPTOM = 1, /* what users feel; a cause may explain it */
	ND_ROLE_CONTEXT = 2, /* a fact that qualifies the analysis */
};

/* Every finding id, from the registry. */
enum nd_finding_kind {
#define ND_FINDING(sym, ...) ND_F_##sym,
#include "diag/findings.def"
#undef ND_FINDING
	ND_F_COUNT
};

/* One registry row (diag/findings.def). */
struct nd_finding_def {
	enum nd_finding_kind kind;
	const char *id;           /* "tcp.lso_drop_suspected" */
	enum nd_role role;        /* default role */
	const char *subject_kind; /* default subject kind */
	enum nd_severity severity;
	bool incomplete;           /* it says something could not be checked */
	const char *message_id;    /* journal MESSAGE_ID, 32 hex digits */
	const char *title;         /* catalog subject */
	const char *severity_rule; /* when and how severe, for docs */
	const char *meaning;       /* what it means, for docs */
};

const struct nd_finding_def *nd_finding_def(enum nd_finding_kind kind);
/* NULL for an id the registry does not know. */
const struct nd_finding_def *nd_finding_def_by_id(const char *id);

/* The evidence keys a finding may carry, with their meaning (the registry in
 * diag/evidence.def). Keys carry their unit: _ms, _s, _bytes, _bits_per_s,
 * _percent; counts have none. */
struct nd_evidence_def {
	enum nd_finding_kind kind;
	const char *key;
	const char *meaning;
};
size_t nd_evidence_defs(const struct nd_evidence_def **defs);
bool nd_evidence_known(enum nd_finding_kind kind, const char *key);

const char *nd_severity_name(enum nd_severity s);
const char *nd_role_name(enum nd_role r); /* "cause", "symptom", "context" */

/* ---- findings ---- */

enum nd_evidence_type {
	ND_EV_U64 = 0,
	ND_EV_REAL,
	ND_EV_STR,
	ND_EV_BOOL,
	ND_EV_NULL, /* the value is not known (JSON null) */
};

#define ND_FINDING_MAX_EVIDENCE     16
#define ND_FINDING_MAX_EXPLAINED_BY 4
#define ND_EVIDENCE_STR_MAX         160

struct nd_evidence {
	const char *name; /* static, snake_case with its unit: the JSON key */
	enum nd_evidence_type type;
	uint64_t value;
	double value_real;
	char str[ND_EVIDENCE_STR_MAX];
};

/* What a finding cost the users; ranks the verdict (nd_finding_score). */
struct nd_impact {
	double waited_s;       /* time users waited because of it */
	uint64_t failed_ops;   /* operations that failed */
	uint64_t resent_bytes; /* bytes the network had to carry again */
};

/* What a finding is about, for joining findings with each other; never
 * printed (the subject is the readable name). Unset fields are zero. */
struct nd_scope {
	uint8_t ip_version;
	bool has_client, has_server, has_ports;
	uint8_t client[16], server[16];
	uint16_t client_port, server_port;
	char share[ND_SMB_PATH_MAX]; /* "\\server\share" */
	char iface[32];
	bool network; /* its cost is time on the network (slow SMB operations) */
};

struct nd_finding {
	enum nd_finding_kind kind;
	const char *id; /* the registry's */
	enum nd_severity severity;
	enum nd_role role;
	bool incomplete;          /* something could not be checked */
	const char *subject_kind; /* static: "capture", "flow", "share", "server", "client",
	                             "interface", "path", "profile", "process", "file", ... */
	char subject[256];
	nd_ns first_ts, last_ts; /* 0 when not tied to time */
	char title[200];         /* a short headline: the problem in a few words */
	char summary[1024];      /* what is wrong, with the numbers that show it */
	char fix[512];           /* the first thing to do: a command where there is one */
	char advice[1024];       /* the rest of what to do */
	struct nd_impact impact;
	struct nd_scope scope;
	uint32_t seq;  /* unique within its list (nd_findings_add) */
	char key[300]; /* unique within the report; set by nd_findings_finish */
	size_t n_explained_by;
	uint32_t explained_by[ND_FINDING_MAX_EXPLAINED_BY]; /* seq of the causes */
	size_t n_evidence;
	struct nd_evidence evidence[ND_FINDING_MAX_EVIDENCE];
};

enum nd_verdict_status {
	ND_VERDICT_HEALTHY = 0,
	ND_VERDICT_PROBLEMS,
	ND_VERDICT_INCOMPLETE,
};

#define ND_VERDICT_MAX_LISTED 32

/* The answer first: set by nd_findings_finish. causes and gaps are indices
 * into the (sorted) items. */
struct nd_verdict {
	enum nd_verdict_status status;
	size_t n_causes;                        /* all of them; the list holds the first */
	uint32_t causes[ND_VERDICT_MAX_LISTED]; /* most impact first */
	size_t n_gaps;                          /* findings that say what was not checked */
	uint32_t gaps[ND_VERDICT_MAX_LISTED];
	char headline[640]; /* one sentence */
};

struct nd_findings {
	struct nd_finding *items;
	size_t count, cap;
	uint32_t next_seq;
	bool finished;
	struct nd_verdict verdict; /* valid once finished */
};

/* Appends a finding of this kind with the registry's defaults (severity,
 * role, subject kind, title) and the subject named after its kind (right
 * for kind "capture"); NULL only when out of memory. Rules overwrite what
 * is narrower. */
struct nd_finding *nd_findings_add(struct nd_findings *fs, enum nd_finding_kind kind);
void nd_finding_evidence(struct nd_finding *f, const char *name, uint64_t value);
void nd_finding_evidence_real(struct nd_finding *f, const char *name, double value);
void nd_finding_evidence_str(struct nd_finding *f, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void nd_finding_evidence_bool(struct nd_finding *f, const char *name, bool value);
void nd_finding_evidence_null(struct nd_finding *f, const char *name);
/* Records that cause explains symptom (both in the same list). */
void nd_finding_explain(struct nd_finding *symptom, const struct nd_finding *cause);
const struct nd_finding *nd_findings_by_seq(const struct nd_findings *fs, uint32_t seq);

/* The ranking key: seconds users waited, plus 10 s per failed operation,
 * plus 1 s per 10 MB resent (docs/findings.md, "Ranking"). */
double nd_finding_score(const struct nd_finding *f);

/* Makes keys unique, turns a cause that another cause explains into a
 * symptom, orders the list (root causes by severity and impact, the
 * symptoms, then context) and builds the verdict. healthy_headline is the
 * sentence used when nothing is wrong. Call once, after every rule. */
void nd_findings_finish(struct nd_findings *fs, const char *healthy_headline);

/* Highest severity of the findings that count for the exit status (what
 * could not be checked does not); *any says whether there is one. */
enum nd_severity nd_findings_max_severity(const struct nd_findings *fs, bool *any);
void nd_findings_free(struct nd_findings *fs);

/* ---- rules ---- */

/* Thresholds of the rules; zero fields take the documented defaults. What
 * makes one SMB operation slow is the smb module's (struct nd_smb_config). */
struct nd_diag_config {
	nd_ns slow_min_wait;      /* waiting beyond the expected time for a warning; 1 s */
	double slow_min_fraction; /* slow share of a command's operations for a warning; 0.01 */
};

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
	const struct nd_diag_config *config; /* may be NULL: defaults */
};

/* Runs every rule, joins the findings (which explains which) and finishes
 * the list with its verdict. */
void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out);

#endif
