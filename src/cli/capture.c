/* SPDX-License-Identifier: MIT */
/* netdiag capture IFACE: a live capture fed through the same pipeline as
 * `analyze`, ending in the same report. Reports cover windows: the whole
 * capture, or --interval seconds each. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

#define SMB_FILTER "tcp port 445 or tcp port 139"

struct capture_opts {
	const char *iface;
	const char *filter;
	bool smb, quiet;
	struct nd_cli_output out;
	struct nd_capture_live_opts live;
	bool no_promisc;
	uint32_t duration_s, count, interval_s;
	const char *write_path;
	uint32_t rotate_mb, rotate_count;
	const char *user;
	struct nd_pipeline_config cfg;
};

struct capture_run {
	struct capture_opts *o;
	struct nd_capture_summary live; /* the interface's cumulative entry */
	struct nd_capture_reader *r;
	struct nd_capture_writer *w;
	struct nd_pipeline p;          /* the current report window */
	struct nd_offload_set offload; /* IFACE (and a bridge's ports), read at start */
	struct nd_capture_file_info win_start;
	nd_ns win_first, win_last;
	uint64_t seen;
	bool write_failed;
	size_t last_findings;
	bool have_findings;
	uint64_t status_ops_last;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void capture_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag capture [OPTIONS] IFACE\n"
	        "\n"
	        "Captures live on IFACE ('any' for all interfaces) and analyses as it goes; ends\n"
	        "with the full report on --duration, --count, Ctrl-C or SIGTERM.\n"
	        "\n"
	        "Capture:\n"
	        "      --smb                only SMB: filter '" SMB_FILTER "'\n"
	        "      --filter EXPR        BPF filter (and-ed with --smb when both are given)\n"
	        "      --snaplen N          bytes kept of each packet (default 262144)\n"
	        "      --buffer MB          kernel capture buffer (default 64)\n"
	        "      --promisc            promiscuous mode (default off; on for a bridge,\n"
	        "                           which sees forwarded traffic only that way)\n"
	        "      --no-promisc         never promiscuous, not even on a bridge\n"
	        "      --no-busy-poll       always sleep between packets, even while the\n"
	        "                           buffer fills within 50 ms (fewer CPU cycles,\n"
	        "                           more drops under load)\n"
	        "      --duration S         stop after S seconds\n"
	        "      --count N            stop after N packets\n"
	        "      --interval S         a report every S seconds, each over its own window\n"
	        "                           (with --json: one JSON document per line)\n"
	        "  -w, --write FILE         also save the packets (pcapng if FILE ends in\n"
	        "                           .pcapng, else pcap)\n"
	        "      --rotate-size MB     start a new file past MB megabytes (FILE.N.ext)\n"
	        "      --rotate-count N     keep N files, overwriting the oldest (like\n"
	        "                           tcpdump -W)\n"
	        "      --user NAME          drop root privileges to NAME once the capture is open\n"
	        "Report:\n"
	        "      --json               JSON report on stdout (schema: docs/json.md)\n"
	        "%s"
	        "%s"
	        "  -q, --quiet              no live status line on stderr\n"
	        "%s"
	        "  -h, --help               show this help\n"
	        "\n"
	        "%s"
	        "\n"
	        "Needs the CAP_NET_RAW capability (root). Exit status: 0 nothing at --fail-on\n"
	        "(default warning) or above; 1 findings at --fail-on or above; 2 usage error or\n"
	        "the capture failed (what was captured before is still reported).\n",
	        nd_cli_no_color_help, nd_cli_brief_help, nd_cli_analysis_help, nd_cli_text_help);
}

enum {
	OPT_SMB = 1000,
	OPT_FILTER,
	OPT_SNAPLEN,
	OPT_BUFFER,
	OPT_PROMISC,
	OPT_NO_PROMISC,
	OPT_NO_BUSY_POLL,
	OPT_DURATION,
	OPT_COUNT,
	OPT_INTERVAL,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_COUNT,
	OPT_USER,
};

static int capture_option(int c, const char *arg, struct capture_opts *o)
{
	switch (c) {
	case OPT_SMB:
		o->smb = true;
		return 0;
	case OPT_FILTER:
		o->filter = arg;
		return 0;
	case OPT_SNAPLEN:
		return nd_cli_parse_u32(arg, "--snaplen", 0, &o->live.snaplen);
	case OPT_BUFFER:
		return nd_cli_parse_u32(arg, "--buffer", 1, &o->live.buffer_mb);
	case OPT_PROMISC:
		o->live.promisc = true;
		return 0;
	case OPT_NO_PROMISC:
		o->no_promisc = true;
		return 0;
	case OPT_NO_BUSY_POLL:
		o->live.no_busy_poll = true;
		return 0;
	case OPT_DURATION:
		return nd_cli_parse_u32(arg, "--duration", 1, &o->duration_s);
	case OPT_COUNT:
		return nd_cli_parse_u32(arg, "--count", 1, &o->count);
	case OPT_INTERVAL:
		return nd_cli_parse_u32(arg, "--interval", 1, &o->interval_s);
	case 'w':
		o->write_path = arg;
		return 0;
	case OPT_ROTATE_SIZE:
		return nd_cli_parse_u32(arg, "--rotate-size", 1, &o->rotate_mb);
	case OPT_ROTATE_COUNT:
		return nd_cli_parse_u32(arg, "--rotate-count", 1, &o->rotate_count);
	case OPT_USER:
		o->user = arg;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	default: {
		int r = nd_cli_output_option(c, arg, &o->out);
		if (r == 0)
			r = nd_cli_analysis_option(c, arg, &o->cfg);
		if (r == 0)
			fprintf(stderr, "netdiag capture: try 'netdiag capture --help'\n");
		return r > 0 ? 0 : -1;
	}
	}
}

/* 0: run; 1: help shown; -1: usage error. */
static int parse_args(int argc, char **argv, struct capture_opts *o)
{
	static const struct option longopts[] = {
	        {"smb", no_argument, NULL, OPT_SMB},
	        {"filter", required_argument, NULL, OPT_FILTER},
	        {"snaplen", required_argument, NULL, OPT_SNAPLEN},
	        {"buffer", required_argument, NULL, OPT_BUFFER},
	        {"promisc", no_argument, NULL, OPT_PROMISC},
	        {"no-promisc", no_argument, NULL, OPT_NO_PROMISC},
	        {"no-busy-poll", no_argument, NULL, OPT_NO_BUSY_POLL},
	        {"duration", required_argument, NULL, OPT_DURATION},
	        {"count", required_argument, NULL, OPT_COUNT},
	        {"interval", required_argument, NULL, OPT_INTERVAL},
	        {"write", required_argument, NULL, 'w'},
	        {"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
	        {"rotate-count", required_argument, NULL, OPT_ROTATE_COUNT},
	        {"user", required_argument, NULL, OPT_USER},
	        ND_CLI_OUTPUT_LONGOPTS,
	        ND_CLI_BRIEF_LONGOPT,
	        {"quiet", no_argument, NULL, 'q'},
	        ND_CLI_ANALYSIS_LONGOPTS,
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "w:qh", longopts, NULL)) != -1) {
		if (c == 'h') {
			capture_usage(stdout);
			return 1;
		}
		if (c == '?' || capture_option(c, optarg, o))
			return -1;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "netdiag capture: give exactly one interface (try --help)\n");
		return -1;
	}
	o->iface = argv[optind];
	if ((o->rotate_mb || o->rotate_count) && !o->write_path) {
		fprintf(stderr, "netdiag capture: --rotate-size/--rotate-count need -w FILE\n");
		return -1;
	}
	if (o->rotate_count && !o->rotate_mb) {
		fprintf(stderr, "netdiag capture: --rotate-count needs --rotate-size\n");
		return -1;
	}
	return 0;
}

static nd_ns now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (nd_ns)ts.tv_sec * ND_NS_PER_SEC + ts.tv_nsec;
}

/* Switches to NAME like tcpdump -Z: groups first, then the user id. */
static int drop_privileges(const char *name)
{
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		fprintf(stderr, "netdiag: --user %s: no such user\n", name);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		fprintf(stderr, "netdiag: --user %s: cannot switch to it: %s\n", name,
		        strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "netdiag: --user %s: root privileges could be regained\n", name);
		return -1;
	}
	return 0;
}

static void on_packet(void *ctx, const struct nd_packet *pkt)
{
	struct capture_run *run = ctx;
	if (run->o->count && run->seen >= run->o->count)
		return;
	run->seen++;
	if (!run->win_first)
		run->win_first = pkt->ts;
	run->win_last = pkt->ts;
	if (run->w && !run->write_failed) {
		char err[512];
		if (nd_capture_writer_write(run->w, pkt, err, sizeof(err))) {
			fprintf(stderr,
			        "\r\033[Knetdiag: %s (no longer saving; analysis goes on)\n", err);
			run->write_failed = true;
		}
	}
	nd_pipeline_packet(&run->p, pkt);
}

/* The interface's counters over the current window. */
static void window_entry(const struct capture_run *run, struct nd_capture_file_info *e)
{
	nd_capture_info_since(&run->live.files[0], &run->win_start, e);
	e->first_ts = run->win_first;
	e->last_ts = run->win_last;
}

static int window_report(struct capture_run *run)
{
	struct nd_capture_file_info e;
	nd_capture_refresh_stats(run->r);
	window_entry(run, &e);
	if (nd_capture_summary_add(&run->p.capture, &e))
		return -1;
	run->p.offload = run->offload.n ? &run->offload : NULL;
	nd_pipeline_finish(&run->p);
	struct nd_report_input in = {
	        .command = "capture",
	        .capture = &run->p.capture,
	        .decode = &run->p.decode,
	        .tcp = run->p.tcp,
	        .smb = run->p.smb,
	        .offload = run->p.offload,
	        .findings = &run->p.findings,
	};
	struct nd_report_options ro = nd_cli_report_options(&run->o->out);
	ro.one_line = run->o->interval_s > 0;
	int rc = run->o->out.json ? nd_report_json(stdout, &in, &ro)
	                          : nd_report_text(stdout, &in, &ro);
	fflush(stdout);
	run->last_findings = run->p.findings.count;
	run->have_findings = true;
	return rc;
}

/* Ends the current window with its report and starts the next one. */
static int window_next(struct capture_run *run, bool last, int *status)
{
	if (window_report(run))
		return -1;
	if (*status == ND_EXIT_OK)
		*status = nd_cli_exit_status(&run->o->out, &run->p.findings, false);
	nd_pipeline_free(&run->p);
	if (last)
		return 0;
	run->win_start = run->live.files[0];
	run->win_first = run->win_last = 0;
	return nd_pipeline_init(&run->p, &run->o->cfg);
}

#define STATUS_PART 48

/* Joins the parts with two spaces, in order, as long as they fit the
 * terminal: the first ones matter most. */
static void join_fitting(char *line, size_t len, char (*part)[STATUS_PART], size_t n_parts)
{
	size_t n = 0, room = (size_t)nd_cli_term_width(STDERR_FILENO) - 1;
	line[0] = 0;
	for (size_t i = 0; i < n_parts; i++) {
		size_t need = strlen(part[i]) + (n ? 2 : 0);
		if (n + need > room || n + need >= len)
			break;
		n += (size_t)snprintf(line + n, len - n, "%s%s", n ? "  " : "", part[i]);
	}
}

static void status_line(struct capture_run *run, nd_ns elapsed)
{
	const struct nd_capture_file_info *f = &run->live.files[0];
	const struct nd_smb_results *sr = nd_smb_get_results(run->p.smb);
	uint64_t ops = 0;
	for (int i = 0; i < ND_SMB_NCMD; i++)
		ops += sr->cmd[i].lat.count;
	uint64_t rate = ops - run->status_ops_last;
	run->status_ops_last = ops;
	nd_ns p99 = nd_hist_quantile(&sr->cmd[ND_SMB_WRITE].lat, 0.99);
	char findings[32] = "-";
	if (run->have_findings)
		snprintf(findings, sizeof(findings), "%zu", run->last_findings);
	/* most telling first: what does not fit the terminal is left out */
	char part[8][STATUS_PART];
	snprintf(part[0], sizeof(part[0]), "%.32s %.0fs", f->path, nd_ns_to_sec(elapsed));
	snprintf(part[1], sizeof(part[1]), "drops %llu",
	         (unsigned long long)(f->drops_kernel + f->drops_if));
	snprintf(part[2], sizeof(part[2]), "WRITE p99 %.1f ms", nd_ns_to_ms(p99));
	snprintf(part[3], sizeof(part[3]), "findings %s", findings);
	snprintf(part[4], sizeof(part[4]), "SMB %llu ops/s", (unsigned long long)rate);
	snprintf(part[5], sizeof(part[5]), "%llu pkts", (unsigned long long)f->packets);
	snprintf(part[6], sizeof(part[6]), "%.1f MB", (double)f->wire_bytes / 1e6);
	snprintf(part[7], sizeof(part[7]), "flows %u", nd_tcp_active_flows(run->p.tcp));
	char line[512];
	join_fitting(line, sizeof(line), part, ND_ARRAY_LEN(part));
	nd_status_draw(line);
}

static void install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Polls and dispatches until a stop condition; returns false when the
 * capture itself failed (interface down or gone). */
static bool capture_loop(struct capture_run *run, int *status)
{
	const struct capture_opts *o = run->o;
	bool tty = !o->quiet && isatty(STDERR_FILENO);
	nd_ns start = now_ns(), next_status = start + ND_NS_PER_SEC;
	nd_ns next_window = o->interval_s ? start + (nd_ns)o->interval_s * ND_NS_PER_SEC : 0;
	nd_ns end = o->duration_s ? start + (nd_ns)o->duration_s * ND_NS_PER_SEC : 0;
	while (!stop_requested) {
		if (nd_capture_wait(run->r, 200) < 0)
			break;
		if (nd_capture_dispatch(run->r, on_packet, run) < 0)
			return false;
		nd_ns now = now_ns();
		if (o->count && run->seen >= o->count)
			break;
		if (end && now >= end)
			break;
		if (tty && now >= next_status) {
			nd_capture_refresh_stats(run->r);
			status_line(run, now - start);
			next_status = now + ND_NS_PER_SEC;
		}
		if (next_window && now >= next_window) {
			if (tty)
				fprintf(stderr, "\r\033[K");
			if (window_next(run, false, status))
				return false;
			next_window += (nd_ns)o->interval_s * ND_NS_PER_SEC;
		}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	return true;
}

static char *build_filter(const struct capture_opts *o)
{
	if (!o->smb)
		return o->filter ? strdup(o->filter) : NULL;
	if (!o->filter)
		return strdup(SMB_FILTER);
	size_t n = strlen(o->filter) + sizeof(SMB_FILTER) + 16;
	char *f = malloc(n);
	if (f)
		snprintf(f, n, "(%s) and (" SMB_FILTER ")", o->filter);
	return f;
}

static int open_writer(struct capture_run *run)
{
	const struct capture_opts *o = run->o;
	if (!o->write_path)
		return 0;
	const struct nd_capture_file_info *f = &run->live.files[0];
	struct nd_capture_writer_opts wo = {
	        .path = o->write_path,
	        .rotate_bytes = (uint64_t)o->rotate_mb * 1000000u,
	        .rotate_count = o->rotate_count,
	};
	char err[512];
	run->w = nd_capture_writer_open(&wo, f->linktype, f->snaplen, f->path, err, sizeof(err));
	if (!run->w)
		fprintf(stderr, "netdiag: %s\n", err);
	return run->w ? 0 : -1;
}

/* A Linux bridge hands its packet sockets only the frames addressed to the
 * host unless it is promiscuous; the frames it forwards between ports — the
 * traffic one usually means by "capture on br0" — need promiscuous mode. */
static bool is_bridge(const char *iface)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/class/net/%.64s/bridge", iface);
	return access(path, F_OK) == 0;
}

static int start_capture(struct capture_run *run)
{
	bool bridge_promisc =
	        !run->o->live.promisc && !run->o->no_promisc && is_bridge(run->o->iface);
	if (bridge_promisc)
		run->o->live.promisc = true;
	char *filter = build_filter(run->o);
	run->o->live.iface = run->o->iface;
	run->o->live.filter = filter;
	run->r = nd_capture_open_live(&run->live, &run->o->live);
	free(filter);
	if (!run->r) {
		if (run->live.n_files)
			fprintf(stderr, "netdiag: %s: %s\n", run->o->iface,
			        run->live.files[0].error);
		return -1;
	}
	if (bridge_promisc && !run->o->quiet)
		fprintf(stderr,
		        "netdiag: %s is a bridge: capturing in promiscuous mode to see the traffic "
		        "it forwards (--no-promisc to keep it off)\n",
		        run->o->iface);
	/* The interface's offload settings go into every report; one netlink
	 * cannot describe ("any") is left out and the capture goes on. */
	if (strcmp(run->o->iface, "any") != 0)
		nd_cli_read_offload(run->o->iface, &run->offload);
	if (run->o->user && drop_privileges(run->o->user))
		return -1;
	if (open_writer(run))
		return -1;
	run->win_start = run->live.files[0];
	return nd_pipeline_init(&run->p, &run->o->cfg);
}

int nd_cmd_capture(int argc, char **argv)
{
	struct capture_opts o = {0};
	int pr = parse_args(argc, argv, &o);
	if (pr)
		return pr > 0 ? ND_EXIT_OK : ND_EXIT_USAGE;
	struct capture_run run = {.o = &o};
	int status = ND_EXIT_OK;
	if (start_capture(&run)) {
		if (run.r)
			nd_capture_close(run.r);
		nd_capture_writer_close(run.w, NULL);
		nd_pipeline_free(&run.p);
		nd_offload_set_free(&run.offload);
		nd_capture_summary_free(&run.live);
		return ND_EXIT_USAGE;
	}
	install_signals();
	bool ok = capture_loop(&run, &status);
	nd_capture_refresh_stats(run.r);
	if (!ok)
		fprintf(stderr, "netdiag: %s: %s\n", o.iface, run.live.files[0].error);
	nd_capture_writer_close(run.w, &run.live.files[0]);
	if (window_next(&run, true, &status))
		status = ND_EXIT_USAGE;
	nd_capture_close(run.r);
	nd_offload_set_free(&run.offload);
	nd_capture_summary_free(&run.live);
	return ok ? status : ND_EXIT_USAGE;
}
