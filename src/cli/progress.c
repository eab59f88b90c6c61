/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"

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

static void draw(struct nd_progress *p, uint64_t done, uint64_t t, const char *name)
{
	double secs = (double)(t - p->start_ns) / 1e9;
	double rate = secs > 0 ? (double)done / secs : 0;
	if (!p->total_size) {
		fprintf(stderr, "\r%-24.24s %10.1f MB  %7.1f MB/s ", name, (double)done / 1e6,
		        rate / 1e6);
		return;
	}
	double frac = (double)done / (double)p->total_size;
	if (frac > 1)
		frac = 1;
	int fill = (int)(frac * BAR_WIDTH);
	char bar[BAR_WIDTH + 1];
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR_WIDTH] = 0;
	double eta = rate > 0 ? (double)(p->total_size - done) / rate : 0;
	fprintf(stderr, "\r%-24.24s [%s] %5.1f%%  %7.1f MB/s  ETA %d:%02d ", name, bar, frac * 100,
	        rate / 1e6, (int)eta / 60, (int)eta % 60);
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
