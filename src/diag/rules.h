/* SPDX-License-Identifier: MIT */
/* Private to diag/: one entry point per rule family. */
#ifndef ND_DIAG_RULES_H
#define ND_DIAG_RULES_H

#include "diag/diag.h"

void nd_rules_capture(const struct nd_diag_input *in, struct nd_findings *out);
void nd_rules_tcp(const struct nd_diag_input *in, struct nd_findings *out);
/* True when a flow shows ifc's own address sending oversized segments that
 * were then lost or retransmitted (the LSO pattern, this host the sender). */
bool nd_rules_tcp_lso_from(const struct nd_diag_input *in, const struct nd_offload_iface *ifc);

/* Joins the findings: which explains which (diag/link.c). */
void nd_diag_link(const struct nd_diag_input *in, struct nd_findings *fs);

#endif
