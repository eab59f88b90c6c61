/* SPDX-License-Identifier: MIT */
#include "diag/diag.h"
#include "diag/rules.h"
#include "diag/rules_apparmor.h"
#include "diag/rules_offload.h"
#include "diag/rules_smb.h"

void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out)
{
	nd_rules_capture(in, out);
	nd_rules_tcp(in, out);
	nd_rules_smb(in->smb, in->tcp, out);
	if (in->apparmor)
		nd_rules_apparmor_all(in->apparmor, in->smb, out);
	if (in->offload) {
		nd_rules_offload(in->offload->ifs, in->offload->n, out);
		for (size_t i = 0; i < in->offload->n; i++) {
			const struct nd_offload_iface *ifc = &in->offload->ifs[i];
			nd_rules_offload_tso_loss(ifc, nd_rules_tcp_lso_from(in, ifc), out);
		}
	}
	nd_findings_sort(out);
}
