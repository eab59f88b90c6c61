/* SPDX-License-Identifier: MIT */
/* report: renders the results of a run as aligned text or as one JSON
 * document (schema in docs/json.md). It only reads. */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include <json-c/json.h>
#include <stdio.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "apparmor/apparmor.h"
#include "diag/diag.h"
#include "offload/offload.h"
#include "smb/smb.h"
#include "tcp/tcp.h"

struct nd_report_input {
	const char *command; /* "analyze", "capture", ... */
	const struct nd_capture_summary *capture;
	const struct nd_decode_stats *decode;
	const struct nd_tcp_table *tcp;
	const struct nd_smb *smb; /* may be NULL */
	/* Capture, decode and tcp are all set or all NULL (a host-only report). */
	const struct nd_offload_set *offload;      /* may be NULL */
	const struct nd_apparmor_report *apparmor; /* may be NULL */
	const struct nd_findings *findings;
};

struct nd_report_options {
	bool color;    /* ANSI colour in text output */
	bool one_line; /* JSON on a single line (one document per line) */
	/* Text: columns every line fits in (the terminal's width); 0 means 100,
	 * less than 40 counts as 40. */
	int width;
	/* Text: only the header and the findings (with the verdict), without the
	 * capture, TCP, SMB, offload and AppArmor sections. */
	bool brief;
};

/* 0 on success, -1 on a write error. */
int nd_report_text(FILE *out, const struct nd_report_input *in,
                   const struct nd_report_options *opt);
int nd_report_json(FILE *out, const struct nd_report_input *in,
                   const struct nd_report_options *opt);

/* One finding as JSON: the same shape in every report, the daemon's findings
 * file included (docs/json.md, "findings"). fs resolves explained_by. */
json_object *nd_report_finding_json(const struct nd_findings *fs, const struct nd_finding *f);
json_object *nd_report_findings_json(const struct nd_findings *fs);
/* {"status", "headline", "causes": [keys], "incomplete": [keys]}. */
json_object *nd_report_verdict_json(const struct nd_findings *fs);

/* The finding registry for people and tools (report_registry.c): the
 * reference section of docs/findings.md, the journal catalog, one finding
 * and the list of ids as text fitted to opt's width, and all of it as JSON.
 * 0 or -1 on a write error. */
int nd_report_registry_markdown(FILE *out);
int nd_report_registry_catalog(FILE *out);
int nd_report_registry_text(FILE *out, const struct nd_report_options *opt,
                            const struct nd_finding_def *def);
int nd_report_registry_list(FILE *out, const struct nd_report_options *opt);
json_object *nd_report_registry_json(void);

/* "2026-11-23T17:52:02.123456Z" (UTC, microseconds); "" for 0. */
const char *nd_report_time(nd_ns t, char *buf, size_t len);

#endif
