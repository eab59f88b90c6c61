/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"

#define REDRAW_NS 200000000ull
#define BAR_WIDTH 30

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void nd_progress_init(struct nd_progress *p, bool enabled, uint64_t total_size)
{
	*p = (struct nd_progress){.enabled = enabled, .total_size = total_size};
	p->start_ns = now_ns();
}

void nd_status_draw(const char *text)
{
	int room = nd_cli_term_width(STDERR_FILENO) - 1, cols = 0;
	size_t n = 0;
	/* whole UTF-8 characters only (the name is a file's) */
	for (; text[n]; n++) {
		if ((text[n] & 0xC0) == 0x80)
			continue;
		if (cols == room)
			break;
		cols++;
	}
	fprintf(stderr, "\r%.*s\033[K", (int)n, text);
}

static void draw(struct nd_progress *p, uint64_t done, uint64_t t, const char *name)
{
	double secs = (double)(t - p->start_ns) / 1e9;
	double rate = secs > 0 ? (double)done / secs : 0;
	char line[256];
	if (!p->total_size) {
		snprintf(line, sizeof(line), "%-24.24s %10.1f MB  %7.1f MB/s", name,
		         (double)done / 1e6, rate / 1e6);
		nd_status_draw(line);
		return;
	}
	double frac = (double)done / (double)p->total_size;
	if (frac > 1)
		frac = 1;
	/* the bar takes what the name, percentage, rate and ETA (59 columns) leave */
	int bar_w = nd_cli_term_width(STDERR_FILENO) - 1 - 59;
	bar_w = bar_w > BAR_WIDTH ? BAR_WIDTH : bar_w < 0 ? 0 : bar_w;
	int fill = (int)(frac * bar_w);
	char bar[BAR_WIDTH + 1];
	for (int i = 0; i < bar_w; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[bar_w] = 0;
	double eta = rate > 0 ? (double)(p->total_size - done) / rate : 0;
	snprintf(line, sizeof(line), "%-24.24s %s%s%s%5.1f%%  %7.1f MB/s  ETA %d:%02d", name,
	         bar_w ? "[" : "", bar, bar_w ? "] " : "", frac * 100, rate / 1e6, (int)eta / 60,
	         (int)eta % 60);
	nd_status_draw(line);
}

void nd_progress_update(struct nd_progress *p, uint64_t pos_in_file, const char *name)
{
	if (!p->enabled)
		return;
	uint64_t t = now_ns();
	if (t - p->last_draw_ns < REDRAW_NS)
		return;
	p->last_draw_ns = t;
	draw(p, p->bytes_done_before + pos_in_file, t, name);
}

void nd_progress_file_done(struct nd_progress *p, uint64_t file_size)
{
	p->bytes_done_before += file_size;
}

void nd_progress_clear(struct nd_progress *p)
{
	if (p->enabled && p->last_draw_ns)
		fprintf(stderr, "\r\033[K");
}
