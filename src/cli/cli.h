/* SPDX-License-Identifier: MIT */
/* cli: the netdiag command line. Each subcommand is one entry point. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses, documented in --help and the README. */
enum {
	ND_EXIT_OK = 0,       /* analysed, nothing at warning or above */
	ND_EXIT_FINDINGS = 1, /* findings at warning or above */
	ND_EXIT_USAGE = 2,    /* usage or input error */
};

int nd_cmd_analyze(int argc, char **argv);
int nd_cmd_apparmor(int argc, char **argv);
int nd_cmd_offload(int argc, char **argv);
int nd_cmd_capture(int argc, char **argv);
int nd_cmd_daemon(int argc, char **argv);
int nd_cmd_explain(int argc, char **argv);

/* Progress bar on stderr (only when it is a terminal). */
struct nd_progress {
	bool enabled;
	uint64_t last_draw_ns;
	uint64_t start_ns;
	uint64_t bytes_done_before; /* bytes of earlier files */
	uint64_t total_size;        /* sum of known file sizes, 0 if unknown */
};
void nd_progress_init(struct nd_progress *p, bool enabled, uint64_t total_size);
void nd_progress_update(struct nd_progress *p, uint64_t pos_in_file, const char *name);
void nd_progress_file_done(struct nd_progress *p, uint64_t file_size);
void nd_progress_clear(struct nd_progress *p);
/* Redraws the one-line status on stderr (a terminal) with text, cut to the
 * terminal's width less one column: a line that reached the last column
 * would wrap, and the next redraw would leave the old one behind. */
void nd_status_draw(const char *text);

#endif
