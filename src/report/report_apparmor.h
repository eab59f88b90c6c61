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

json_object *nd_report_apparmor_json(const struct nd_apparmor_report *aa);
void nd_report_apparmor_text(FILE *out, bool color, const struct nd_apparmor_report *aa);

#endif
