/* SPDX-License-Identifier: MIT */
#include "diag/diag.h"
#include "diag/rules.h"

void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out)
{
	nd_rules_capture(in, out);
	nd_rules_tcp(in, out);
	nd_findings_sort(out);
}
