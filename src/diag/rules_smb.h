/* SPDX-License-Identifier: MIT */
/* Rules about SMB traffic (ids smb.*; thresholds in docs/smb.md). Run after
 * nd_smb_finish. */
#ifndef ND_DIAG_RULES_SMB_H
#define ND_DIAG_RULES_SMB_H

#include "diag/diag.h"
#include "smb/smb.h"

void nd_rules_smb(const struct nd_diag_input *in, struct nd_findings *out);
/* The slow-operation findings (rules_smb_slow.c). */
void nd_rules_smb_slow(const struct nd_diag_input *in, struct nd_findings *out);

#endif
