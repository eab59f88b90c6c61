/* SPDX-License-Identifier: MIT */
/* The findings in the text report. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"

static void section(struct nd_text_out *o, const char *title)
{
	nd_text_printf(o, "\n%s%s%s\n", nd_text_sgr(o, ND_SGR_BOLD), title,
	               nd_text_sgr(o, ND_SGR_RESET));
}

/* Prints text word-wrapped at TEXT_WIDTH under the finding's indent. */
#define TEXT_INDENT 10
#define TEXT_WIDTH  100
static void wrapped(struct nd_text_out *o, const char *label, const char *text)
{
	int col = TEXT_INDENT + (int)strlen(label);
	nd_text_printf(o, "%*s%s", TEXT_INDENT, "", label);
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		int w = (int)strcspn(p, " ");
		if (!w)
			break;
		if (col + w > TEXT_WIDTH && col > TEXT_INDENT + (int)strlen(label)) {
			nd_text_printf(o, "\n%*s", TEXT_INDENT + (int)strlen(label), "");
			col = TEXT_INDENT + (int)strlen(label);
		} else if (col > TEXT_INDENT + (int)strlen(label)) {
			nd_text_printf(o, " ");
			col++;
		}
		nd_text_printf(o, "%.*s", w, p);
		col += w;
		p += w;
	}
	nd_text_printf(o, "\n");
}

static const char *severity_color(enum nd_severity s)
{
	return s == ND_SEV_ERROR ? ND_SGR_RED : s == ND_SEV_WARNING ? ND_SGR_YELLOW : ND_SGR_CYAN;
}

static void finding_block(struct nd_text_out *o, const struct nd_finding *f)
{
	char t1[64], t2[64];
	bool same = strcmp(f->subject_kind, f->subject) == 0;
	nd_text_printf(o, "  %s%-7s%s %s%s%s  [%s%s%s]\n",
	               nd_text_sgr(o, severity_color(f->severity)), nd_severity_name(f->severity),
	               nd_text_sgr(o, ND_SGR_RESET), nd_text_sgr(o, ND_SGR_BOLD), f->id,
	               nd_text_sgr(o, ND_SGR_RESET), f->subject_kind, same ? "" : " ",
	               same ? "" : f->subject);
	wrapped(o, "", f->summary);
	if (f->first_ts)
		nd_text_printf(o, "          when: %s .. %s\n",
		               nd_report_time(f->first_ts, t1, sizeof(t1)),
		               nd_report_time(f->last_ts, t2, sizeof(t2)));
	if (f->n_evidence) {
		nd_text_printf(o, "          evidence:");
		for (size_t i = 0; i < f->n_evidence; i++) {
			const struct nd_evidence *e = &f->evidence[i];
			if (e->is_real)
				nd_text_printf(o, " %s=%.6g", e->name, e->value_real);
			else
				nd_text_printf(o, " %s=%" PRIu64, e->name, e->value);
		}
		nd_text_printf(o, "\n");
	}
	if (f->advice[0])
		wrapped(o, "fix: ", f->advice);
}

void nd_report_findings_text(struct nd_text_out *o, const struct nd_findings *fs)
{
	char title[64];
	snprintf(title, sizeof(title), "Findings (%zu)", fs->count);
	section(o, title);
	if (!fs->count) {
		nd_text_printf(o, "  nothing to report: no problem found\n");
		return;
	}
	for (size_t i = 0; i < fs->count; i++)
		finding_block(o, &fs->items[i]);
}

