/* SPDX-License-Identifier: MIT */
/* The AppArmor section of the report: JSON under the top-level "apparmor"
 * key and the text tables (docs/apparmor.md, "JSON"), plus the whole
 * document of `netdiag apparmor`. Call after nd_apparmor_finish. */
#ifndef ND_REPORT_APPARMOR_H
#define ND_REPORT_APPARMOR_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "apparmor/apparmor.h"
#include "diag/diag.h"
#include "report/report.h"

json_object *nd_report_apparmor_json(const struct nd_apparmor_report *aa);
/* One denial as `netdiag apparmor --follow` prints it when it arrives,
 * wrapped at opt's width (NULL: the default width). */
void nd_report_apparmor_denial_text(FILE *out, const struct nd_report_options *opt,
                                    const struct nd_apparmor_report *aa,
                                    const struct nd_aa_denial *d);

#endif
