/* SPDX-License-Identifier: MIT */
/* Private to diag/: one entry point per rule family. */
#ifndef ND_DIAG_RULES_H
#define ND_DIAG_RULES_H

#include "diag/diag.h"

void nd_rules_capture(const struct nd_diag_input *in, struct nd_findings *out);
void nd_rules_tcp(const struct nd_diag_input *in, struct nd_findings *out);

#endif
