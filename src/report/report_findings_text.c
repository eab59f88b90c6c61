/* SPDX-License-Identifier: MIT */
/* The answer first: the verdict (status, each root cause with its first
 * fix), then the findings — each cause with the symptoms it explains, then
 * the context — wrapped to the terminal. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"

#define VERDICT_LISTED 3 /* causes in the verdict lines; the findings have all */

static const char *severity_color(enum nd_severity s)
{
	return s == ND_SEV_ERROR ? ND_SGR_RED : s == ND_SEV_WARNING ? ND_SGR_YELLOW : ND_SGR_CYAN;
}

/* ---- evidence: "name value unit" from the key's unit suffix ---- */

static bool suffix(const char *s, const char *suf, size_t *stem)
{
	size_t l = strlen(s), k = strlen(suf);
	if (l <= k || strcmp(s + l - k, suf))
		return false;
	*stem = l - k;
	return true;
}

static void evidence_value(const struct nd_evidence *e, const char *unit, char *buf, size_t n)
{
	double v = e->type == ND_EV_REAL ? e->value_real : (double)e->value;
	if (e->type == ND_EV_NULL)
		snprintf(buf, n, "unknown");
	else if (e->type == ND_EV_STR)
		snprintf(buf, n, "%s", e->str);
	else if (e->type == ND_EV_BOOL)
		snprintf(buf, n, "%s", e->value ? "yes" : "no");
	else if (!strcmp(unit, "bit/s"))
		snprintf(buf, n, "%.1f Mbit/s", v / 1e6);
	else if (!strcmp(unit, "%"))
		snprintf(buf, n, "%.2f%%", v);
	else if (e->type == ND_EV_REAL)
		snprintf(buf, n, "%.*f%s%s", v >= 100 ? 1 : 3, v, unit[0] ? " " : "", unit);
	else
		snprintf(buf, n, "%" PRIu64 "%s%s", e->value, unit[0] ? " " : "", unit);
}

static void evidence_item(const struct nd_evidence *e, char *buf, size_t n)
{
	static const char *const units[][2] = {
	        {"_bits_per_s", "bit/s"},
	        {"_bytes", "bytes"},
	        {"_percent", "%"},
	        {"_ms", "ms"},
	        {"_s", "s"},
	};
	size_t stem = strlen(e->name);
	const char *unit = "";
	for (size_t i = 0; i < ND_ARRAY_LEN(units); i++)
		if (suffix(e->name, units[i][0], &stem)) {
			unit = units[i][1];
			break;
		}
	char label[64], val[ND_EVIDENCE_STR_MAX + 32];
	snprintf(label, sizeof(label), "%.*s", (int)ND_MIN(stem, sizeof(label) - 1), e->name);
	for (char *p = label; *p; p++)
		if (*p == '_')
			*p = ' ';
	evidence_value(e, unit, val, sizeof(val));
	snprintf(buf, n, "%s %s", label, val);
}

static void evidence_lines(struct nd_text_out *o, const struct nd_finding *f)
{
	if (!f->n_evidence)
		return;
	char all[ND_FINDING_MAX_EVIDENCE * 200] = "";
	for (size_t i = 0; i < f->n_evidence; i++) {
		char item[ND_EVIDENCE_STR_MAX + 96];
		evidence_item(&f->evidence[i], item, sizeof(item));
		size_t l = strlen(all);
		snprintf(all + l, sizeof(all) - l, "%s%s", i ? "; " : "", item);
	}
	nd_text_wrap(o, 5, "evidence: ", all);
}

/* ---- one finding ---- */

static void when_line(struct nd_text_out *o, const struct nd_finding *f)
{
	if (!f->first_ts)
		return;
	char t1[64], t2[64], line[200];
	nd_report_time(f->first_ts, t1, sizeof(t1));
	nd_report_time(f->last_ts, t2, sizeof(t2));
	snprintf(line, sizeof(line), "%s .. %s (%.3f s)", t1, t2,
	         f->last_ts > f->first_ts ? nd_ns_to_sec(f->last_ts - f->first_ts) : 0.0);
	nd_text_wrap(o, 5, "when: ", line);
}

static void heading(struct nd_text_out *o, const struct nd_finding *f, const char *note)
{
	char head[512];
	bool same = strcmp(f->subject_kind, f->subject) == 0;
	snprintf(head, sizeof(head), "%s%s%s %s%s%s (%s%s%s)%s",
	         nd_text_sgr(o, severity_color(f->severity)), nd_severity_name(f->severity),
	         nd_text_sgr(o, ND_SGR_RESET), nd_text_sgr(o, ND_SGR_BOLD), f->id,
	         nd_text_sgr(o, ND_SGR_RESET), f->subject_kind, same ? "" : " ",
	         same ? "" : f->subject, note);
	nd_text_wrap(o, 2, "", head);
}

/* Lists the symptoms a cause explains, by id and subject. */
static void explains_lines(struct nd_text_out *o, const struct nd_findings *fs,
                           const struct nd_finding *c)
{
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *s = &fs->items[i];
		for (size_t j = 0; j < s->n_explained_by; j++)
			if (s->explained_by[j] == c->seq) {
				char line[512];
				snprintf(line, sizeof(line), "%s (%s %s): %s", s->id,
				         s->subject_kind, s->subject, s->title);
				nd_text_wrap(o, 5, "explains: ", line);
			}
	}
}

static void cause_note(const struct nd_findings *fs, const struct nd_finding *f, char *buf,
                       size_t n)
{
	buf[0] = 0;
	for (size_t j = 0; j < f->n_explained_by; j++) {
		const struct nd_finding *c = nd_findings_by_seq(fs, f->explained_by[j]);
		if (!c)
			continue;
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", l ? ", " : " — caused by ", c->id);
	}
}

static void finding_block(struct nd_text_out *o, const struct nd_findings *fs,
                          const struct nd_finding *f)
{
	char note[256];
	cause_note(fs, f, note, sizeof(note));
	heading(o, f, note);
	nd_text_wrap(o, 5, "", f->summary);
	when_line(o, f);
	evidence_lines(o, f);
	if (f->n_explained_by)
		return; /* its fix is its cause's */
	if (f->fix[0])
		nd_text_wrap(o, 5, "fix: ", f->fix);
	if (f->advice[0])
		nd_text_wrap(o, 5, f->fix[0] ? "also: " : "fix: ", f->advice);
	explains_lines(o, fs, f);
}

/* Context findings are one line each: the id and the title. */
static void context_line(struct nd_text_out *o, const struct nd_finding *f)
{
	char line[1200];
	snprintf(line, sizeof(line), "%s%s%s: %s%s", nd_text_sgr(o, severity_color(f->severity)),
	         f->id, nd_text_sgr(o, ND_SGR_RESET), f->summary,
	         f->incomplete ? " (not everything could be checked)" : "");
	nd_text_wrap(o, 2, "", line);
}

/* ---- the verdict ---- */

static const char *status_word(enum nd_verdict_status s)
{
	return s == ND_VERDICT_PROBLEMS     ? "PROBLEMS"
	       : s == ND_VERDICT_INCOMPLETE ? "INCOMPLETE"
	                                    : "HEALTHY";
}

static void verdict_block(struct nd_text_out *o, const struct nd_findings *fs)
{
	const struct nd_verdict *v = &fs->verdict;
	const char *color = v->status == ND_VERDICT_PROBLEMS     ? ND_SGR_RED
	                    : v->status == ND_VERDICT_INCOMPLETE ? ND_SGR_YELLOW
	                                                         : "\033[32m";
	char label[64];
	snprintf(label, sizeof(label), "%s%s%s: ", nd_text_sgr(o, color), status_word(v->status),
	         nd_text_sgr(o, ND_SGR_RESET));
	nd_text_section(o, "Verdict");
	if (v->status != ND_VERDICT_PROBLEMS) {
		nd_text_wrap(o, 2, label, v->headline);
		return;
	}
	nd_text_printf(o, "  %s%zu root cause%s\n", label, v->n_causes,
	               v->n_causes == 1 ? "" : "s");
	for (size_t i = 0; i < v->n_causes && i < VERDICT_LISTED; i++) {
		const struct nd_finding *c = &fs->items[v->causes[i]];
		char num[16], line[400];
		snprintf(num, sizeof(num), "%zu. ", i + 1);
		snprintf(line, sizeof(line), "%s [%s]", c->title, c->id);
		line[0] = (char)toupper((unsigned char)line[0]); /* a list item starts a sentence */
		nd_text_wrap(o, 2, num, line);
		if (c->fix[0])
			nd_text_wrap(o, 5, "fix: ", c->fix);
	}
	if (v->n_causes > VERDICT_LISTED)
		nd_text_printf(o, "  ... and %zu more below\n", v->n_causes - VERDICT_LISTED);
}

void nd_report_findings_text(struct nd_text_out *o, const struct nd_findings *fs)
{
	verdict_block(o, fs);
	size_t n_main = 0, n_context = 0;
	for (size_t i = 0; i < fs->count; i++) {
		if (fs->items[i].role == ND_ROLE_CONTEXT)
			n_context++;
		else
			n_main++;
	}
	if (n_main) {
		nd_text_section(o, "Findings");
		for (size_t i = 0; i < fs->count; i++)
			if (fs->items[i].role != ND_ROLE_CONTEXT)
				finding_block(o, fs, &fs->items[i]);
	}
	if (n_context) {
		nd_text_section(o, "Context");
		for (size_t i = 0; i < fs->count; i++)
			if (fs->items[i].role == ND_ROLE_CONTEXT)
				context_line(o, &fs->items[i]);
	}
}
