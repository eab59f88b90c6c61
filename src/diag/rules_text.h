/* SPDX-License-Identifier: MIT */
/* Private to diag/: the text helpers the rules share to fill a finding's
 * fixed-size fields. Those that write to buf write within its n bytes (n > 0)
 * and leave it terminated: a finding's text is cut where it is too long,
 * never overrun. */
#ifndef ND_DIAG_RULES_TEXT_H
#define ND_DIAG_RULES_TEXT_H

#include "common/common.h"

/* Appends to the terminated string in buf; nothing when buf is already full. */
void nd_rules_cat(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* snprintf into a fixed field: cut when too long, by design (so GCC's
 * -Wformat-truncation has nothing to flag where a cut is wanted). */
void nd_rules_setf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends item to the comma list in buf: "item" first, then ", item". */
void nd_rules_list_add(char *buf, size_t n, const char *item);

/* nd_rules_list_add for lists gathered from many records: skips a NULL or
 * empty item and one the list already holds (whole entries); where item
 * does not fit with room to spare, ends the list with ", ..." once instead. */
void nd_rules_list_add_once(char *buf, size_t n, const char *item);

/* Time t (ns since the epoch) as "2026-11-23T18:01:24.986Z" (UTC, milliseconds); "?" for
 * 0 or a time gmtime cannot convert. Returns buf. */
const char *nd_rules_time_ms(nd_ns t, char *buf, size_t n);

/* The share name of a UNC path: what follows its last backslash ("data" of
 * "\\srv\data"); the whole string when it has none. Points into unc. */
const char *nd_rules_share_name(const char *unc);

#endif
