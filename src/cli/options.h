/* SPDX-License-Identifier: MIT */
/* Private to cli/: options every analysing subcommand shares. */
#ifndef ND_CLI_OPTIONS_H
#define ND_CLI_OPTIONS_H

#include <getopt.h>
#include <stdint.h>

#include "apparmor/apparmor.h"
#include "offload/offload.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

enum {
	ND_OPT_MAX_FLOWS = 1100,
	ND_OPT_IDLE,
	ND_OPT_REPORT_FLOWS,
	ND_OPT_MTU,
	ND_OPT_STORM,
	ND_OPT_SLOW_IO_BASE,
	ND_OPT_SLOW_IO_RATE,
	ND_OPT_SLOW_METADATA,
	ND_OPT_SLOW_CONNECT,
	ND_OPT_SLOW_MIN_WAIT,
};

/* Where AppArmor records come from, shared by `apparmor` and `analyze`. */
#define ND_CLI_MAX_SOURCES 64
enum {
	ND_OPT_JOURNAL_FILE = 1200,
	ND_OPT_JOURNAL_DIR,
	ND_OPT_SINCE,
	ND_OPT_UNTIL,
	ND_OPT_SMB_CONF,
	ND_OPT_PASSWD,
};
struct nd_cli_journal {
	const char *files[ND_CLI_MAX_SOURCES];
	size_t n_files;
	const char *dirs[ND_CLI_MAX_SOURCES];
	size_t n_dirs;
	bool given; /* a journal or smb.conf option was used */
	struct nd_apparmor_options ao;
};
#define ND_CLI_JOURNAL_LONGOPTS                                                                    \
	{"journal-file", required_argument, NULL, ND_OPT_JOURNAL_FILE},                            \
	        {"journal-dir", required_argument, NULL, ND_OPT_JOURNAL_DIR},                      \
	        {"since", required_argument, NULL, ND_OPT_SINCE},                                  \
	        {"until", required_argument, NULL, ND_OPT_UNTIL},                                  \
	        {"smb-conf", required_argument, NULL, ND_OPT_SMB_CONF},                            \
	{                                                                                          \
		"passwd-file", required_argument, NULL, ND_OPT_PASSWD                              \
	}
extern const char nd_cli_journal_help[];
/* Like nd_cli_analysis_option, for the options above (cmd names the
 * subcommand in messages). Fills j->ao.journal's file and dir lists. */
int nd_cli_journal_option(int c, const char *arg, struct nd_cli_journal *j, const char *cmd);
/* Prints the problems of a collected report (files that are not journals,
 * broken smb.conf lines, skipped records) one line each; true when one is
 * an input error (exit status 2). */
bool nd_cli_print_apparmor_problems(const struct nd_apparmor_report *r);

/* How the report is written, shared by analyze, capture, offload and
 * apparmor: --json and --no-color (every one), --brief (analyze, capture). */
enum {
	ND_OPT_JSON = 1300,
	ND_OPT_NO_COLOR,
	ND_OPT_BRIEF,
	ND_OPT_FAIL_ON,
};
/* --fail-on: the least severe finding that makes the exit status 1. */
enum nd_cli_fail_on {
	ND_FAIL_ON_WARNING = 0, /* the default */
	ND_FAIL_ON_ERROR,
	ND_FAIL_ON_NEVER,
};
struct nd_cli_output {
	bool json, no_color, brief;
	enum nd_cli_fail_on fail_on;
};
#define ND_CLI_OUTPUT_LONGOPTS                                                                     \
	{"json", no_argument, NULL, ND_OPT_JSON},                                                  \
	        {"no-color", no_argument, NULL, ND_OPT_NO_COLOR},                                  \
	{                                                                                          \
		"fail-on", required_argument, NULL, ND_OPT_FAIL_ON                                 \
	}
#define ND_CLI_BRIEF_LONGOPT                                                                       \
	{                                                                                          \
		"brief", no_argument, NULL, ND_OPT_BRIEF                                           \
	}
/* Help lines: --no-color and --fail-on; --brief; the sentence on the text width and
 * colour for the end of a usage text. */
extern const char nd_cli_no_color_help[];
extern const char nd_cli_brief_help[];
extern const char nd_cli_text_help[];
/* 1: c was an output option and is applied; 0: not one; -1: bad value (a
 * message was printed). */
int nd_cli_output_option(int c, const char *arg, struct nd_cli_output *out);
/* The exit status (cli.h): 2 on an input error, else 1 when a finding is at
 * or above --fail-on (what could not be checked does not count), else 0. */
int nd_cli_exit_status(const struct nd_cli_output *out, const struct nd_findings *fs,
                       bool input_error);
/* The report options for stdout: colour unless --json, --no-color, NO_COLOR
 * set and not empty (https://no-color.org) or stdout is not a terminal;
 * the width of nd_cli_term_width(STDOUT_FILENO); --brief. */
struct nd_report_options nd_cli_report_options(const struct nd_cli_output *out);
/* Columns of text lines written to fd: $COLUMNS when it is a number >= 40,
 * else the terminal's width when fd is a terminal, else 100. */
int nd_cli_term_width(int fd);

/* Entries for a getopt_long option table. */
#define ND_CLI_ANALYSIS_LONGOPTS                                                                   \
	{"max-flows", required_argument, NULL, ND_OPT_MAX_FLOWS},                                  \
	        {"idle-timeout", required_argument, NULL, ND_OPT_IDLE},                            \
	        {"report-flows", required_argument, NULL, ND_OPT_REPORT_FLOWS},                    \
	        {"mtu", required_argument, NULL, ND_OPT_MTU},                                      \
	        {"storm", required_argument, NULL, ND_OPT_STORM},                                  \
	        {"slow-io-base", required_argument, NULL, ND_OPT_SLOW_IO_BASE},                    \
	        {"slow-io-rate", required_argument, NULL, ND_OPT_SLOW_IO_RATE},                    \
	        {"slow-metadata", required_argument, NULL, ND_OPT_SLOW_METADATA},                  \
	        {"slow-connect", required_argument, NULL, ND_OPT_SLOW_CONNECT},                    \
	{                                                                                          \
		"slow-min-wait", required_argument, NULL, ND_OPT_SLOW_MIN_WAIT                     \
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
