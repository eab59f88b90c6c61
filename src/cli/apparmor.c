/* SPDX-License-Identifier: MIT */
/* netdiag apparmor: AppArmor denials from the journal, matched to the Samba
 * shares of smb.conf, with the override that fixes each (docs/apparmor.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apparmor/apparmor.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "diag/rules_apparmor.h"
#include "journal/journal.h"
#include "report/report.h"
#include "report/report_apparmor.h"

struct aa_opts {
	bool follow;
	struct nd_cli_output out;
	struct nd_cli_journal j;
};

static void apparmor_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag apparmor [OPTIONS]\n"
	        "\n"
	        "Reads AppArmor records from the systemd journal (kernel and audit routes, each\n"
	        "denial counted once), matches every denied path to the Samba share that holds\n"
	        "it (smb.conf, its includes, [homes] and usershares) and names the override\n"
	        "rule that fixes it. Also says whether AppArmor is on and which profile confines\n"
	        "each running smbd/samba process.\n"
	        "\n"
	        "Options:\n"
	        "      --json               one JSON document on stdout\n"
	        "                           (schema: docs/apparmor.md)\n"
	        "%s"
	        "%s"
	        "                           (default: the local system journal)\n"
	        "  -f, --follow             keep reading new entries and print each new denial\n"
	        "                           until interrupted, then the report\n"
	        "      --no-confinement     do not query the running processes\n"
	        "  -h, --help               show this help\n"
	        "\n"
	        "%s"
	        "\n"
	        "Exit status: 0 nothing at --fail-on (warning) or above; 1 denials found;\n"
	        "2 usage or input error (a file that is not a journal, an unreadable or broken\n"
	        "smb.conf: the rest is still read and reported).\n",
	        nd_cli_no_color_help, nd_cli_journal_help, nd_cli_text_help);
}

static int parse_args(int argc, char **argv, struct aa_opts *o)
{
	enum { OPT_NO_CONF = 1000 };
	static const struct option longopts[] = {
	        ND_CLI_OUTPUT_LONGOPTS,
	        {"follow", no_argument, NULL, 'f'},
	        {"no-confinement", no_argument, NULL, OPT_NO_CONF},
	        ND_CLI_JOURNAL_LONGOPTS,
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->follow = true;
			break;
		case OPT_NO_CONF:
			o->j.ao.no_confinement = true;
			break;
		case 'h':
			apparmor_usage(stdout);
			return 1;
		default: {
			int r = nd_cli_output_option(c, optarg, &o->out);
			if (r == 0)
				r = nd_cli_journal_option(c, optarg, &o->j, "apparmor");
			if (r > 0)
				break;
			if (r == 0)
				fprintf(stderr,
				        "netdiag apparmor: try 'netdiag apparmor --help'\n");
			return -1;
		}
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netdiag apparmor: unexpected argument '%s' (try --help)\n",
		        argv[optind]);
		return -1;
	}
	if (o->follow && o->j.ao.journal.until) {
		fprintf(stderr, "netdiag apparmor: --follow and --until do not go together\n");
		return -1;
	}
	o->j.ao.journal.from_tail = o->follow && !o->j.ao.journal.since;
	return 0;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Prints each new denial as it arrives; with --json on stderr, since stdout
 * carries only the final document. */
static void follow(struct nd_apparmor_report *r, struct nd_journal *j,
                   const struct nd_cli_output *out)
{
	FILE *f = out->json ? stderr : stdout;
	struct nd_report_options ro = nd_cli_report_options(out);
	if (out->json)
		ro.width = nd_cli_term_width(STDERR_FILENO);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct nd_journal_entry e;
	while (!stop_requested) {
		int rc;
		while (!stop_requested && (rc = nd_journal_next(j, &e)) == 1) {
			long row = nd_apparmor_add_entry(r, &e);
			if (row < 0)
				continue;
			nd_report_apparmor_denial_text(f, &ro, r, &r->denials[row]);
			fflush(f);
		}
		if (stop_requested || nd_journal_wait(j, 500000) < 0)
			break;
	}
}

int nd_cmd_apparmor(int argc, char **argv)
{
	struct aa_opts o = {0};
	int pr = parse_args(argc, argv, &o);
	if (pr)
		return pr > 0 ? ND_EXIT_OK : ND_EXIT_USAGE;
	struct nd_apparmor_report *r = nd_apparmor_new(&o.j.ao);
	struct nd_journal *j = r ? nd_journal_open(&o.j.ao.journal) : NULL;
	if (!r || !j) {
		fprintf(stderr, "netdiag: out of memory\n");
		nd_apparmor_free(r);
		return ND_EXIT_USAGE;
	}
	if (o.follow) {
		if (o.j.ao.journal.since)
			nd_apparmor_read_journal(r, j);
		follow(r, j, &o.out);
	} else {
		nd_apparmor_read_journal(r, j);
	}
	nd_apparmor_take_journal_problems(r, j);
	nd_journal_close(j);
	nd_apparmor_finish(r);
	nd_cli_print_apparmor_problems(r);
	struct nd_findings fs = {0};
	struct nd_diag_input din = {.apparmor = r};
	nd_diag_run(&din, &fs);
	struct nd_report_input in = {.command = "apparmor", .apparmor = r, .findings = &fs};
	struct nd_report_options ro = nd_cli_report_options(&o.out);
	int wr = o.out.json ? nd_report_json(stdout, &in, &ro) : nd_report_text(stdout, &in, &ro);
	int status = nd_cli_exit_status(&o.out, &fs, r->input_error);
	nd_findings_free(&fs);
	nd_apparmor_free(r);
	if (wr) {
		fprintf(stderr, "netdiag: cannot write the report: %s\n", strerror(errno));
		return ND_EXIT_USAGE;
	}
	return status;
}
