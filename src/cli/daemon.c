/* SPDX-License-Identifier: MIT */
/* netdiag daemon: the systemd service (docs/service.md, netdiag-daemon(8)). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "daemon/daemon.h"

static void daemon_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag daemon [OPTIONS]\n"
	        "\n"
	        "Runs as a systemd service (Type=notify): follows the journal for AppArmor\n"
	        "denials and Samba error messages, optionally captures SMB traffic on the\n"
	        "configured interfaces and analyses it in windows, and reports findings to the\n"
	        "journal (MESSAGE_ID per finding, see journalctl -x) and metrics to a textfile\n"
	        "for node_exporter. SIGHUP reloads the configuration; SIGTERM stops.\n"
	        "\n"
	        "Options (each overrides the configuration file's key of the same name):\n"
	        "  -c, --config FILE        configuration (default " ND_DAEMON_DEFAULT_CONFIG ")\n"
	        "      --journal-dir DIR    follow journal files in DIR, not the system journal\n"
	        "      --state-dir DIR      where the journal cursor is kept\n"
	        "                           (default $STATE_DIRECTORY)\n"
	        "      --metrics-file FILE  Prometheus textfile to write\n"
	        "      --smb-conf FILE      smb.conf to match denials to shares\n"
	        "      --findings-file FILE also append findings as JSON lines to FILE\n"
	        "      --capture IFACE      capture SMB traffic on IFACE (repeatable)\n"
	        "      --window S           capture analysis window (default %d s)\n"
	        "      --rate-limit S       one entry per finding and subject per S seconds\n"
	        "                           (default %d)\n"
	        "      --no-journal-send    do not write findings to the journal\n"
	        "      --check-config       read the configuration, report errors and exit\n"
	        "  -h, --help               show this help\n"
	        "\n"
	        "Exit status: 0 stopped cleanly (or the configuration is valid); 1 could not\n"
	        "start (bad configuration, no journal ...); 2 usage error.\n",
	        ND_DAEMON_DEFAULT_WINDOW, ND_DAEMON_DEFAULT_RATE_LIMIT);
}

#define MAX_OVERRIDES 64

int nd_cmd_daemon(int argc, char **argv)
{
	enum {
		OPT_JDIR = 1000,
		OPT_STATE,
		OPT_METRICS,
		OPT_SMBCONF,
		OPT_FINDINGS,
		OPT_CAPTURE,
		OPT_WINDOW,
		OPT_RATE,
		OPT_NO_SEND,
		OPT_CHECK,
	};
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"journal-dir", required_argument, NULL, OPT_JDIR},
	        {"state-dir", required_argument, NULL, OPT_STATE},
	        {"metrics-file", required_argument, NULL, OPT_METRICS},
	        {"smb-conf", required_argument, NULL, OPT_SMBCONF},
	        {"findings-file", required_argument, NULL, OPT_FINDINGS},
	        {"capture", required_argument, NULL, OPT_CAPTURE},
	        {"window", required_argument, NULL, OPT_WINDOW},
	        {"rate-limit", required_argument, NULL, OPT_RATE},
	        {"no-journal-send", no_argument, NULL, OPT_NO_SEND},
	        {"check-config", no_argument, NULL, OPT_CHECK},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	static const char *const keys[] = {
	        [OPT_JDIR - OPT_JDIR] = "journal_dir",       [OPT_STATE - OPT_JDIR] = "state_dir",
	        [OPT_METRICS - OPT_JDIR] = "metrics_file",   [OPT_SMBCONF - OPT_JDIR] = "smb_conf",
	        [OPT_FINDINGS - OPT_JDIR] = "findings_file", [OPT_CAPTURE - OPT_JDIR] = "capture",
	        [OPT_WINDOW - OPT_JDIR] = "window",          [OPT_RATE - OPT_JDIR] = "rate_limit",
	        [OPT_NO_SEND - OPT_JDIR] = "journal_send",
	};
	const char *ov[MAX_OVERRIDES][2];
	struct nd_daemon_options o = {0};
	bool check = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config_path = optarg;
			o.config_given = true;
			break;
		case 'h':
			daemon_usage(stdout);
			return ND_EXIT_OK;
		case OPT_CHECK:
			check = true;
			break;
		case '?':
			fprintf(stderr, "netdiag daemon: try 'netdiag daemon --help'\n");
			return ND_EXIT_USAGE;
		default:
			if (o.n_overrides == MAX_OVERRIDES) {
				fprintf(stderr, "netdiag daemon: too many options\n");
				return ND_EXIT_USAGE;
			}
			ov[o.n_overrides][0] = keys[c - OPT_JDIR];
			ov[o.n_overrides][1] = c == OPT_NO_SEND ? "no" : optarg;
			o.n_overrides++;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netdiag daemon: unexpected argument '%s' (try --help)\n",
		        argv[optind]);
		return ND_EXIT_USAGE;
	}
	o.overrides = (const char *const(*)[2])ov;
	if (check) {
		struct nd_daemon_config cfg;
		char err[1024];
		nd_daemon_config_init(&cfg);
		const char *path = o.config_path ? o.config_path : ND_DAEMON_DEFAULT_CONFIG;
		int r = nd_daemon_config_read(&cfg, path, o.config_given, err, sizeof(err));
		for (size_t i = 0; !r && i < o.n_overrides; i++) {
			char why[512];
			if (nd_daemon_config_set(&cfg, ov[i][0], ov[i][1], why, sizeof(why))) {
				snprintf(err, sizeof(err), "--%s: %s", ov[i][0], why);
				r = -1;
			}
		}
		nd_daemon_config_free(&cfg);
		if (r) {
			fprintf(stderr, "netdiag: %s\n", err);
			return 1;
		}
		printf("%s: ok\n", path);
		return ND_EXIT_OK;
	}
	return nd_daemon_run(&o);
}
