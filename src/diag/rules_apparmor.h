/* SPDX-License-Identifier: MIT */
/* The AppArmor findings (docs/apparmor.md, "Findings"):
 *   apparmor.share_denied       error    per (share, profile): denials under
 *                                        a share's path, with the rule that
 *                                        fixes it;
 *   apparmor.denied             warning  per profile: denials outside every
 *                                        share (subject kind "profile");
 *   apparmor.smb_access_denied  error    per (share, profile): an SMB
 *                                        STATUS_ACCESS_DENIED in the capture
 *                                        on a share whose path has an
 *                                        AppArmor denial within the window. */
#ifndef ND_RULES_APPARMOR_H
#define ND_RULES_APPARMOR_H

#include "apparmor/apparmor.h"
#include "diag/diag.h"
#include "smb/smb.h"

/* Default join window: an AppArmor denial counts for an SMB error when its
 * journal time is within this of the error's first..last time. */
#define ND_AA_JOIN_WINDOW (5 * 60 * ND_NS_PER_SEC)

/* apparmor.share_denied and apparmor.denied for every group of aa (after
 * nd_apparmor_finish). */
void nd_rules_apparmor(const struct nd_apparmor_report *aa, struct nd_findings *out);

/* apparmor.smb_access_denied for the capture's STATUS_ACCESS_DENIED errors
 * (window: ND_AA_JOIN_WINDOW). Returns the number of findings added. */
size_t nd_rules_apparmor_join(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                              struct nd_findings *out);
size_t nd_rules_apparmor_join_window(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                                     nd_ns window, struct nd_findings *out);

/* What `analyze --journal-file` runs: the join first, then
 * apparmor.share_denied for the (share, profile) groups the join did not
 * already explain, and apparmor.denied. smb may be NULL. Does not sort. */
void nd_rules_apparmor_all(const struct nd_apparmor_report *aa, const struct nd_smb *smb,
                           struct nd_findings *out);

#endif
