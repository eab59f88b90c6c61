/* SPDX-License-Identifier: MIT */
/* smb.conf reader. Lexer: Samba's lib/util/tini.c (comments only at the
 * start of a logical line, "\" continuation, whitespace runs collapsed, key
 * and value split at the first '=' with one space trimmed each side, lines
 * without '=' ignored). Semantics: source3/param/loadparm.c (keys compared
 * ignoring case and spaces, sections merged case-insensitively, include
 * processed in place, copy fills unset parameters, [homes], usershares).
 * Checked against testparm in tests/apparmor. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "smbconf/smbconf.h"

#define MAX_INCLUDE_DEPTH  100   /* loadparm.c */
#define MAX_USERSHARE_FILE 10240 /* MAX_USERSHARE_FILE_SIZE */
#define MAX_CONF_FILE      (16 << 20)

struct param {
	char *key; /* normalised: lower case, no spaces */
	char *value;
	char *file;
	int line;
	bool from_include;
};

struct section {
	char *name;
	char *file;
	int line;
	bool from_include;
	struct param *params;
	size_t n, cap;
};

struct loader {
	struct nd_smbconf *c;
	struct section *secs; /* [0] is [global] */
	size_t n_secs, cap_secs;
	size_t cur;
	bool in_broken_section; /* after a bad [header]: parameters are dropped */
	char hostname[256];
	char *config_file; /* "config file =" target */
	size_t cap_problems, cap_shares;
	bool oom;
};

static char *xstrdup(struct loader *L, const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		L->oom = true;
	return d;
}

static void problem(struct loader *L, enum nd_smbconf_problem_kind kind, const char *file, int line,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct loader *L, enum nd_smbconf_problem_kind kind, const char *file, int line,
                    const char *fmt, ...)
{
	struct nd_smbconf *c = L->c;
	if (c->n_problems == L->cap_problems) {
		size_t cap = L->cap_problems ? L->cap_problems * 2 : 8;
		struct nd_smbconf_problem *n = realloc(c->problems, cap * sizeof(*n));
		if (!n) {
			L->oom = true;
			return;
		}
		c->problems = n;
		L->cap_problems = cap;
	}
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct nd_smbconf_problem *p = &c->problems[c->n_problems++];
	p->kind = kind;
	p->file = xstrdup(L, file);
	p->line = line;
	p->message = xstrdup(L, msg);
	if (kind == ND_SMBCONF_ERROR)
		c->n_errors++;
}

/* strwicmp(): case-insensitive, spaces ignored. Keys are stored normalised. */
static void normalise_key(const char *in, char *out, size_t n)
{
	size_t o = 0;
	for (; *in && o + 1 < n; in++)
		if (!isspace((unsigned char)*in))
			out[o++] = (char)tolower((unsigned char)*in);
	out[o] = 0;
}

static bool is_global_name(const char *name)
{
	char k[64];
	normalise_key(name, k, sizeof(k));
	return !strcmp(k, "global") || !strcmp(k, "globals");
}

static struct section *new_section(struct loader *L, const char *name, const char *file, int line,
                                   bool from_include)
{
	struct section *secs = nd_array_grow(L->secs, &L->cap_secs, L->n_secs, sizeof(*secs), 16);
	if (!secs) {
		L->oom = true;
		return NULL;
	}
	L->secs = secs;
	struct section *s = &L->secs[L->n_secs++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(L, name);
	s->file = xstrdup(L, file);
	s->line = line;
	s->from_include = from_include;
	return s;
}

static struct param *find_param(struct section *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->params[i].key, key))
			return &s->params[i];
	return NULL;
}

static const char *get_param(struct section *s, const char *key)
{
	struct param *p = find_param(s, key);
	return p ? p->value : NULL;
}

static void set_param(struct loader *L, struct section *s, const char *key, const char *value,
                      const char *file, int line, bool from_include)
{
	struct param *p = find_param(s, key);
	if (!p) {
		struct param *params = nd_array_grow(s->params, &s->cap, s->n, sizeof(*params), 8);
		if (!params) {
			L->oom = true;
			return;
		}
		s->params = params;
		p = &s->params[s->n++];
		p->key = xstrdup(L, key);
	} else {
		free(p->value);
		free(p->file);
	}
	p->value = xstrdup(L, value);
	p->file = xstrdup(L, file);
	p->line = line;
	p->from_include = from_include;
}

static void default_netbios(struct loader *L, char *out, size_t n)
{
	size_t o = 0;
	for (const char *h = L->hostname; *h && *h != '.' && o < 15 && o + 1 < n; h++)
		out[o++] = (char)toupper((unsigned char)*h);
	out[o] = 0;
}

/* Expands %-macros. Resolvable: %L (NetBIOS name), %h and %N (host name),
 * %$(VAR) (environment). The others depend on the client or the user: with
 * glob, each becomes '*' (and glob metacharacters of the text are escaped);
 * without, they expand to "" as testparm does. *client_macro is set when one
 * was seen. */
static void expand_macros(struct loader *L, const char *in, char *out, size_t n, bool glob,
                          char *client_macro)
{
	size_t o = 0;
	char nb[32];
	if (L->c->netbios_name)
		nd_str_copy(nb, sizeof(nb), L->c->netbios_name);
	else
		default_netbios(L, nb, sizeof(nb));
#define PUT(ch)                                                                                    \
	do {                                                                                       \
		if (o + 1 < n)                                                                     \
			out[o++] = (ch);                                                           \
	} while (0)
	for (const char *p = in; *p; p++) {
		if (*p != '%' || !p[1]) {
			if (glob && strchr("*?[\\", *p))
				PUT('\\');
			PUT(*p);
			continue;
		}
		const char *sub = NULL;
		char envbuf[256];
		char m = p[1];
		if (m == 'L') {
			sub = nb;
		} else if (m == 'h' || m == 'N') {
			sub = L->hostname;
		} else if (m == '$' && p[2] == '(') {
			const char *e = strchr(p + 3, ')');
			if (e && (size_t)(e - (p + 3)) < sizeof(envbuf)) {
				memcpy(envbuf, p + 3, (size_t)(e - (p + 3)));
				envbuf[e - (p + 3)] = 0;
				const char *v = getenv(envbuf);
				p = e; /* the loop's p++ skips ')' */
				if (v) {
					for (; *v; v++) {
						if (glob && strchr("*?[\\", *v))
							PUT('\\');
						PUT(*v);
					}
					continue;
				}
				if (client_macro && !*client_macro)
					*client_macro = '$';
				if (glob)
					PUT('*');
				continue;
			}
		} else if (isalpha((unsigned char)m)) {
			if (client_macro && !*client_macro)
				*client_macro = m;
			if (glob)
				PUT('*');
			p++;
			continue;
		}
		if (!sub) { /* "%%", "%5" ...: literal */
			PUT(*p);
			continue;
		}
		for (; *sub; sub++) {
			if (glob && strchr("*?[\\", *sub))
				PUT('\\');
			PUT(*sub);
		}
		p++;
	}
	out[o] = 0;
#undef PUT
}

static void process_file(struct loader *L, const char *path, int depth, bool from_include,
                         const char *from_file, int from_line);

static void do_include(struct loader *L, const char *value, const char *file, int line, int depth)
{
	if (!strcmp(value, "registry")) {
		problem(L, ND_SMBCONF_NOTE, file, line,
		        "include = registry: shares kept in the registry are not read");
		return;
	}
	char path[PATH_MAX], macro = 0;
	expand_macros(L, value, path, sizeof(path), false, &macro);
	if (macro)
		problem(L, ND_SMBCONF_NOTE, file, line,
		        "include = %s depends on the client (%%%c); read as testparm does, with "
		        "the macro empty: %s",
		        value, macro, path);
	if (depth + 1 >= MAX_INCLUDE_DEPTH) {
		problem(L, ND_SMBCONF_ERROR, file, line,
		        "include = %s: more than %d nested includes", value, MAX_INCLUDE_DEPTH);
		return;
	}
	process_file(L, path, depth + 1, true, file, line);
}

static void do_copy(struct loader *L, const char *value, const char *file, int line)
{
	struct section *dst = &L->secs[L->cur];
	for (size_t i = 1; i < L->n_secs; i++) {
		if (i == L->cur || strcasecmp(L->secs[i].name, value))
			continue;
		struct section *src = &L->secs[i];
		for (size_t k = 0; k < src->n; k++) {
			struct param *p = &src->params[k];
			if (!find_param(dst, p->key))
				set_param(L, dst, p->key, p->value, p->file, p->line,
				          p->from_include);
			dst = &L->secs[L->cur]; /* set_param never moves sections */
		}
		return;
	}
	problem(L, ND_SMBCONF_NOTE, file, line, "copy = %s: no such share defined before this line",
	        value);
}

static const char *const global_only[] = {"usersharepath", "usersharemaxshares", "netbiosname",
                                          "configfile"};

static void do_param(struct loader *L, char *key_raw, char *value, const char *file, int line,
                     int depth, bool from_include)
{
	char key[128];
	normalise_key(key_raw, key, sizeof(key));
	if (!strcmp(key, "include")) {
		do_include(L, value, file, line, depth);
		return;
	}
	if (!strcmp(key, "copy") && L->cur != 0) {
		do_copy(L, value, file, line);
		return;
	}
	if (!strcmp(key, "directory"))
		strcpy(key, "path"); /* synonym */
	if (L->cur != 0) {
		for (size_t i = 0; i < ND_ARRAY_LEN(global_only); i++)
			if (!strcmp(key, global_only[i])) {
				problem(L, ND_SMBCONF_NOTE, file, line,
				        "global parameter '%s' in section [%s] is ignored", key_raw,
				        L->secs[L->cur].name);
				return;
			}
	} else if (!strcmp(key, "netbiosname")) {
		free(L->c->netbios_name);
		L->c->netbios_name = xstrdup(L, value);
	} else if (!strcmp(key, "configfile")) {
		char p[PATH_MAX];
		expand_macros(L, value, p, sizeof(p), false, NULL);
		free(L->config_file);
		L->config_file = p[0] ? xstrdup(L, p) : NULL;
	}
	set_param(L, &L->secs[L->cur], key, value, file, line, from_include);
}

static void do_section(struct loader *L, const char *name, const char *file, int line,
                       bool from_include)
{
	if (is_global_name(name)) {
		L->cur = 0;
		return;
	}
	for (size_t i = 1; i < L->n_secs; i++)
		if (!strcasecmp(L->secs[i].name, name)) {
			L->cur = i;
			return;
		}
	if (new_section(L, name, file, line, from_include))
		L->cur = L->n_secs - 1;
}

/* One logical line, tini.c's get_line(): returns false at the end. *line is
 * the physical line the logical line starts on. */
static bool get_line(const char **pp, const char *end, char *buf, size_t cap, int *lineno,
                     int *start_line, bool *too_long)
{
	const char *p = *pp;
	*too_long = false;
	for (;;) {
		while (p < end && *p != '\n' && isspace((unsigned char)*p))
			p++;
		if (p >= end) {
			*pp = p;
			return false;
		}
		if (*p == '#' || *p == ';') {
			while (p < end && *p != '\n')
				p++;
			if (p < end) {
				p++;
				(*lineno)++;
			}
			continue;
		}
		if (*p == '\n') {
			p++;
			(*lineno)++;
			continue;
		}
		break;
	}
	*start_line = *lineno;
	size_t pos = 0;
	for (; p < end; p++) {
		char ch = *p;
		if (ch == '\n') {
			(*lineno)++;
			if (pos > 0 && buf[pos - 1] == '\\') {
				pos -= 1;
				continue;
			}
			if (pos > 1 && buf[pos - 2] == '\\' &&
			    isspace((unsigned char)buf[pos - 1])) {
				pos -= 2;
				continue;
			}
			p++;
			break;
		}
		if (pos > 0 && isspace((unsigned char)buf[pos - 1]) && isspace((unsigned char)ch))
			continue;
		if (pos + 1 < cap)
			buf[pos++] = ch;
		else
			*too_long = true;
	}
	buf[pos] = 0;
	*pp = p;
	return true;
}

static char *trim_one_space(char *s)
{
	if (isspace((unsigned char)s[0]))
		s++;
	size_t l = strlen(s);
	if (l && isspace((unsigned char)s[l - 1]))
		s[l - 1] = 0;
	return s;
}

static char *read_all(const char *path, size_t max, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno;
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		*err = EISDIR;
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			if (cap >= max) {
				*err = EFBIG;
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				*err = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				*err = errno ? errno : EIO;
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static void process_file(struct loader *L, const char *path, int depth, bool from_include,
                         const char *from_file, int from_line)
{
	size_t len;
	int err = 0;
	char *text = read_all(path, MAX_CONF_FILE, &len, &err);
	if (!text) {
		if (from_include)
			problem(L, ND_SMBCONF_NOTE, from_file, from_line,
			        "include file %s cannot be read (%s); Samba skips it", path,
			        strerror(err));
		else
			problem(L, ND_SMBCONF_ERROR, path, 0, "cannot read: %s", strerror(err));
		return;
	}
	if (from_include)
		L->c->includes++;
	else
		L->c->loaded = true;
	char *buf = malloc(len + 1);
	if (!buf) {
		L->oom = true;
		free(text);
		return;
	}
	const char *p = text, *end = text + len;
	int lineno = 1, start;
	bool too_long;
	while (!L->oom && get_line(&p, end, buf, len + 1, &lineno, &start, &too_long)) {
		if (!buf[0])
			continue;
		if (buf[0] == '[') {
			char *q = strchr(buf + 1, ']');
			if (!q) {
				problem(L, ND_SMBCONF_ERROR, path, start,
				        "section header without ']': Samba stops loading here");
				L->in_broken_section = true;
				continue;
			}
			*q = 0;
			L->in_broken_section = false;
			do_section(L, buf + 1, path, start, from_include);
			continue;
		}
		char *eq = strchr(buf, '=');
		if (!eq)
			continue; /* ignored by Samba too */
		*eq = 0;
		char *key = trim_one_space(buf);
		if (!key[0]) {
			problem(L, ND_SMBCONF_ERROR, path, start,
			        "'=' without a parameter name: Samba stops loading here");
			continue;
		}
		char *value = trim_one_space(eq + 1);
		if (!L->in_broken_section)
			do_param(L, key, value, path, start, depth, from_include);
	}
	free(buf);
	free(text);
}

/* ---- shares ---- */

static struct nd_smbconf_share *add_share(struct loader *L)
{
	struct nd_smbconf *c = L->c;
	struct nd_smbconf_share *shares =
	        nd_array_grow(c->shares, &L->cap_shares, c->n_shares, sizeof(*shares), 16);
	if (!shares) {
		L->oom = true;
		return NULL;
	}
	c->shares = shares;
	struct nd_smbconf_share *s = &c->shares[c->n_shares++];
	memset(s, 0, sizeof(*s));
	return s;
}

static void strip_trailing_slash(char *p)
{
	size_t l = strlen(p);
	while (l > 1 && p[l - 1] == '/')
		p[--l] = 0;
}

/* Sets path, glob and real from a configured value. */
static void share_set_path(struct loader *L, struct nd_smbconf_share *s, const char *value)
{
	char plain[PATH_MAX], glob[PATH_MAX * 2], macro = 0;
	expand_macros(L, value, glob, sizeof(glob), true, &macro);
	/* The display path keeps client macros as written. */
	char shown[PATH_MAX];
	size_t o = 0;
	char nb[32];
	if (L->c->netbios_name)
		nd_str_copy(nb, sizeof(nb), L->c->netbios_name);
	else
		default_netbios(L, nb, sizeof(nb));
	for (const char *p = value; *p && o + 1 < sizeof(shown); p++) {
		const char *sub = NULL;
		if (*p == '%' && (p[1] == 'L'))
			sub = nb;
		else if (*p == '%' && (p[1] == 'h' || p[1] == 'N'))
			sub = L->hostname;
		if (sub) {
			size_t sl = strlen(sub);
			if (o + sl + 1 < sizeof(shown)) {
				memcpy(shown + o, sub, sl);
				o += sl;
			}
			p++;
			continue;
		}
		shown[o++] = *p;
	}
	shown[o] = 0;
	strip_trailing_slash(shown);
	strip_trailing_slash(glob);
	s->path = xstrdup(L, shown);
	if (macro) {
		s->pattern = true;
		s->glob = xstrdup(L, glob);
		return;
	}
	nd_str_copy(plain, sizeof(plain), shown);
	char real[PATH_MAX];
	if (plain[0] == '/' && realpath(plain, real) && strcmp(real, plain))
		s->real = xstrdup(L, real);
}

static void read_login_defs(unsigned *uid_min, unsigned *uid_max)
{
	FILE *f = fopen("/etc/login.defs", "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned v;
		if (sscanf(line, " UID_MIN %u", &v) == 1)
			*uid_min = v;
		else if (sscanf(line, " UID_MAX %u", &v) == 1)
			*uid_max = v;
	}
	fclose(f);
}

/* [homes] without a path: one share per login user (uid in UID_MIN..UID_MAX,
 * as useradd makes them), at the passwd home directory. */
static void add_home_users(struct loader *L, const struct section *sec,
                           const struct nd_smbconf_options *opt)
{
	unsigned uid_min = 1000, uid_max = 60000;
	FILE *f = NULL;
	if (opt->passwd_file) {
		f = fopen(opt->passwd_file, "r");
		if (!f) {
			problem(L, ND_SMBCONF_NOTE, opt->passwd_file, 0,
			        "cannot read the passwd file: %s", strerror(errno));
			return;
		}
	} else {
		read_login_defs(&uid_min, &uid_max);
		setpwent();
	}
	struct passwd *pw;
	while ((pw = f ? fgetpwent(f) : getpwent())) {
		if (pw->pw_uid < uid_min || pw->pw_uid > uid_max || pw->pw_uid == 65534)
			continue;
		if (pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/") ||
		    strstr(pw->pw_dir, "nonexistent"))
			continue;
		struct nd_smbconf_share *s = add_share(L);
		if (!s)
			break;
		s->kind = ND_SMBCONF_HOME_USER;
		s->name = xstrdup(L, sec->name);
		s->user = xstrdup(L, pw->pw_name);
		s->file = xstrdup(L, opt->passwd_file ? opt->passwd_file : "passwd");
		s->line = 0;
		share_set_path(L, s, pw->pw_dir);
	}
	if (f)
		fclose(f);
	else
		endpwent();
}

static void parse_usershare(struct loader *L, const char *dir, const char *fname)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, fname);
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if (st.st_size > MAX_USERSHARE_FILE) {
		problem(L, ND_SMBCONF_NOTE, path, 0,
		        "usershare file larger than %d bytes: Samba ignores it",
		        MAX_USERSHARE_FILE);
		return;
	}
	size_t len;
	int err = 0;
	char *text = read_all(path, MAX_USERSHARE_FILE + 1, &len, &err);
	if (!text) {
		problem(L, ND_SMBCONF_NOTE, path, 0, "cannot read usershare file: %s",
		        strerror(err));
		return;
	}
	char sharepath[PATH_MAX] = "", name[256] = "";
	int version = 0, lineno = 0;
	char *save = NULL;
	char *buf = malloc(len + 1);
	if (!buf) {
		free(text);
		L->oom = true;
		return;
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	for (char *ln = strtok_r(buf, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		lineno++;
		size_t l = strlen(ln);
		if (l && ln[l - 1] == '\r')
			ln[l - 1] = 0;
		if (!strncmp(ln, "#VERSION ", 9))
			version = atoi(ln + 9);
		else if (!strncmp(ln, "path=", 5))
			nd_str_copy(sharepath, sizeof(sharepath), ln + 5);
		else if (!strncmp(ln, "sharename=", 10))
			nd_str_copy(name, sizeof(name), ln + 10);
	}
	free(buf);
	free(text);
	if (version < 1 || version > 2) {
		problem(L, ND_SMBCONF_NOTE, path, 1,
		        "not a usershare file (no '#VERSION 1' or '#VERSION 2' line)");
		return;
	}
	if (sharepath[0] != '/') {
		problem(L, ND_SMBCONF_NOTE, path, 0, "usershare without an absolute path= line");
		return;
	}
	if (!name[0])
		nd_str_copy(name, sizeof(name), fname);
	for (size_t i = 1; i < L->n_secs; i++)
		if (!strcasecmp(L->secs[i].name, name)) {
			problem(L, ND_SMBCONF_NOTE, path, 0,
			        "usershare %s has the name of a share in smb.conf, which wins",
			        name);
			return;
		}
	struct nd_smbconf_share *s = add_share(L);
	if (!s)
		return;
	s->kind = ND_SMBCONF_USERSHARE;
	s->name = xstrdup(L, name);
	s->file = xstrdup(L, path);
	s->line = 0;
	/* usershare paths are literal: no macros */
	char p[PATH_MAX], real[PATH_MAX];
	nd_str_copy(p, sizeof(p), sharepath);
	strip_trailing_slash(p);
	s->path = xstrdup(L, p);
	if (realpath(p, real) && strcmp(real, p))
		s->real = xstrdup(L, real);
}

static int not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static void read_usershares(struct loader *L)
{
	const char *dir = L->c->usershare_path;
	if (!dir || !dir[0] || !L->c->usershare_max)
		return;
	struct dirent **names;
	int n = scandir(dir, &names, not_hidden, alphasort);
	if (n < 0) {
		if (errno != ENOENT)
			problem(L, ND_SMBCONF_NOTE, dir, 0,
			        "cannot read the usershare directory: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		parse_usershare(L, dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void build_shares(struct loader *L, const struct nd_smbconf_options *opt)
{
	struct section *g = &L->secs[0];
	const char *up = get_param(g, "usersharepath");
	L->c->usershare_path = xstrdup(L, up ? up : "/var/lib/samba/usershares");
	const char *um = get_param(g, "usersharemaxshares");
	L->c->usershare_max = um ? (unsigned)strtoul(um, NULL, 10) : 100;
	const char *gpath = get_param(g, "path");
	for (size_t i = 1; i < L->n_secs && !L->oom; i++) {
		struct section *sec = &L->secs[i];
		struct param *pp = find_param(sec, "path");
		bool homes = !strcasecmp(sec->name, "homes");
		struct nd_smbconf_share *s = add_share(L);
		if (!s)
			return;
		s->kind = homes                                ? ND_SMBCONF_HOMES
		          : !strcasecmp(sec->name, "printers") ? ND_SMBCONF_PRINTERS
		                                               : ND_SMBCONF_SHARE;
		s->name = xstrdup(L, sec->name);
		s->file = xstrdup(L, pp ? pp->file : sec->file);
		s->line = pp ? pp->line : sec->line;
		s->from_include = pp ? pp->from_include : sec->from_include;
		const char *v = pp ? pp->value : "";
		if (homes && (!v[0] || (gpath && !strcmp(v, gpath)))) {
			s->global_path = true;
			s->path = xstrdup(L, "");
			add_home_users(L, &L->secs[i], opt);
			continue;
		}
		share_set_path(L, s, v);
	}
	read_usershares(L);
}

struct nd_smbconf *nd_smbconf_load(const struct nd_smbconf_options *opt)
{
	struct nd_smbconf *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	struct loader L = {.c = c};
	const char *path = opt->path ? opt->path : ND_SMBCONF_DEFAULT;
	c->path = xstrdup(&L, path);
	if (opt->hostname)
		nd_str_copy(L.hostname, sizeof(L.hostname), opt->hostname);
	else if (gethostname(L.hostname, sizeof(L.hostname) - 1) != 0)
		strcpy(L.hostname, "localhost");
	struct stat st;
	if (opt->missing_ok && stat(path, &st) != 0 && errno == ENOENT) {
		problem(&L, ND_SMBCONF_NOTE, path, 0,
		        "no such file: denials cannot be matched to shares");
		goto out;
	}
	if (!new_section(&L, "global", path, 0, false))
		goto out;
	process_file(&L, path, 0, false, NULL, 0);
	if (L.config_file && strcmp(L.config_file, path)) {
		/* loadparm: "config file = X" reloads everything from X */
		if (access(L.config_file, R_OK) == 0) {
			problem(&L, ND_SMBCONF_NOTE, path, 0,
			        "config file = %s: Samba reloads from it", L.config_file);
			char *cf = L.config_file;
			L.config_file = NULL;
			for (size_t i = 0; i < L.n_secs; i++) {
				for (size_t k = 0; k < L.secs[i].n; k++) {
					free(L.secs[i].params[k].key);
					free(L.secs[i].params[k].value);
					free(L.secs[i].params[k].file);
				}
				L.secs[i].n = 0;
				if (i) {
					free(L.secs[i].name);
					free(L.secs[i].file);
					free(L.secs[i].params);
				}
			}
			L.n_secs = 1;
			L.cur = 0;
			process_file(&L, cf, 1, true, path, 0);
			free(cf);
		}
	}
	if (c->loaded)
		build_shares(&L, opt);
out:
	for (size_t i = 0; i < L.n_secs; i++) {
		for (size_t k = 0; k < L.secs[i].n; k++) {
			free(L.secs[i].params[k].key);
			free(L.secs[i].params[k].value);
			free(L.secs[i].params[k].file);
		}
		free(L.secs[i].params);
		free(L.secs[i].name);
		free(L.secs[i].file);
	}
	free(L.secs);
	free(L.config_file);
	if (L.oom) {
		nd_smbconf_free(c);
		return NULL;
	}
	return c;
}

void nd_smbconf_free(struct nd_smbconf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_shares; i++) {
		struct nd_smbconf_share *s = &c->shares[i];
		free(s->name);
		free(s->user);
		free(s->path);
		free(s->real);
		free(s->file);
		free(s->glob);
	}
	for (size_t i = 0; i < c->n_problems; i++) {
		free(c->problems[i].file);
		free(c->problems[i].message);
	}
	free(c->shares);
	free(c->problems);
	free(c->path);
	free(c->usershare_path);
	free(c->netbios_name);
	free(c);
}

/* ---- matching ---- */

/* Length of the prefix of p that root covers on a component boundary, +1
 * (so a share at "/" scores 1); 0 when it does not cover p. */
static size_t prefix_score(const char *root, const char *p, size_t plen)
{
	if (!root || root[0] != '/')
		return 0;
	size_t rl = strlen(root);
	if (rl == 1)
		return 1;
	if (rl > plen || memcmp(root, p, rl) || (rl < plen && p[rl] != '/'))
		return 0;
	return rl + 1;
}

static size_t glob_score(const char *glob, const char *p)
{
	if (!glob || glob[0] != '/')
		return 0;
	const char *g = glob + 1, *q = p + 1;
	char gc[PATH_MAX], pc[PATH_MAX];
	while (*g) {
		const char *ge = strchr(g, '/');
		size_t gl = ge ? (size_t)(ge - g) : strlen(g);
		if (!*q)
			return 0;
		const char *qe = strchr(q, '/');
		size_t ql = qe ? (size_t)(qe - q) : strlen(q);
		if (gl >= sizeof(gc) || ql >= sizeof(pc))
			return 0;
		memcpy(gc, g, gl);
		gc[gl] = 0;
		memcpy(pc, q, ql);
		pc[ql] = 0;
		if (fnmatch(gc, pc, 0) != 0)
			return 0;
		g += gl + (ge ? 1 : 0);
		q += ql + (qe ? 1 : 0);
		if (!ge)
			break;
	}
	size_t used = (size_t)(q - p);
	if (used && p[used - 1] == '/')
		used--;
	return used + 1;
}

long nd_smbconf_match_path(const struct nd_smbconf *c, const char *abs_path)
{
	if (!c || !abs_path || abs_path[0] != '/')
		return -1;
	char p[PATH_MAX];
	nd_str_copy(p, sizeof(p), abs_path);
	strip_trailing_slash(p);
	size_t plen = strlen(p);
	long best = -1;
	size_t best_score = 0;
	bool best_pattern = true;
	for (size_t i = 0; i < c->n_shares; i++) {
		const struct nd_smbconf_share *s = &c->shares[i];
		size_t sc;
		if (s->pattern) {
			sc = glob_score(s->glob, p);
		} else {
			sc = prefix_score(s->path, p, plen);
			sc = ND_MAX(sc, prefix_score(s->real, p, plen));
		}
		if (!sc)
			continue;
		if (sc > best_score || (sc == best_score && best_pattern && !s->pattern)) {
			best = (long)i;
			best_score = sc;
			best_pattern = s->pattern;
		}
	}
	return best;
}

long nd_smbconf_find_share(const struct nd_smbconf *c, const char *name)
{
	if (!c || !name)
		return -1;
	long homes = -1;
	for (size_t i = 0; i < c->n_shares; i++) {
		const struct nd_smbconf_share *s = &c->shares[i];
		if (s->kind == ND_SMBCONF_HOME_USER)
			continue;
		if (s->kind == ND_SMBCONF_HOMES)
			homes = (long)i;
		if (!strcasecmp(s->name, name))
			return (long)i;
	}
	for (size_t i = 0; i < c->n_shares; i++)
		if (c->shares[i].kind == ND_SMBCONF_HOME_USER &&
		    !strcasecmp(c->shares[i].user, name))
			return (long)i;
	if (homes >= 0 && c->shares[homes].pattern)
		return homes;
	return -1;
}

const char *nd_smbconf_share_dir(const struct nd_smbconf_share *s)
{
	return s->real ? s->real : s->path;
}

const char *nd_smbconf_kind_name(enum nd_smbconf_kind k)
{
	switch (k) {
	case ND_SMBCONF_PRINTERS:
		return "printers";
	case ND_SMBCONF_HOMES:
		return "homes";
	case ND_SMBCONF_HOME_USER:
		return "home";
	case ND_SMBCONF_USERSHARE:
		return "usershare";
	default:
		return "share";
	}
}
