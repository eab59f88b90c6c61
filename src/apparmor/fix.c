/* SPDX-License-Identifier: MIT */
/* Where a profile's local overrides live and the rule lines that allow a
 * denial (Debian/Ubuntu layout of /etc/apparmor.d; docs/apparmor.md,
 * "Findings"). */
#include <stdio.h>
#include <string.h>

#include "apparmor/apparmor.h"
#include "apparmor/apparmor_internal.h"

/* The profile's base name: "smbd//null-/usr/bin/x" -> "smbd", stacks
 * "a//&b" -> "a", hats "smbd^hat" -> "smbd". */
static void base_profile(const char *profile, char *out, size_t n)
{
	nd_str_copy(out, n, profile ? profile : "");
	char *p = strstr(out, "//");
	if (p)
		*p = 0;
	p = strchr(out, '^');
	if (p)
		*p = 0;
	size_t l = strlen(out);
	/* " (enforce)" when a label came with its mode */
	if (l > 2 && out[l - 1] == ')') {
		p = strrchr(out, ' ');
		if (p)
			*p = 0;
	}
}

/* File name of a profile under /etc/apparmor.d and of its override. */
static void profile_files(const char *profile, char *file, size_t fn, char *local, size_t ln)
{
	char b[256];
	base_profile(profile, b, sizeof(b));
	static const struct {
		const char *name, *file, *local;
	} known[] = {
	        {"smbd", "usr.sbin.smbd", "usr.sbin.smbd-shares"},
	        {"/usr/sbin/smbd", "usr.sbin.smbd", "usr.sbin.smbd-shares"},
	        {"/usr/bin/smbd", "usr.sbin.smbd", "usr.sbin.smbd-shares"},
	        {"nmbd", "usr.sbin.nmbd", "usr.sbin.nmbd"},
	        {"/usr/sbin/nmbd", "usr.sbin.nmbd", "usr.sbin.nmbd"},
	        {"winbindd", "usr.sbin.winbindd", "usr.sbin.winbindd"},
	        {"/usr/sbin/winbindd", "usr.sbin.winbindd", "usr.sbin.winbindd"},
	};
	for (size_t i = 0; i < ND_ARRAY_LEN(known); i++)
		if (!strcmp(b, known[i].name)) {
			snprintf(file, fn, "/etc/apparmor.d/%s", known[i].file);
			snprintf(local, ln, "/etc/apparmor.d/local/%s", known[i].local);
			return;
		}
	char name[256];
	const char *src = b[0] == '/' ? b + 1 : b;
	size_t o = 0;
	for (; *src && o + 1 < sizeof(name); src++)
		name[o++] = b[0] == '/' && *src == '/' ? '.' : *src;
	name[o] = 0;
	if (!name[0])
		nd_str_copy(name, sizeof(name), "unknown");
	snprintf(file, fn, "/etc/apparmor.d/%s", name);
	snprintf(local, ln, "/etc/apparmor.d/local/%s", name);
}

/* Writes a path for a rule: AppArmor's glob characters escaped (unless the
 * path is already a glob), quoted when it holds spaces. */
static void rule_path(const char *path, bool is_glob, const char *suffix, char *out, size_t n)
{
	char tmp[4200];
	size_t o = 0;
	bool quote = false;
	for (const char *p = path; *p && o + 3 < sizeof(tmp); p++) {
		if (*p == ' ' || *p == '\t' || *p == ',' || *p == '#')
			quote = true;
		if (*p == '"' || (!is_glob && strchr("*?[]{}^\\", *p)))
			tmp[o++] = '\\';
		tmp[o++] = *p;
	}
	tmp[o] = 0;
	if (quote)
		snprintf(out, n, "\"%s%s\"", tmp, suffix);
	else
		snprintf(out, n, "%s%s", tmp, suffix);
}

/* File permissions for a rule from logged masks: w covers a, c, d; x is
 * inherit-exec; owner prefixes ("::r") are dropped. */
void nd_aa_file_perms(const char *masks, bool share, char *out, size_t n)
{
	bool r = share, w = share, k = share, l = share, m = false, x = false, a = false;
	for (const char *p = masks ? masks : ""; *p; p++) {
		switch (*p) {
		case 'r':
			r = true;
			break;
		case 'w':
		case 'c':
		case 'd':
		case 'D':
			w = true;
			break;
		case 'a':
			a = true;
			break;
		case 'k':
			k = true;
			break;
		case 'l':
			l = true;
			break;
		case 'm':
			m = true;
			break;
		case 'x':
		case 'i':
		case 'p':
		case 'u':
			x = true;
			break;
		default:
			break;
		}
	}
	if (w)
		a = false;
	snprintf(out, n, "%s%s%s%s%s%s%s", l ? "l" : "", r ? "r" : "", w ? "w" : "", a ? "a" : "",
	         k ? "k" : "", m ? "m" : "", x ? "ix" : "");
	if (!out[0])
		snprintf(out, n, "r");
}

void nd_aa_fix_share(const char *profile, const char *dir, bool dir_is_glob, const char *masks,
                     struct nd_aa_fix *out)
{
	memset(out, 0, sizeof(*out));
	profile_files(profile, out->profile_file, sizeof(out->profile_file), out->local_file,
	              sizeof(out->local_file));
	snprintf(out->reload, sizeof(out->reload), "apparmor_parser -r %s", out->profile_file);
	char perms[16], p[4096];
	nd_aa_file_perms(masks, true, perms, sizeof(perms));
	bool root = !strcmp(dir, "/");
	rule_path(root ? "" : dir, dir_is_glob, "/**", p, sizeof(p));
	snprintf(out->rule, sizeof(out->rule), "%s %s,", p, perms);
}

static const char *or_any(const char *s)
{
	return s && *s ? s : NULL;
}

void nd_aa_rule_for(const struct nd_aa_record *r, const char *path, char *out, size_t n)
{
	char p[4200], perms[16];
	const char *v;
	switch (r->cls) {
	case ND_AA_CL_FILE:
		if (!path) {
			out[0] = 0;
			return;
		}
		nd_aa_file_perms(r->denied_mask ? r->denied_mask : r->requested_mask, false, perms,
		                 sizeof(perms));
		rule_path(path, false, "", p, sizeof(p));
		snprintf(out, n, "%s %s,", p, perms);
		return;
	case ND_AA_CL_CAP:
		v = or_any(nd_aa_get(r, "capname"));
		if (!v)
			v = or_any(r->name);
		snprintf(out, n, "capability %s,", v ? v : "?");
		return;
	case ND_AA_CL_NET:
	case ND_AA_CL_UNIX: {
		const char *fam = or_any(nd_aa_get(r, "family"));
		const char *type = or_any(nd_aa_get(r, "sock_type"));
		if (r->cls == ND_AA_CL_UNIX)
			snprintf(out, n, "unix (%s)%s%s,", r->denied_mask ? r->denied_mask : "",
			         type ? " type=" : "", type ? type : "");
		else
			snprintf(out, n, "network%s%s%s%s,", fam ? " " : "", fam ? fam : "",
			         type ? " " : "", type ? type : "");
		return;
	}
	case ND_AA_CL_SIGNAL: {
		const char *sig = or_any(nd_aa_get(r, "signal"));
		const char *peer = or_any(nd_aa_get(r, "peer"));
		snprintf(out, n, "signal (%s)%s%s%s%s%s,", r->denied_mask ? r->denied_mask : "send",
		         sig ? " set=(" : "", sig ? sig : "", sig ? ")" : "", peer ? " peer=" : "",
		         peer ? peer : "");
		return;
	}
	case ND_AA_CL_DBUS: {
		const char *bus = or_any(nd_aa_get(r, "bus"));
		const char *dpath = or_any(nd_aa_get(r, "path"));
		const char *iface = or_any(nd_aa_get(r, "interface"));
		const char *member = or_any(nd_aa_get(r, "member"));
		snprintf(out, n, "dbus (%s)%s%s%s%s%s%s%s%s,",
		         r->denied_mask ? r->denied_mask : "send", bus ? " bus=" : "",
		         bus ? bus : "", dpath ? " path=" : "", dpath ? dpath : "",
		         iface ? " interface=" : "", iface ? iface : "", member ? " member=" : "",
		         member ? member : "");
		return;
	}
	case ND_AA_CL_MOUNT: {
		const char *fst = or_any(nd_aa_get(r, "fstype"));
		const char *src = or_any(nd_aa_get(r, "srcname"));
		snprintf(out, n, "%s%s%s%s%s -> %s,", r->operation ? r->operation : "mount",
		         fst ? " fstype=" : "", fst ? fst : "", src ? " " : "", src ? src : "",
		         r->name ? r->name : "?");
		return;
	}
	case ND_AA_CL_PTRACE: {
		const char *peer = or_any(nd_aa_get(r, "peer"));
		snprintf(out, n, "ptrace (%s)%s%s,", r->denied_mask ? r->denied_mask : "read",
		         peer ? " peer=" : "", peer ? peer : "");
		return;
	}
	default:
		out[0] = 0;
		return;
	}
}

void nd_aa_local_file(const char *profile, char *local, size_t ln, char *file, size_t fn)
{
	profile_files(profile, file, fn, local, ln);
}
