/* SPDX-License-Identifier: MIT */
/* The AppArmor audit record parser (docs/apparmor.md, "Parsing").
 * Grammar: kernel security/apparmor/audit.c audit_pre() and lsm_audit.c;
 * untrusted strings follow kernel/audit.c audit_log_n_untrustedstring():
 * "quoted" unless they hold a space, '"', a control byte or a byte > 0x7e,
 * and then bare uppercase hex. Keys may come in any order; unknown keys are
 * kept. libapparmor's parse_record() is only a test oracle: 3.0.x rejects
 * the journal's MESSAGE forms and every record with class=. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apparmor/apparmor.h"

struct pstate {
	struct nd_aa_record *r;
	size_t used; /* bytes of r->buf in use */
	char *why;
	size_t why_len;
};

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x1d;
}

static char *store(struct pstate *ps, const char *s, size_t n)
{
	struct nd_aa_record *r = ps->r;
	if (ps->used + n + 1 > sizeof(r->buf))
		return NULL;
	char *d = r->buf + ps->used;
	if (s)
		memcpy(d, s, n);
	d[n] = 0;
	ps->used += n + 1;
	return d;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_hex_string(const char *s, size_t n)
{
	if (n < 2 || n % 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

/* Keys the kernel (and dbus-daemon) print with audit_log_untrustedstring(). */
static bool untrusted_key(const char *k, size_t n)
{
	static const char *const keys[] = {
	        "name",         "name2",     "profile",    "label",     "comm",    "namespace",
	        "target",       "peer",      "peer_label", "exe",       "srcname", "fstype",
	        "path",         "interface", "member",     "bus",       "data",    "attribute",
	        "peer_profile", "execpath",  "dest",       "addr_path",
	};
	for (size_t i = 0; i < ND_ARRAY_LEN(keys); i++)
		if (strlen(keys[i]) == n && !memcmp(keys[i], k, n))
			return true;
	return false;
}

static void set_why(struct pstate *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_why(struct pstate *ps, const char *fmt, ...)
{
	if (!ps->why || !ps->why_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->why, ps->why_len, fmt, ap);
	va_end(ap);
}

/* At most 48 bytes of s[0..n) for a message, as a printable string. */
static const char *clip(const char *s, size_t n, char *buf, size_t cap)
{
	size_t l = ND_MIN(n, cap - 1);
	for (size_t i = 0; i < l; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ? '?' : s[i];
	buf[l] = 0;
	return buf;
}

static bool add_field(struct pstate *ps, const char *k, size_t kn, const char *v, size_t vn,
                      bool quoted, bool outer)
{
	struct nd_aa_record *r = ps->r;
	if (r->n_fields >= ND_AA_MAX_FIELDS) {
		r->dropped_fields++;
		return true;
	}
	bool hex = !quoted && untrusted_key(k, kn) && is_hex_string(v, vn);
	char *key = store(ps, k, kn);
	char *val;
	if (hex) {
		val = store(ps, NULL, vn / 2); /* room, filled below */
		if (val) {
			size_t o = 0;
			for (size_t i = 0; i < vn; i += 2) {
				char c = (char)(hexval(v[i]) << 4 | hexval(v[i + 1]));
				if (!c) /* a NUL cannot be part of a name: cut there */
					break;
				val[o++] = c;
			}
			val[o] = 0;
		}
	} else {
		val = store(ps, v, vn);
	}
	if (!key || !val) {
		set_why(ps, "record too long");
		return false;
	}
	r->fields[r->n_fields++] = (struct nd_aa_field){
	        .key = key, .value = val, .quoted = quoted, .hex = hex, .outer = outer};
	return true;
}

/* Tokenises key=value pairs in s[0..n). USER_AVC's msg='...' is parsed as
 * inner fields, and what came before it is marked outer. */
static bool tokenize(struct pstate *ps, const char *s, size_t n, bool inner)
{
	char cb[64];
	size_t i = 0, first = ps->r->n_fields;
	while (i < n) {
		while (i < n && is_sep(s[i]))
			i++;
		if (i >= n)
			break;
		size_t ks = i;
		while (i < n && s[i] != '=' && !is_sep(s[i]))
			i++;
		if (i >= n || s[i] != '=') {
			if (i >= n)
				set_why(ps, "truncated: record ends in '%s' without a value",
				        clip(s + ks, i - ks, cb, sizeof(cb)));
			else
				set_why(ps, "garbled: '%s' is not key=value",
				        clip(s + ks, i - ks, cb, sizeof(cb)));
			return false;
		}
		size_t kn = i - ks;
		if (kn == 0) {
			set_why(ps, "garbled: '=%s' has no key",
			        clip(s + i + 1, ND_MIN((size_t)16, n - i - 1), cb, sizeof(cb)));
			return false;
		}
		i++; /* '=' */
		if (i < n && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];
			size_t vs = i;
			const char *e;
			if (q == '\'' && kn == 3 && !memcmp(s + ks, "msg", 3) && !inner) {
				/* the last quote that ends a token closes msg='...' */
				e = NULL;
				for (size_t k = n; k > vs; k--)
					if (s[k - 1] == '\'' && (k == n || is_sep(s[k]))) {
						e = s + k - 1;
						break;
					}
			} else {
				e = memchr(s + vs, q, n - vs);
			}
			if (!e) {
				set_why(ps, "truncated: the quoted value of %s never ends",
				        clip(s + ks, kn, cb, sizeof(cb)));
				return false;
			}
			size_t vn = (size_t)(e - (s + vs));
			if (q == '\'' && kn == 3 && !memcmp(s + ks, "msg", 3) && !inner) {
				for (size_t f = first; f < ps->r->n_fields; f++)
					ps->r->fields[f].outer = true;
				if (!tokenize(ps, s + vs, vn, true))
					return false;
			} else if (!add_field(ps, s + ks, kn, s + vs, vn, true, false)) {
				return false;
			}
			i = (size_t)(e - s) + 1;
			if (i < n && !is_sep(s[i])) {
				set_why(ps, "garbled: text right after the quoted value of %s",
				        clip(s + ks, kn, cb, sizeof(cb)));
				return false;
			}
		} else {
			size_t vs = i;
			while (i < n && !is_sep(s[i]))
				i++;
			if (!add_field(ps, s + ks, kn, s + vs, i - vs, false, false))
				return false;
		}
	}
	return true;
}

const char *nd_aa_get(const struct nd_aa_record *r, const char *key)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->n_fields; i++)
			if (r->fields[i].outer == (pass == 1) && !strcmp(r->fields[i].key, key))
				return r->fields[i].value;
	return NULL;
}

static long long get_num(const struct nd_aa_record *r, const char *key)
{
	const char *v = nd_aa_get(r, key);
	if (!v || !*v)
		return -1;
	char *end;
	long long x = strtoll(v, &end, 10);
	return *end ? -1 : x;
}

static int type_from_name(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int type;
	} names[] = {
	        {"AVC", 1400},
	        {"USER_AVC", 1107},
	        {"APPARMOR_AUDIT", 1501},
	        {"APPARMOR_ALLOWED", 1502},
	        {"APPARMOR_DENIED", 1503},
	        {"APPARMOR_HINT", 1504},
	        {"APPARMOR_STATUS", 1505},
	        {"APPARMOR_ERROR", 1506},
	        {"APPARMOR_KILL", 1507},
	};
	for (size_t i = 0; i < ND_ARRAY_LEN(names); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, s, n))
			return names[i].type;
	if (n > 8 && !memcmp(s, "UNKNOWN[", 8))
		return atoi(s + 8);
	if (n && isdigit((unsigned char)s[0]))
		return atoi(s);
	return 0;
}

/* "audit(S.mmm:N):" at p; returns the length consumed or 0. */
static size_t parse_stamp(const char *p, const char *end, struct nd_aa_record *r)
{
	const char *q = p + 6; /* "audit(" */
	int64_t sec = 0;
	uint32_t ms = 0;
	uint64_t serial = 0;
	int nd = 0, nf = 0, ns = 0;
	while (q < end && isdigit((unsigned char)*q) && nd < 18) {
		sec = sec * 10 + (*q++ - '0');
		nd++;
	}
	if (!nd || q >= end || *q++ != '.')
		return 0;
	while (q < end && isdigit((unsigned char)*q)) {
		if (nf < 3)
			ms = ms * 10 + (uint32_t)(*q - '0');
		nf++;
		q++;
	}
	if (!nf || q >= end || *q++ != ':')
		return 0;
	for (int k = nf; k < 3; k++)
		ms *= 10;
	while (q < end && isdigit((unsigned char)*q) && ns < 19) {
		serial = serial * 10 + (uint64_t)(*q++ - '0');
		ns++;
	}
	if (!ns || q >= end || *q++ != ')')
		return 0;
	if (q < end && *q == ':')
		q++;
	r->has_stamp = true;
	r->stamp_sec = sec;
	r->stamp_ms = ms;
	r->serial = serial;
	return (size_t)(q - p);
}

static const char *find_str(const char *s, size_t n, const char *needle)
{
	size_t nl = strlen(needle);
	if (nl > n)
		return NULL;
	for (size_t i = 0; i + nl <= n; i++)
		if (s[i] == needle[0] && !memcmp(s + i, needle, nl))
			return s + i;
	return NULL;
}

static enum nd_aa_event event_of(const char *v)
{
	static const char *const names[] = {"",       "DENIED", "ALLOWED", "AUDIT",
	                                    "STATUS", "HINT",   "ERROR",   "KILLED"};
	if (!v)
		return ND_AA_EV_UNKNOWN;
	for (size_t i = 1; i < ND_ARRAY_LEN(names); i++)
		if (!strcasecmp(v, names[i]))
			return (enum nd_aa_event)i;
	if (!strcasecmp(v, "KILL"))
		return ND_AA_EV_KILLED;
	return ND_AA_EV_UNKNOWN;
}

static bool in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

static enum nd_aa_class class_of(const struct nd_aa_record *r)
{
	const char *c = r->class_name;
	if (c) {
		if (!strcmp(c, "file"))
			return ND_AA_CL_FILE;
		if (!strcmp(c, "net") || !strcmp(c, "network"))
			return ND_AA_CL_NET;
		if (!strcmp(c, "cap"))
			return ND_AA_CL_CAP;
		if (!strcmp(c, "dbus"))
			return ND_AA_CL_DBUS;
		if (!strcmp(c, "signal"))
			return ND_AA_CL_SIGNAL;
		if (!strcmp(c, "mount"))
			return ND_AA_CL_MOUNT;
		if (!strcmp(c, "ptrace"))
			return ND_AA_CL_PTRACE;
		if (!strcmp(c, "unix"))
			return ND_AA_CL_UNIX;
		return ND_AA_CL_OTHER;
	}
	const char *op = r->operation ? r->operation : "";
	static const char *const status_ops[] = {"profile_load", "profile_replace",
	                                         "profile_remove"};
	static const char *const net_ops[] = {
	        "create",     "post_create", "bind",           "connect",     "listen",
	        "accept",     "sendmsg",     "recvmsg",        "getsockname", "getpeername",
	        "getsockopt", "setsockopt",  "socket_shutdown"};
	if (in_list(op, status_ops, ND_ARRAY_LEN(status_ops)))
		return ND_AA_CL_STATUS;
	if (nd_aa_get(r, "capability") || !strcmp(op, "capable"))
		return ND_AA_CL_CAP;
	if (!strncmp(op, "dbus_", 5))
		return ND_AA_CL_DBUS;
	if (!strcmp(op, "signal"))
		return ND_AA_CL_SIGNAL;
	if (!strcmp(op, "ptrace"))
		return ND_AA_CL_PTRACE;
	if (!strcmp(op, "mount") || !strcmp(op, "umount") || !strcmp(op, "pivotroot") ||
	    !strcmp(op, "remount"))
		return ND_AA_CL_MOUNT;
	if (nd_aa_get(r, "family") || in_list(op, net_ops, ND_ARRAY_LEN(net_ops))) {
		const char *fam = nd_aa_get(r, "family");
		return fam && !strcmp(fam, "unix") ? ND_AA_CL_UNIX : ND_AA_CL_NET;
	}
	if (r->name || r->requested_mask || r->denied_mask)
		return ND_AA_CL_FILE;
	return ND_AA_CL_OTHER;
}

enum nd_aa_parse_status nd_aa_parse(const char *msg, size_t len, struct nd_aa_record *r, char *why,
                                    size_t why_len)
{
	if (why && why_len)
		why[0] = 0;
	memset(r, 0, offsetof(struct nd_aa_record, buf));
	r->pid = r->fsuid = r->ouid = -1;
	if (!msg)
		return ND_AA_PARSE_NOT_APPARMOR;
	struct pstate ps = {.r = r, .why = why, .why_len = why_len};
	char cb[64];
	const char *aa = find_str(msg, len, "apparmor=");
	if (!aa) {
		/* A kernel audit line cut before its body cannot be told apart
		 * by content: a broken stamp marks it as damaged. */
		if (len >= 12 && !memcmp(msg, "audit: type=", 12)) {
			const char *st = find_str(msg, len, "audit(");
			if (!st || !parse_stamp(st, msg + len, r)) {
				set_why(&ps, "garbled audit line '%s'",
				        clip(msg, ND_MIN(len, (size_t)48), cb, sizeof(cb)));
				return ND_AA_PARSE_BAD;
			}
		}
		return ND_AA_PARSE_NOT_APPARMOR;
	}
	if (len > ND_AA_MAX_RECORD) {
		if (why && why_len)
			snprintf(why, why_len,
			         "record of %zu bytes is longer than the %d-byte limit", len,
			         ND_AA_MAX_RECORD);
		return ND_AA_PARSE_BAD;
	}
	const char *end = msg + len, *body = msg;
	/* "... type=T ... audit(S.mmm:N): BODY" (kernel, auditd, dmesg) */
	const char *st = find_str(msg, (size_t)(aa - msg), "audit(");
	if (st) {
		size_t sl = parse_stamp(st, end, r);
		if (!sl) {
			set_why(&ps, "garbled audit stamp '%s'",
			        clip(st, ND_MIN((size_t)40, (size_t)(end - st)), cb, sizeof(cb)));
			return ND_AA_PARSE_BAD;
		}
		body = st + sl;
		const char *t = find_str(msg, (size_t)(st - msg), "type=");
		if (t) {
			const char *v = t + 5, *ve = v;
			while (ve < st && !is_sep(*ve))
				ve++;
			r->audit_type = type_from_name(v, (size_t)(ve - v));
		}
	} else {
		/* audit transport: "AVC BODY", "USER_AVC BODY" */
		const char *p = msg;
		while (p < end && (isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
		                   *p == '_' || *p == '[' || *p == ']'))
			p++;
		if (p > msg && p < end && *p == ' ') {
			r->audit_type = type_from_name(msg, (size_t)(p - msg));
			body = p + 1;
		} else if (aa > msg) {
			/* "dbus-daemon[1]: apparmor=..." and other "tag: " prefixes;
			 * otherwise keys precede apparmor= (USER_AVC's outer keys) */
			const char *colon = NULL;
			for (const char *q = msg; q + 1 < aa; q++)
				if (*q == ':' && q[1] == ' ')
					colon = q + 2;
			body = colon ? colon : msg;
		}
	}
	if (!tokenize(&ps, body, (size_t)(end - body), false))
		return ND_AA_PARSE_BAD;
	r->apparmor = nd_aa_get(r, "apparmor");
	r->operation = nd_aa_get(r, "operation");
	r->class_name = nd_aa_get(r, "class");
	r->profile = nd_aa_get(r, "profile");
	if (!r->profile)
		r->profile = nd_aa_get(r, "label");
	r->name = nd_aa_get(r, "name");
	r->comm = nd_aa_get(r, "comm");
	r->requested_mask = nd_aa_get(r, "requested_mask");
	r->denied_mask = nd_aa_get(r, "denied_mask");
	if (!r->requested_mask && !r->denied_mask && nd_aa_get(r, "mask")) {
		r->requested_mask = r->denied_mask = nd_aa_get(r, "mask");
	}
	r->info = nd_aa_get(r, "info");
	r->pid = get_num(r, "pid");
	r->fsuid = get_num(r, "fsuid");
	r->ouid = get_num(r, "ouid");
	long long err = nd_aa_get(r, "error") ? get_num(r, "error") : 0;
	r->error = err >= -4096 && err <= 4096 ? (int)err : 0;
	r->event = event_of(r->apparmor);
	if (r->event == ND_AA_EV_UNKNOWN) {
		set_why(&ps, "unknown apparmor=\"%s\"",
		        clip(r->apparmor ? r->apparmor : "", r->apparmor ? strlen(r->apparmor) : 0,
		             cb, sizeof(cb)));
		return ND_AA_PARSE_BAD;
	}
	if (!r->operation) {
		set_why(&ps, "no operation= field");
		return ND_AA_PARSE_BAD;
	}
	if (!r->profile) {
		set_why(&ps, "no profile= or label= field");
		return ND_AA_PARSE_BAD;
	}
	r->cls = class_of(r);
	return ND_AA_PARSE_OK;
}

const char *nd_aa_event_name(enum nd_aa_event e)
{
	static const char *const names[] = {"UNKNOWN", "DENIED", "ALLOWED", "AUDIT",
	                                    "STATUS",  "HINT",   "ERROR",   "KILLED"};
	return (size_t)e < ND_ARRAY_LEN(names) ? names[e] : "UNKNOWN";
}

const char *nd_aa_class_name(enum nd_aa_class c)
{
	static const char *const names[] = {"other",  "file",  "net",    "cap",  "dbus",
	                                    "signal", "mount", "ptrace", "unix", "status"};
	return (size_t)c < ND_ARRAY_LEN(names) ? names[c] : "other";
}
