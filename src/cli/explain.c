/* SPDX-License-Identifier: MIT */
/* netdiag explain [ID]: what a finding means, from the finding registry;
 * --markdown and --catalog print the generated reference and the journal
 * catalog (the committed copies are checked against them). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "diag/diag.h"
#include "report/report.h"

static void explain_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag explain [ID]\n"
	        "       netdiag explain --json | --markdown | --catalog\n"
	        "\n"
	        "Without an ID, lists every finding id; with one, says what it means, when it\n"
	        "is raised and how severe, and the evidence it carries.\n"
	        "\n"
	        "      --json       the registry as JSON\n"
	        "      --markdown   the reference section of docs/findings.md\n"
	        "      --catalog    the journal catalog (catalog/netdiag.catalog)\n"
	        "  -h, --help       show this help\n");
}

static int print_json(void)
{
	json_object *o = nd_report_registry_json();
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	                                               JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return ND_EXIT_OK;
}

int nd_cmd_explain(int argc, char **argv)
{
	enum { OPT_JSON = 1000, OPT_MARKDOWN, OPT_CATALOG };
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, OPT_JSON},
	        {"markdown", no_argument, NULL, OPT_MARKDOWN},
	        {"catalog", no_argument, NULL, OPT_CATALOG},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			return print_json();
		case OPT_MARKDOWN:
			return nd_report_registry_markdown(stdout) ? ND_EXIT_USAGE : ND_EXIT_OK;
		case OPT_CATALOG:
			return nd_report_registry_catalog(stdout) ? ND_EXIT_USAGE : ND_EXIT_OK;
		case 'h':
			explain_usage(stdout);
			return ND_EXIT_OK;
		default:
			explain_usage(stderr);
			return ND_EXIT_USAGE;
		}
	}
	struct nd_cli_output out = {0};
	struct nd_report_options ro = nd_cli_report_options(&out);
	if (optind >= argc)
		return nd_report_registry_list(stdout, &ro) ? ND_EXIT_USAGE : ND_EXIT_OK;
	const struct nd_finding_def *d = nd_finding_def_by_id(argv[optind]);
	if (!d) {
		fprintf(stderr, "netdiag explain: no finding '%s' (netdiag explain lists them)\n",
		        argv[optind]);
		return ND_EXIT_USAGE;
	}
	return nd_report_registry_text(stdout, &ro, d) ? ND_EXIT_USAGE : ND_EXIT_OK;
}
