/* SPDX-License-Identifier: MIT */
/* Text layout shared by every text renderer: UTF-8 widths, word wrap, tables
 * that fit the terminal, numbers with units. Contracts in report_internal.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/report_internal.h"

/* ---- UTF-8 ---- */

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Length of a valid UTF-8 sequence at s, or 0 when it is not one. Overlong
 * forms and surrogates are invalid, as in RFC 3629. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n = c < 0x80                 ? 1
	           : c >= 0xC2 && c <= 0xDF ? 2
	           : c >= 0xE0 && c <= 0xEF ? 3
	           : c >= 0xF0 && c <= 0xF4 ? 4
	                                    : 0;
	for (size_t i = 1; i < n; i++)
		if (!is_cont(s[i]))
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return n;
}

/* Rewrites s in place so that it is safe on a terminal: control characters
 * (C0, DEL and C1 — a terminal may act on them: names in a capture come
 * from the network) and bytes that are not UTF-8 become '?', tabs a space.
 * Keeps '\n' when keep_newline. Never longer than the input. */
static void clean_text(char *s, bool keep_newline)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	while (*r) {
		size_t n = utf8_seq(r);
		bool c1 = n == 2 && r[0] == 0xC2 && r[1] < 0xA0;
		if (n == 1 && *r == '\t') {
			*w++ = ' ';
		} else if (n == 1 && (*r == '\n' ? !keep_newline : *r < 0x20 || *r == 0x7F)) {
			*w++ = '?';
		} else if (!n || c1) {
			*w++ = '?';
			n = c1 ? 2 : 1;
		} else {
			memmove(w, r, n);
			w += n;
		}
		r += n;
	}
	*w = 0;
}

/* Columns of the first len bytes of a clean string. */
static int width_n(const char *s, size_t len)
{
	int w = 0;
	for (size_t i = 0; i < len; i++)
		w += !is_cont((unsigned char)s[i]);
	return w;
}

int nd_text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (p[0] == 0x1B && p[1] == '[') {
			p += 2;
			while (*p && !(*p >= 0x40 && *p <= 0x7E))
				p++;
			if (!*p)
				break;
			continue;
		}
		w += !is_cont(*p);
	}
	return w;
}

/* Bytes of the first cols characters of a clean string. */
static size_t prefix_bytes(const char *s, int cols)
{
	size_t i = 0;
	for (int c = 0; s[i] && c < cols; c++)
		for (i++; is_cont((unsigned char)s[i]); i++)
			;
	return i;
}

/* ---- output ---- */

struct nd_text_out nd_text_out_make(FILE *f, const struct nd_report_options *opt)
{
	int w = opt && opt->width ? opt->width : ND_TEXT_DEFAULT_WIDTH;
	return (struct nd_text_out){
	        .f = f,
	        .color = opt && opt->color,
	        .width = w < ND_TEXT_MIN_WIDTH ? ND_TEXT_MIN_WIDTH : w,
	};
}

void nd_text_printf(struct nd_text_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vfprintf(o->f, fmt, ap) < 0)
		o->err = -1;
	va_end(ap);
}

void nd_text_section(struct nd_text_out *o, const char *title)
{
	nd_text_printf(o, "\n%s%s%s\n", nd_text_sgr(o, ND_SGR_BOLD), title,
	               nd_text_sgr(o, ND_SGR_RESET));
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* ---- word wrap ---- */

struct wrap {
	struct nd_text_out *o;
	int col, hang;
	bool empty;  /* nothing printed on this line after its indent and label */
	bool inside; /* in a `code span` too long for one line, broken at its spaces */
};

static void wrap_newline(struct wrap *w)
{
	nd_text_printf(w->o, "\n%*s", w->hang, "");
	w->col = w->hang;
	w->empty = true;
}

/* Bytes of the next piece that stays on one line: a word, or a `code span`
 * with its spaces when it fits in maxw columns (else up to its first space).
 * Inside a span already broken up, every space is a break. */
static size_t token_len(const char *p, int maxw, bool inside)
{
	size_t n = 0, first_space = 0;
	bool code = inside;
	for (; p[n] && p[n] != '\n'; n++) {
		if (p[n] == '`')
			code = !code;
		else if (p[n] == ' ' && (!code || inside))
			break;
		else if (p[n] == ' ' && !first_space)
			first_space = n;
	}
	if (first_space && (code || width_n(p, n) > maxw))
		return first_space;
	return n;
}

/* Whether a span is open after the piece: an odd number of backticks flips. */
static bool inside_after(bool inside, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		inside ^= p[i] == '`';
	return inside;
}

/* Prints a piece of tw columns, cutting it at line ends when it is longer
 * than the room left on a fresh line. */
static void wrap_put(struct wrap *w, const char *p, size_t len, int tw)
{
	int width = w->o->width;
	if (w->empty && w->col > w->hang && tw > width - w->col && tw <= width - w->hang)
		wrap_newline(w);
	while (tw > width - w->col) {
		int fit = width - w->col;
		if (fit > 0) {
			size_t b = prefix_bytes(p, fit);
			nd_text_printf(w->o, "%.*s", (int)b, p);
			p += b;
			len -= b;
			tw -= fit;
		}
		wrap_newline(w);
	}
	nd_text_printf(w->o, "%.*s", (int)len, p);
	w->col += tw;
	w->empty = false;
}

static void wrap_text(struct wrap *w, const char *p)
{
	int width = w->o->width;
	while (*p) {
		size_t sp = strspn(p, " ");
		const char *q = p + sp;
		if (*q == '\n') {
			wrap_newline(w);
			p = q + 1;
			continue;
		}
		if (!*q)
			break;
		size_t len = token_len(q, width - w->hang, w->inside);
		int tw = width_n(q, len);
		if (!w->empty && w->col + (int)sp + tw > width) {
			wrap_newline(w);
		} else if (!w->empty) {
			nd_text_printf(w->o, "%.*s", (int)sp, p);
			w->col += (int)sp;
		}
		wrap_put(w, q, len, tw);
		w->inside = inside_after(w->inside, q, len);
		p = q + len;
	}
}

void nd_text_wrap_hang(struct nd_text_out *o, int indent, int hang, const char *label,
                       const char *text)
{
	/* a hanging indent past the middle would leave too little room */
	int max_hang = o->width / 2;
	struct wrap w = {.o = o, .hang = hang < max_hang ? hang : max_hang, .empty = true};
	w.col = indent + nd_text_width(label);
	nd_text_printf(o, "%*s%s", indent, "", label);
	char *clean = strdup(text);
	if (!clean) {
		o->err = -1;
		nd_text_printf(o, "\n");
		return;
	}
	clean_text(clean, true);
	wrap_text(&w, clean);
	free(clean);
	nd_text_printf(o, "\n");
}

void nd_text_wrap(struct nd_text_out *o, int indent, const char *label, const char *text)
{
	nd_text_wrap_hang(o, indent, indent + nd_text_width(label), label, text);
}

void nd_text_wrapf(struct nd_text_out *o, int indent, const char *label, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (!s) {
		o->err = -1;
		return;
	}
	nd_text_wrap(o, indent, label, s);
	free(s);
}

/* ---- numbers with units ---- */

const char *nd_text_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	double v = (double)b;
	unsigned u = 0;
	while (v >= 1000.0 && u + 1 < ND_ARRAY_LEN(units)) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)b);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *nd_text_duration(nd_ns t, char *buf, size_t len)
{
	double ms = t > 0 ? nd_ns_to_ms(t) : 0.0;
	if (ms < 1.0)
		snprintf(buf, len, "%.3f ms", ms);
	else if (ms < 10.0)
		snprintf(buf, len, "%.2f ms", ms);
	else if (ms < 1000.0)
		snprintf(buf, len, "%.1f ms", ms);
	else if (ms < 60000.0)
		snprintf(buf, len, "%.2f s", ms / 1000.0);
	else
		snprintf(buf, len, "%.0f s", ms / 1000.0);
	return buf;
}

const char *nd_text_bitrate(double bytes_per_s, char *buf, size_t len)
{
	double bits = bytes_per_s * 8.0;
	if (bits < 1e6)
		snprintf(buf, len, "%.0f kbit/s", bits / 1e3);
	else if (bits < 1e9)
		snprintf(buf, len, "%.1f Mbit/s", bits / 1e6);
	else
		snprintf(buf, len, "%.2f Gbit/s", bits / 1e9);
	return buf;
}

/* ---- tables ---- */

#define TABLE_MAX_COLS 16

struct nd_text_table {
	int indent, gap;
	const struct nd_text_col *cols;
	size_t ncols;
	char **cells; /* row after row */
	size_t n, cap;
	bool oom;
};

/* Where the columns go: shown or left out, and at which width. */
struct table_fit {
	int nat[TABLE_MAX_COLS]; /* widest cell or title */
	int min[TABLE_MAX_COLS]; /* narrowest it may be cut to */
	int w[TABLE_MAX_COLS];
	bool shown[TABLE_MAX_COLS];
	bool dropped_any;
};

struct nd_text_table *nd_text_table_new(int indent, int gap, const struct nd_text_col *cols,
                                        size_t n)
{
	if (!n || n > TABLE_MAX_COLS)
		return NULL;
	struct nd_text_table *t = calloc(1, sizeof(*t));
	if (t)
		*t = (struct nd_text_table){.indent = indent, .gap = gap, .cols = cols, .ncols = n};
	return t;
}

void nd_text_table_cell(struct nd_text_table *t, const char *fmt, ...)
{
	if (!t || t->oom)
		return;
	char **cells = nd_array_grow(t->cells, &t->cap, t->n, sizeof(*cells), 8 * t->ncols);
	va_list ap;
	va_start(ap, fmt);
	char *s = cells ? vformat(fmt, ap) : NULL;
	va_end(ap);
	if (cells)
		t->cells = cells;
	if (!s) {
		t->oom = true;
		return;
	}
	clean_text(s, false);
	t->cells[t->n++] = s;
}

static const char *cell_at(const struct nd_text_table *t, size_t row, size_t c)
{
	size_t i = row * t->ncols + c;
	return i < t->n ? t->cells[i] : "";
}

static size_t table_rows(const struct nd_text_table *t)
{
	return (t->n + t->ncols - 1) / t->ncols;
}

static int fit_total(const struct nd_text_table *t, const struct table_fit *f, const int *w)
{
	int total = t->indent, shown = 0;
	for (size_t c = 0; c < t->ncols; c++)
		if (f->shown[c]) {
			total += w[c];
			shown++;
		}
	return total + (shown > 1 ? (shown - 1) * t->gap : 0);
}

static void fit_measure(const struct nd_text_table *t, struct table_fit *f)
{
	for (size_t c = 0; c < t->ncols; c++) {
		int w = nd_text_width(t->cols[c].title);
		for (size_t r = 0; r < table_rows(t); r++) {
			int cw = nd_text_width(cell_at(t, r, c));
			w = cw > w ? cw : w;
		}
		int min = t->cols[c].min;
		f->nat[c] = w;
		f->min[c] = min > 0 && min < w ? min : w;
		f->shown[c] = true;
	}
}

/* Leaves out the column with the lowest priority (the rightmost of equals);
 * false when every column left is kept. */
static bool fit_drop_one(const struct nd_text_table *t, struct table_fit *f)
{
	int best = -1;
	for (size_t c = 0; c < t->ncols; c++) {
		int p = t->cols[c].priority;
		if (f->shown[c] && p < ND_TEXT_KEEP && (best < 0 || p <= t->cols[best].priority))
			best = (int)c;
	}
	if (best < 0)
		return false;
	f->shown[best] = false;
	f->dropped_any = true;
	return true;
}

/* Narrows the widest shown column that is above floor[c] by one until the
 * table fits; false when none can give more. */
static bool fit_shrink(const struct nd_text_table *t, struct table_fit *f, int width,
                       const int *floor)
{
	while (fit_total(t, f, f->w) > width) {
		int widest = -1;
		for (size_t c = 0; c < t->ncols; c++)
			if (f->shown[c] && f->w[c] > floor[c] &&
			    (widest < 0 || f->w[c] > f->w[widest]))
				widest = (int)c;
		if (widest < 0)
			return false;
		f->w[widest]--;
	}
	return true;
}

/* The rightmost shown column; -1 when none is. */
static int last_shown(const struct nd_text_table *t, const struct table_fit *f)
{
	int c = (int)t->ncols - 1;
	while (c >= 0 && !f->shown[c])
		c--;
	return c;
}

static void table_fit(const struct nd_text_table *t, int width, struct table_fit *f)
{
	*f = (struct table_fit){0};
	fit_measure(t, f);
	while (fit_total(t, f, f->min) > width && fit_drop_one(t, f))
		;
	memcpy(f->w, f->nat, sizeof(f->w));
	if (fit_shrink(t, f, width, f->min))
		return;
	/* even the kept columns at their min are too wide: cut any column */
	static const int one[TABLE_MAX_COLS] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	while (!fit_shrink(t, f, width, one)) {
		/* and when not even one column each fits: the rightmost go */
		int last = last_shown(t, f);
		if (last <= 0)
			return;
		f->shown[last] = false;
		f->dropped_any = true;
	}
}

/* A line being built; every cell is at most w columns of 4-byte characters. */
struct line {
	char *s;
	size_t n, cap;
};

static void line_put(struct line *l, const char *p, size_t len)
{
	if (l->n + len < l->cap) {
		memcpy(l->s + l->n, p, len);
		l->n += len;
	}
}

static void line_pad(struct line *l, int n)
{
	for (int i = 0; i < n; i++)
		line_put(l, " ", 1);
}

/* A cell in w columns: aligned, or cut in the middle when longer (the start
 * and the end of a path or name tell the most). */
static void line_cell(struct line *l, const char *s, int w, enum nd_text_align a, bool last)
{
	int sw = nd_text_width(s);
	if (sw <= w) {
		if (a == ND_TEXT_RIGHT)
			line_pad(l, w - sw);
		line_put(l, s, strlen(s));
		if (a == ND_TEXT_LEFT && !last)
			line_pad(l, w - sw);
		return;
	}
	int cut = (int)strlen(ND_TEXT_CUT);
	if (w < cut + 2) {
		line_put(l, s, prefix_bytes(s, w));
		return;
	}
	int head = (w - cut) / 2, tail = w - cut - head;
	line_put(l, s, prefix_bytes(s, head));
	line_put(l, ND_TEXT_CUT, (size_t)cut);
	const char *end = s + prefix_bytes(s, sw - tail);
	line_put(l, end, strlen(end));
}

static void print_row(struct nd_text_out *o, const struct nd_text_table *t,
                      const struct table_fit *f, struct line *l, size_t row)
{
	l->n = 0;
	line_pad(l, t->indent);
	int last = last_shown(t, f);
	bool first = true;
	for (int c = 0; c <= last; c++) {
		if (!f->shown[c])
			continue;
		if (!first)
			line_pad(l, t->gap);
		first = false;
		const char *s = row == SIZE_MAX ? t->cols[c].title : cell_at(t, row, c);
		line_cell(l, s, f->w[c], t->cols[c].align, c == last);
	}
	while (l->n && l->s[l->n - 1] == ' ')
		l->n--;
	nd_text_printf(o, "%.*s\n", (int)l->n, l->s);
}

/* "(narrow terminal: P99 ms, MAX ms left out; --json has them)" */
static void print_left_out(struct nd_text_out *o, const struct nd_text_table *t,
                           const struct table_fit *f)
{
	char names[512] = "";
	size_t n = 0;
	for (size_t c = 0; c < t->ncols; c++)
		if (!f->shown[c] && n < sizeof(names))
			n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", n ? ", " : "",
			                      t->cols[c].title);
	nd_text_wrapf(o, t->indent, "", "(narrow terminal: %s left out; --json has %s)", names,
	              n && strchr(names, ',') ? "them" : "it");
}

static void table_free(struct nd_text_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void nd_text_table_end(struct nd_text_out *o, struct nd_text_table *t)
{
	if (!t || t->oom) {
		o->err = -1;
		if (t)
			table_free(t);
		return;
	}
	struct table_fit f;
	struct line l = {.cap = (size_t)o->width * 4 + 1};
	l.s = t->n ? malloc(l.cap) : NULL;
	if (t->n && !l.s)
		o->err = -1;
	if (l.s) {
		table_fit(t, o->width, &f);
		print_row(o, t, &f, &l, SIZE_MAX);
		for (size_t r = 0; r < table_rows(t); r++)
			print_row(o, t, &f, &l, r);
		if (f.dropped_any)
			print_left_out(o, t, &f);
	}
	free(l.s);
	table_free(t);
}
