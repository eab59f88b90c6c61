/* SPDX-License-Identifier: MIT */
/* netdiag analyze FILE...: one streaming pass over every file, in order. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "decode/decode.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

struct analyze_opts {
	struct nd_cli_output out;
	bool quiet;
	const char *ifaces[16];
	size_t n_ifaces;
	struct nd_cli_journal journal;
	struct nd_pipeline_config cfg;
};

static void analyze_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag analyze [OPTIONS] FILE...\n"
	        "\n"
	        "Reads pcap and pcapng captures in the order given ('-' = standard input) in one\n"
	        "streaming pass and reports the capture, its TCP connections and the findings.\n"
	        "\n"
	        "Options:\n"
	        "      --json               one JSON document on stdout (schema: docs/json.md)\n"
	        "%s"
	        "%s"
	        "  -q, --quiet              no progress bar on stderr\n"
	        "      --iface IFACE        the capture host's interface (repeatable): adds its\n"
	        "                           offload settings and MTU (and a bridge's ports) and\n"
	        "                           joins them with the traffic (offload.tso_with_loss)\n"
	        "AppArmor (read only when one of these is given):\n"
	        "%s"
	        "Analysis:\n"
	        "%s"
	        "  -h, --help               show this help\n"
	        "\n"
	        "%s"
	        "\n"
	        "Exit status: 0 analysed, nothing at --fail-on (default warning) or above;\n"
	        "1 findings at --fail-on or above; 2 usage or input error (a missing,\n"
	        "unreadable, damaged or unsupported file: what was read before the damage is\n"
	        "still analysed and reported).\n",
	        nd_cli_no_color_help, nd_cli_brief_help, nd_cli_journal_help, nd_cli_analysis_help,
	        nd_cli_text_help);
}

/* 0: run; 1: help shown; -1: usage error. Sets *first_file. */
static int parse_args(int argc, char **argv, struct analyze_opts *o, int *first_file)
{
	enum { OPT_IFACE = 1000 };
	static const struct option longopts[] = {
	        ND_CLI_OUTPUT_LONGOPTS,
	        ND_CLI_BRIEF_LONGOPT,
	        {"quiet", no_argument, NULL, 'q'},
	        {"iface", required_argument, NULL, OPT_IFACE},
	        ND_CLI_ANALYSIS_LONGOPTS,
	        ND_CLI_JOURNAL_LONGOPTS,
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			o->quiet = true;
			break;
		case OPT_IFACE:
			if (o->n_ifaces == ND_ARRAY_LEN(o->ifaces)) {
				fprintf(stderr, "netdiag analyze: at most %zu --iface\n",
				        ND_ARRAY_LEN(o->ifaces));
				return -1;
			}
			o->ifaces[o->n_ifaces++] = optarg;
			break;
		case 'h':
			analyze_usage(stdout);
			return 1;
		default: {
			int r = nd_cli_output_option(c, optarg, &o->out);
			if (r == 0)
				r = nd_cli_analysis_option(c, optarg, &o->cfg);
			if (r == 0)
				r = nd_cli_journal_option(c, optarg, &o->journal, "analyze");
			if (r > 0)
				break;
			if (r == 0)
				fprintf(stderr, "netdiag analyze: try 'netdiag analyze --help'\n");
			return -1;
		}
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "netdiag analyze: no capture file given (try --help)\n");
		return -1;
	}
	*first_file = optind;
	return 0;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void report_input_error(const struct nd_capture_file_info *fi)
{
	fprintf(stderr, "netdiag: %s: %s\n", fi->path, fi->error);
}

/* Reads one file through the pipeline. Returns false on an input error. */
static bool analyze_file(struct nd_pipeline *p, const char *path, struct nd_progress *prog)
{
	struct nd_capture_reader *r = nd_capture_open_file(&p->capture, path);
	if (!r) {
		if (p->capture.n_files)
			report_input_error(&p->capture.files[p->capture.n_files - 1]);
		else
			fprintf(stderr, "netdiag: %s: out of memory\n", path);
		return false;
	}
	const struct nd_capture_file_info *fi = nd_capture_current(r);
	bool ok = true;
	if (!nd_decode_linktype_supported(fi->linktype)) {
		char msg[128];
		snprintf(msg, sizeof(msg), "unsupported link type %d (%s)", fi->linktype,
		         fi->linktype_name);
		nd_capture_reject(r, ND_CAPTURE_UNSUPPORTED_LINK, msg);
	}
	struct nd_packet pkt;
	int rc;
	uint64_t pos, size;
	while ((rc = nd_capture_next(r, &pkt)) == 1) {
		nd_pipeline_packet(p, &pkt);
		if (prog->enabled && (pkt.frame & 1023) == 0) {
			nd_capture_progress(r, &pos, &size);
			nd_progress_update(prog, pos, base_name(path));
		}
	}
	if (rc < 0 || fi->status != ND_CAPTURE_OK) {
		nd_progress_clear(prog);
		report_input_error(fi);
		ok = false;
	}
	nd_capture_progress(r, &pos, &size);
	nd_progress_file_done(prog, size ? size : pos);
	nd_capture_close(r);
	return ok;
}

int nd_cmd_analyze(int argc, char **argv)
{
	struct analyze_opts o = {0};
	int first;
	int pr = parse_args(argc, argv, &o, &first);
	if (pr)
		return pr > 0 ? ND_EXIT_OK : ND_EXIT_USAGE;
	struct nd_pipeline p;
	if (nd_pipeline_init(&p, &o.cfg)) {
		fprintf(stderr, "netdiag: out of memory for %u flows (lower --max-flows)\n",
		        o.cfg.tcp.max_flows);
		return ND_EXIT_USAGE;
	}
	uint64_t total = 0;
	for (int i = first; i < argc; i++)
		total += file_size(argv[i]);
	struct nd_progress prog;
	nd_progress_init(&prog, !o.quiet && isatty(STDERR_FILENO), total);
	bool input_error = false;
	for (int i = first; i < argc; i++)
		if (!analyze_file(&p, argv[i], &prog))
			input_error = true;
	nd_progress_clear(&prog);
	struct nd_offload_set offload = {0};
	for (size_t i = 0; i < o.n_ifaces; i++)
		if (nd_cli_read_offload(o.ifaces[i], &offload))
			input_error = true;
	if (o.n_ifaces)
		p.offload = &offload;
	struct nd_apparmor_report *aa = o.journal.given ? nd_apparmor_collect(&o.journal.ao) : NULL;
	if (aa && nd_cli_print_apparmor_problems(aa))
		input_error = true;
	p.apparmor = aa;
	nd_pipeline_finish(&p);
	struct nd_report_input in = {
	        .command = "analyze",
	        .capture = &p.capture,
	        .decode = &p.decode,
	        .tcp = p.tcp,
	        .smb = p.smb,
	        .offload = p.offload,
	        .apparmor = aa,
	        .findings = &p.findings,
	};
	struct nd_report_options ro = nd_cli_report_options(&o.out);
	int wr = o.out.json ? nd_report_json(stdout, &in, &ro) : nd_report_text(stdout, &in, &ro);
	int status = nd_cli_exit_status(&o.out, &p.findings, input_error);
	nd_pipeline_free(&p);
	nd_offload_set_free(&offload);
	nd_apparmor_free(aa);
	if (wr) {
		fprintf(stderr, "netdiag: cannot write the report: %s\n", strerror(errno));
		return ND_EXIT_USAGE;
	}
	return status;
}
