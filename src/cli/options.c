/* SPDX-License-Identifier: MIT */
/* Options shared by every subcommand that runs the analysis pipeline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "journal/journal.h"

const char nd_cli_analysis_help[] =
        "      --max-flows N        TCP connections tracked at once (default 65536);\n"
        "                           beyond it the least recently active is retired early\n"
        "      --idle-timeout S     retire a connection after S seconds of capture time\n"
        "                           without packets (default 600)\n"
        "      --report-flows N     connections listed in the report, worst first\n"
        "                           (default 100)\n"
        "      --mtu N              MTU whose MSS judges oversized TCP segments when the\n"
        "                           handshake was not captured (default 1500)\n"
        "      --storm N            duplicate ACKs in a row that count as a storm\n"
        "                           (default 10)\n"
        "When an SMB operation is slow (docs/smb.md, \"Slow operations\"):\n"
        "      --slow-io-base MS    READ/WRITE may take MS plus their size at\n"
        "      --slow-io-rate MB    MB megabytes per second (defaults 20 ms, 10 MB/s)\n"
        "      --slow-metadata MS   CREATE, QUERY_INFO, ... above MS (default 200)\n"
        "      --slow-connect MS    NEGOTIATE, SESSION_SETUP, TREE_CONNECT (default 1000)\n"
        "      --slow-min-wait MS   slow operations are a warning once users waited MS\n"
        "                           beyond the expected time in all (default 1000)\n";

int nd_cli_parse_u32(const char *s, const char *opt, uint32_t min, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < min || v > UINT32_MAX) {
		fprintf(stderr, "netdiag: %s: expected a number >= %u, got '%s'\n", opt, min, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* A time in whole milliseconds >= 1 into nanoseconds; 1 or -1 as below. */
static int parse_ms(const char *arg, const char *opt, nd_ns *out)
{
	uint32_t v;
	if (nd_cli_parse_u32(arg, opt, 1, &v))
		return -1;
	*out = (nd_ns)v * ND_NS_PER_MS;
	return 1;
}

int nd_cli_analysis_option(int c, const char *arg, struct nd_pipeline_config *cfg)
{
	uint32_t v;
	switch (c) {
	case ND_OPT_MAX_FLOWS:
		return nd_cli_parse_u32(arg, "--max-flows", 1, &cfg->tcp.max_flows) ? -1 : 1;
	case ND_OPT_IDLE:
		if (nd_cli_parse_u32(arg, "--idle-timeout", 1, &v))
			return -1;
		cfg->tcp.idle_timeout = (nd_ns)v * ND_NS_PER_SEC;
		return 1;
	case ND_OPT_REPORT_FLOWS:
		return nd_cli_parse_u32(arg, "--report-flows", 1, &cfg->tcp.max_report_flows) ? -1
		                                                                              : 1;
	case ND_OPT_MTU:
		return nd_cli_parse_u32(arg, "--mtu", 68, &cfg->tcp.mtu) ? -1 : 1;
	case ND_OPT_STORM:
		return nd_cli_parse_u32(arg, "--storm", 2, &cfg->tcp.dup_ack_storm) ? -1 : 1;
	case ND_OPT_SLOW_IO_BASE:
		return parse_ms(arg, "--slow-io-base", &cfg->smb.slow_io_base);
	case ND_OPT_SLOW_IO_RATE:
		if (nd_cli_parse_u32(arg, "--slow-io-rate", 1, &v))
			return -1;
		cfg->smb.slow_io_rate = (uint64_t)v * 1000000u;
		return 1;
	case ND_OPT_SLOW_METADATA:
		return parse_ms(arg, "--slow-metadata", &cfg->smb.slow_metadata);
	case ND_OPT_SLOW_CONNECT:
		return parse_ms(arg, "--slow-connect", &cfg->smb.slow_connect);
	case ND_OPT_SLOW_MIN_WAIT:
		return parse_ms(arg, "--slow-min-wait", &cfg->diag.slow_min_wait);
	default:
		return 0;
	}
}

int nd_cli_read_offload(const char *iface, struct nd_offload_set *set)
{
	struct nd_offload *reader;
	char err[256] = "";
	if (nd_offload_open(&reader, err, sizeof(err)) < 0) {
		fprintf(stderr, "netdiag: %s: %s\n", iface, err[0] ? err : "cannot open netlink");
		return -1;
	}
	size_t before = set->n_errs;
	int rc = nd_offload_set_add(reader, set, iface, true);
	for (size_t i = before; i < set->n_errs; i++)
		fprintf(stderr, "netdiag: %s: %s\n", set->errs[i].name, set->errs[i].msg);
	nd_offload_close(reader);
	return rc;
}

const char nd_cli_journal_help[] =
        "      --journal-file F     read the saved journal file F (repeatable)\n"
        "      --journal-dir D      read the journal files in D (repeatable)\n"
        "      --since T            only entries at or after T; T is\n"
        "                           \"YYYY-MM-DD [HH:MM[:SS]]\" (local time, or ...Z for\n"
        "                           UTC), @SECONDS, -1h, -30m, today, yesterday\n"
        "      --until T            only entries at or before T\n"
        "      --smb-conf F         smb.conf to match denials to shares (default\n"
        "                           /etc/samba/smb.conf)\n"
        "      --passwd-file F      home directories for [homes] from F instead of the\n"
        "                           passwd database\n";

static int journal_time(const char *arg, const char *opt, const char *cmd, nd_ns *out)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	nd_ns tnow = (nd_ns)now.tv_sec * ND_NS_PER_SEC + now.tv_nsec;
	if (nd_journal_parse_time(arg, tnow, out) == 0)
		return 0;
	fprintf(stderr, "netdiag %s: %s: cannot read the time '%s'\n", cmd, opt, arg);
	return -1;
}

int nd_cli_journal_option(int c, const char *arg, struct nd_cli_journal *j, const char *cmd)
{
	switch (c) {
	case ND_OPT_JOURNAL_FILE:
	case ND_OPT_JOURNAL_DIR: {
		bool file = c == ND_OPT_JOURNAL_FILE;
		size_t *n = file ? &j->n_files : &j->n_dirs;
		if (*n >= ND_CLI_MAX_SOURCES) {
			fprintf(stderr, "netdiag %s: at most %d journal files and %d directories\n",
			        cmd, ND_CLI_MAX_SOURCES, ND_CLI_MAX_SOURCES);
			return -1;
		}
		(file ? j->files : j->dirs)[(*n)++] = arg;
		j->ao.journal.files = j->files;
		j->ao.journal.n_files = j->n_files;
		j->ao.journal.dirs = j->dirs;
		j->ao.journal.n_dirs = j->n_dirs;
		break;
	}
	case ND_OPT_SINCE:
		if (journal_time(arg, "--since", cmd, &j->ao.journal.since))
			return -1;
		break;
	case ND_OPT_UNTIL:
		if (journal_time(arg, "--until", cmd, &j->ao.journal.until))
			return -1;
		break;
	case ND_OPT_SMB_CONF:
		j->ao.smb_conf = arg;
		break;
	case ND_OPT_PASSWD:
		j->ao.passwd_file = arg;
		break;
	default:
		return 0;
	}
	j->given = true;
	return 1;
}

bool nd_cli_print_apparmor_problems(const struct nd_apparmor_report *r)
{
	for (size_t i = 0; i < r->n_problems; i++) {
		const struct nd_aa_problem *p = &r->problems[i];
		if (!p->input_error && strncmp(p->message, "include file", 12))
			continue;
		if (p->line)
			fprintf(stderr, "netdiag: %s:%ld: %s\n", p->source, p->line, p->message);
		else
			fprintf(stderr, "netdiag: %s: %s\n", p->source, p->message);
	}
	if (r->skipped)
		fprintf(stderr,
		        "netdiag: %llu AppArmor record%s could not be parsed and %s skipped\n",
		        (unsigned long long)r->skipped, r->skipped == 1 ? "" : "s",
		        r->skipped == 1 ? "was" : "were");
	return r->input_error;
}

const char nd_cli_no_color_help[] =
        "      --no-color           no colour in the text report (default: colour on a\n"
        "                           terminal unless NO_COLOR is set)\n"
        "      --fail-on LEVEL      exit 1 on a finding at LEVEL or above: warning\n"
        "                           (default), error, or never\n";
const char nd_cli_brief_help[] =
        "      --brief              text report: only the findings and the verdict\n";
const char nd_cli_text_help[] =
        "Text lines fit $COLUMNS (a number >= 40), else the terminal's width, else 100\n"
        "columns; tables leave out their least important columns first (--json has all).\n";

static int parse_fail_on(const char *arg, enum nd_cli_fail_on *out)
{
	static const char *const names[] = {
	        [ND_FAIL_ON_WARNING] = "warning",
	        [ND_FAIL_ON_ERROR] = "error",
	        [ND_FAIL_ON_NEVER] = "never",
	};
	for (size_t i = 0; i < ND_ARRAY_LEN(names); i++)
		if (!strcmp(arg, names[i])) {
			*out = (enum nd_cli_fail_on)i;
			return 1;
		}
	fprintf(stderr, "netdiag: --fail-on: expected warning, error or never, got '%s'\n", arg);
	return -1;
}

int nd_cli_exit_status(const struct nd_cli_output *out, const struct nd_findings *fs,
                       bool input_error)
{
	if (input_error)
		return ND_EXIT_USAGE;
	bool any;
	enum nd_severity max = nd_findings_max_severity(fs, &any);
	if (!any || out->fail_on == ND_FAIL_ON_NEVER)
		return ND_EXIT_OK;
	enum nd_severity least = out->fail_on == ND_FAIL_ON_ERROR ? ND_SEV_ERROR : ND_SEV_WARNING;
	return max >= least ? ND_EXIT_FINDINGS : ND_EXIT_OK;
}

int nd_cli_output_option(int c, const char *arg, struct nd_cli_output *out)
{
	switch (c) {
	case ND_OPT_FAIL_ON:
		return parse_fail_on(arg, &out->fail_on);
	case ND_OPT_JSON:
		out->json = true;
		return 1;
	case ND_OPT_NO_COLOR:
		out->no_color = true;
		return 1;
	case ND_OPT_BRIEF:
		out->brief = true;
		return 1;
	default:
		return 0;
	}
}

int nd_cli_term_width(int fd)
{
	const char *env = getenv("COLUMNS");
	if (env && *env) {
		char *end;
		errno = 0;
		long v = strtol(env, &end, 10);
		if (!errno && !*end && v >= 40 && v <= 100000)
			return (int)v;
	}
	struct winsize ws;
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

struct nd_report_options nd_cli_report_options(const struct nd_cli_output *out)
{
	const char *no_color = getenv("NO_COLOR");
	bool env_off = no_color && *no_color;
	return (struct nd_report_options){
	        .color = !out->json && !out->no_color && !env_off && isatty(STDOUT_FILENO),
	        .width = nd_cli_term_width(STDOUT_FILENO),
	        .brief = out->brief,
	};
}
