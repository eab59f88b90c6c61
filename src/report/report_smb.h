/* SPDX-License-Identifier: MIT */
/* The SMB section of the report: JSON under the top-level "smb" key and the
 * text tables (schema in docs/smb.md). Call after nd_smb_finish. */
#ifndef ND_REPORT_SMB_H
#define ND_REPORT_SMB_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "report/report.h"
#include "smb/smb.h"

json_object *nd_report_smb_json(const struct nd_smb *smb);
/* The SMB section alone, as in the text report (opt: colour, width; NULL
 * for the defaults). */
void nd_report_smb_text(FILE *out, const struct nd_report_options *opt, const struct nd_smb *smb);

#endif
