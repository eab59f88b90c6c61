/* SPDX-License-Identifier: MIT */
/* The rules' shared text helpers (contracts in rules_text.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "diag/rules_text.h"

void nd_rules_cat(char *buf, size_t n, const char *fmt, ...)
{
	size_t l = strlen(buf);
	if (l + 1 >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + l, n - l, fmt, ap);
	va_end(ap);
}

void nd_rules_setf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

void nd_rules_list_add(char *buf, size_t n, const char *item)
{
	nd_rules_cat(buf, n, "%s%s", buf[0] ? ", " : "", item);
}

/* Whether the comma list holds item as a whole entry, not as part of one. */
static bool list_has(const char *list, const char *item)
{
	size_t il = strlen(item);
	for (const char *p = list; (p = strstr(p, item)); p += il)
		if ((p == list || (p >= list + 2 && p[-2] == ',' && p[-1] == ' ')) &&
		    (p[il] == 0 || p[il] == ','))
			return true;
	return false;
}

void nd_rules_list_add_once(char *buf, size_t n, const char *item)
{
	if (!item || !*item || list_has(buf, item))
		return;
	/* 8 to spare: the ", " before item, and the ", ..." with its terminator that
	 * may still have to follow it. */
	if (strlen(buf) + strlen(item) + 8 >= n) {
		if (!strstr(buf, ", ..."))
			nd_rules_cat(buf, n, ", ...");
		return;
	}
	nd_rules_list_add(buf, n, item);
}

const char *nd_rules_time_ms(nd_ns t, char *buf, size_t n)
{
	time_t s = (time_t)(t / ND_NS_PER_SEC);
	struct tm tm;
	if (!t || !gmtime_r(&s, &tm)) {
		snprintf(buf, n, "?");
		return buf;
	}
	char d[32];
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03dZ", d, (int)((t % ND_NS_PER_SEC) / ND_NS_PER_MS));
	return buf;
}

const char *nd_rules_share_name(const char *unc)
{
	const char *s = strrchr(unc, '\\');
	return s ? s + 1 : unc;
}
