/* SPDX-License-Identifier: MIT */
/* Private to cli/: options every analysing subcommand shares. */
#ifndef ND_CLI_OPTIONS_H
#define ND_CLI_OPTIONS_H

#include <getopt.h>
#include <stdint.h>

#include "offload/offload.h"
#include "pipeline/pipeline.h"

enum {
	ND_OPT_MAX_FLOWS = 1100,
	ND_OPT_IDLE,
	ND_OPT_REPORT_FLOWS,
	ND_OPT_MTU,
	ND_OPT_STORM,
};

/* Entries for a getopt_long option table. */
#define ND_CLI_ANALYSIS_LONGOPTS                                                                   \
	{"max-flows", required_argument, NULL, ND_OPT_MAX_FLOWS},                                  \
	        {"idle-timeout", required_argument, NULL, ND_OPT_IDLE},                            \
	        {"report-flows", required_argument, NULL, ND_OPT_REPORT_FLOWS},                    \
	        {"mtu", required_argument, NULL, ND_OPT_MTU},                                      \
	{                                                                                          \
		"storm", required_argument, NULL, ND_OPT_STORM                                     \
	}

/* The help lines for those options. */
extern const char nd_cli_analysis_help[];

/* 1: c was an analysis option and is applied; 0: not one; -1: bad value
 * (a message was printed). */
int nd_cli_analysis_option(int c, const char *arg, struct nd_pipeline_config *cfg);

/* Reads IFACE's offload state (and each port when it is a bridge) into set
 * for a report; prints one line per interface that cannot be read. Returns
 * -1 when IFACE itself could not be read. */
int nd_cli_read_offload(const char *iface, struct nd_offload_set *set);

/* A number >= min; prints a message naming opt and returns -1 otherwise. */
int nd_cli_parse_u32(const char *s, const char *opt, uint32_t min, uint32_t *out);

#endif
