/* SPDX-License-Identifier: MIT */
/* Private to src/apparmor. */
#ifndef ND_APPARMOR_INTERNAL_H
#define ND_APPARMOR_INTERNAL_H

#include "apparmor/apparmor.h"

/* Rule permissions from logged masks; share adds lrwk. */
void nd_aa_file_perms(const char *masks, bool share, char *out, size_t n);
/* The rule line that would allow r (path: the file path for file records). */
void nd_aa_rule_for(const struct nd_aa_record *r, const char *path, char *out, size_t n);
void nd_aa_local_file(const char *profile, char *local, size_t ln, char *file, size_t fn);

/* Confinement of running Samba processes (confine.c). */
void nd_aa_query_confinement(struct nd_apparmor_report *r, const char *proc_root);

#endif
