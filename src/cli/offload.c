/* SPDX-License-Identifier: MIT */
/* netdiag offload IFACE... | --all: offload features, MTU and GSO/TSO
 * limits of interfaces (and of a bridge's ports), and the findings about
 * them. Text or one JSON document (docs/offload.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "diag/diag.h"
#include "diag/rules_offload.h"
#include "offload/offload.h"
#include "report/report.h"

struct offload_opts {
	bool all;
	struct nd_cli_output out;
};

static void offload_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag offload [OPTIONS] IFACE...\n"
	        "       netdiag offload [OPTIONS] --all\n"
	        "\n"
	        "Shows each interface's MTU, GSO/GRO/TSO limits and the offload features that\n"
	        "matter (as `ethtool -k` shows them), the same for every port of a bridge, and\n"
	        "the findings: features the kernel keeps off although requested, bridge ports\n"
	        "with different MTUs, LRO on an interface that forwards.\n"
	        "\n"
	        "Options:\n"
	        "      --all                every interface of this network namespace\n"
	        "      --json               one JSON document on stdout, with every feature the\n"
	        "                           kernel reports (schema: docs/offload.md)\n"
	        "%s"
	        "  -h, --help               show this help\n"
	        "\n"
	        "%s"
	        "\n"
	        "Environment: NETDIAG_ETHTOOL_IOCTL=1 reads features with the SIOCETHTOOL ioctl\n"
	        "instead of ethtool netlink (used automatically on kernels before 5.7).\n"
	        "\n"
	        "Exit status: 0 nothing at --fail-on (default warning) or above; 1 findings at\n"
	        "--fail-on or above; 2 usage error, or an interface could not be read (unknown\n"
	        "interface, no permission, netlink error: one line on stderr each; the others\n"
	        "are still reported).\n",
	        nd_cli_no_color_help, nd_cli_text_help);
}

/* 0: run; 1: help shown; -1: usage error. */
static int parse_args(int argc, char **argv, struct offload_opts *o, int *first)
{
	enum { OPT_ALL = 1000 };
	static const struct option longopts[] = {
	        ND_CLI_OUTPUT_LONGOPTS,
	        {"all", no_argument, NULL, OPT_ALL},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALL:
			o->all = true;
			break;
		case 'h':
			offload_usage(stdout);
			return 1;
		default: {
			int r = nd_cli_output_option(c, optarg, &o->out);
			if (r > 0)
				break;
			if (r == 0)
				fprintf(stderr, "netdiag offload: try 'netdiag offload --help'\n");
			return -1;
		}
		}
	}
	if (o->all && optind < argc) {
		fprintf(stderr, "netdiag offload: give interface names or --all, not both\n");
		return -1;
	}
	if (!o->all && optind >= argc) {
		fprintf(stderr, "netdiag offload: no interface given (try --help)\n");
		return -1;
	}
	*first = optind;
	return 0;
}

/* Reads the interfaces asked for; each one that cannot be read gets its
 * line on stderr, and the others are still reported. */
static int read_interfaces(struct nd_offload *reader, const struct offload_opts *o, int argc,
                           char **argv, int first, struct nd_offload_set *set)
{
	char err[256] = "";
	if (o->all) {
		char(*names)[ND_OFFLOAD_IFNAMSIZ] = NULL;
		size_t n = 0;
		if (nd_offload_list(reader, &names, &n, err, sizeof(err)) < 0) {
			fprintf(stderr, "netdiag: %s\n", err);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			nd_offload_set_add(reader, set, names[i], false);
		free(names);
	} else {
		for (int i = first; i < argc; i++)
			nd_offload_set_add(reader, set, argv[i], true);
	}
	for (size_t i = 0; i < set->n_errs; i++)
		fprintf(stderr, "netdiag: %s: %s\n", set->errs[i].name, set->errs[i].msg);
	return 0;
}

int nd_cmd_offload(int argc, char **argv)
{
	struct offload_opts o = {0};
	int first = 0;
	int pr = parse_args(argc, argv, &o, &first);
	if (pr)
		return pr > 0 ? ND_EXIT_OK : ND_EXIT_USAGE;
	struct nd_offload *reader;
	char err[256] = "";
	if (nd_offload_open(&reader, err, sizeof(err)) < 0) {
		fprintf(stderr, "netdiag: %s\n", err[0] ? err : "cannot open netlink");
		return ND_EXIT_USAGE;
	}
	struct nd_offload_set set = {0};
	if (read_interfaces(reader, &o, argc, argv, first, &set)) {
		nd_offload_close(reader);
		return ND_EXIT_USAGE;
	}
	struct nd_findings fs = {0};
	struct nd_diag_input din = {.offload = &set};
	nd_diag_run(&din, &fs);
	struct nd_report_input in = {.command = "offload", .offload = &set, .findings = &fs};
	struct nd_report_options ro = nd_cli_report_options(&o.out);
	int wr = o.out.json ? nd_report_json(stdout, &in, &ro) : nd_report_text(stdout, &in, &ro);
	int status = nd_cli_exit_status(&o.out, &fs, set.n_errs > 0);
	nd_findings_free(&fs);
	nd_offload_set_free(&set);
	nd_offload_close(reader);
	if (wr) {
		fprintf(stderr, "netdiag: cannot write the report: %s\n", strerror(errno));
		return ND_EXIT_USAGE;
	}
	return status;
}
