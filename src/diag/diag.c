/* SPDX-License-Identifier: MIT */
#include "diag/diag.h"
#include "diag/rules.h"
#include "diag/rules_smb.h"

void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out)
{
	nd_rules_capture(in, out);
	nd_rules_tcp(in, out);
	nd_rules_smb(in->smb, in->tcp, out);
	nd_findings_sort(out);
}
