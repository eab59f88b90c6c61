/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "version.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag COMMAND [OPTIONS] ...\n"
	        "\n"
	        "Names the root cause of slow or failing Samba/SMB traffic from a packet capture.\n"
	        "\n"
	        "Commands:\n"
	        "  analyze FILE...   analyse pcap/pcapng captures ('-' reads standard input)\n"
	        "  apparmor          AppArmor denials in the journal, matched to Samba shares\n"
	        "  offload IFACE...  offload features, MTU and GSO/TSO limits (--all: every one)\n"
	        "  capture IFACE     capture live (e.g. `capture br0 --smb`) and analyse\n"
	        "  daemon            run as a systemd service (journal, captures, metrics)\n"
	        "  explain [ID]      what a finding means, its severity rule and evidence\n"
	        "\n"
	        "Options:\n"
	        "  -h, --help        show this help (COMMAND --help for a command's options)\n"
	        "  -V, --version     show the version\n"
	        "\n"
	        "Exit status: 0 analysed and nothing at warning or above; 1 findings at warning\n"
	        "or above; 2 usage or input error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return ND_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return ND_EXIT_OK;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("netdiag %s\n", ND_VERSION);
		return ND_EXIT_OK;
	}
	if (!strcmp(cmd, "analyze"))
		return nd_cmd_analyze(argc - 1, argv + 1);
	if (!strcmp(cmd, "apparmor"))
		return nd_cmd_apparmor(argc - 1, argv + 1);
	if (!strcmp(cmd, "offload"))
		return nd_cmd_offload(argc - 1, argv + 1);
	if (!strcmp(cmd, "capture"))
		return nd_cmd_capture(argc - 1, argv + 1);
	if (!strcmp(cmd, "daemon"))
		return nd_cmd_daemon(argc - 1, argv + 1);
	if (!strcmp(cmd, "explain"))
		return nd_cmd_explain(argc - 1, argv + 1);
	fprintf(stderr, "netdiag: unknown command '%s' (try 'netdiag --help')\n", cmd);
	return ND_EXIT_USAGE;
}
