/* SPDX-License-Identifier: MIT */
/* Rules about TCP connections. */
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules.h"

static void rule_flow_table_full(const struct nd_diag_input *in, struct nd_findings *out)
{
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	if (!t->evicted_table_full)
		return;
	struct nd_finding *f =
	        nd_findings_add(out, "tcp.flow_table_full", ND_SEV_WARNING, "capture");
	if (!f)
		return;
	snprintf(f->subject, sizeof(f->subject), "capture");
	snprintf(f->summary, sizeof(f->summary),
	         "More than %u TCP connections were active at once; %llu were retired early and "
	         "their later packets were analysed as new connections",
	         nd_tcp_max_flows(in->tcp), (unsigned long long)t->evicted_table_full);
	snprintf(f->advice, sizeof(f->advice),
	         "Raise the limit with `--max-flows N` (memory grows with it), or filter the "
	         "capture to the hosts and ports of interest.");
	nd_finding_evidence(f, "evicted_table_full", t->evicted_table_full);
	nd_finding_evidence(f, "max_flows", nd_tcp_max_flows(in->tcp));
	nd_finding_evidence(f, "flows", t->flows);
}

void nd_rules_tcp(const struct nd_diag_input *in, struct nd_findings *out)
{
	rule_flow_table_full(in, out);
}
