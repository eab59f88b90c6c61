/* SPDX-License-Identifier: MIT */
/* Options shared by every subcommand that runs the analysis pipeline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/options.h"

const char nd_cli_analysis_help[] =
        "      --max-flows N        TCP connections tracked at once (default 65536);\n"
        "                           beyond it the least recently active is retired early\n"
        "      --idle-timeout S     retire a connection after S seconds of capture time\n"
        "                           without packets (default 600)\n"
        "      --report-flows N     connections listed in the report, worst first\n"
        "                           (default 100)\n"
        "      --mtu N              MTU whose MSS judges oversized TCP segments when the\n"
        "                           handshake was not captured (default 1500)\n"
        "      --storm N            duplicate ACKs in a row that count as a storm (default 10)\n";

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
