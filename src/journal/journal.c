/* SPDX-License-Identifier: MIT */
/* sd-journal reader for the AppArmor section (docs/apparmor.md, "Sources").
 * Each saved file is first opened on its own so that one bad file is named
 * and left out instead of failing (or silently emptying) the whole run. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "journal/journal.h"

struct nd_journal {
	sd_journal *j;
	struct nd_journal_problem *problems;
	size_t n_problems, cap_problems;
	char **paths; /* files that opened on their own */
	size_t n_paths, cap_paths;
	char *msg; /* copy of the current MESSAGE */
	size_t msg_cap;
	nd_ns until;
	bool ended_by_until;
	bool failed;
};

static void problem(struct nd_journal *j, const char *source, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void problem(struct nd_journal *j, const char *source, const char *fmt, ...)
{
	if (j->n_problems == j->cap_problems) {
		size_t cap = j->cap_problems ? j->cap_problems * 2 : 8;
		struct nd_journal_problem *n = realloc(j->problems, cap * sizeof(*n));
		if (!n)
			return;
		j->problems = n;
		j->cap_problems = cap;
	}
	struct nd_journal_problem *p = &j->problems[j->n_problems++];
	nd_str_copy(p->source, sizeof(p->source), source);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
}

static int add_path(struct nd_journal *j, const char *path)
{
	if (j->n_paths == j->cap_paths) {
		size_t cap = j->cap_paths ? j->cap_paths * 2 : 8;
		char **n = realloc(j->paths, (cap + 1) * sizeof(*n));
		if (!n)
			return -1;
		j->paths = n;
		j->cap_paths = cap;
	}
	j->paths[j->n_paths] = strdup(path);
	if (!j->paths[j->n_paths])
		return -1;
	j->n_paths++;
	j->paths[j->n_paths] = NULL;
	return 0;
}

/* Opens one file alone and reads its first entry: a file that is not a
 * journal, or is damaged beyond its header, fails here. */
static void check_file(struct nd_journal *j, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		problem(j, path, "cannot open: %s", strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		problem(j, path, "%s", "not a regular file");
		return;
	}
	if (access(path, R_OK) != 0) {
		problem(j, path, "cannot read: %s", strerror(errno));
		return;
	}
	sd_journal *t = NULL;
	const char *one[2] = {path, NULL};
	int r = sd_journal_open_files(&t, one, 0);
	if (r >= 0) {
		/* sd_journal_open_files() skips files it cannot use; a file it
		 * kept has a usable header. */
		uint64_t usage = 0;
		r = sd_journal_get_usage(t, &usage);
		if (r >= 0 && usage == 0)
			r = -EBADMSG;
		if (r >= 0) {
			r = sd_journal_seek_head(t);
			if (r >= 0)
				r = sd_journal_next(t);
		}
	}
	if (t)
		sd_journal_close(t);
	if (r < 0) {
		problem(j, path, "not a journal file, or damaged (%s)", strerror(-r));
		return;
	}
	if (add_path(j, path))
		problem(j, path, "%s", "out of memory");
}

static bool journal_name(const char *n)
{
	size_t l = strlen(n);
	return (l > 8 && !strcmp(n + l - 8, ".journal")) ||
	       (l > 9 && !strcmp(n + l - 9, ".journal~"));
}

static int not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Adds the journal files of dir (and of its subdirectories when depth > 0),
 * in name order so that runs are reproducible. */
static size_t scan_dir(struct nd_journal *j, const char *dir, int depth)
{
	struct dirent **names;
	int n = scandir(dir, &names, not_hidden, alphasort);
	if (n < 0) {
		if (depth > 0)
			problem(j, dir, "cannot open directory: %s", strerror(errno));
		return 0;
	}
	size_t found = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		int l = snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (l > 0 && (size_t)l < sizeof(path) && stat(path, &st) == 0) {
			if (S_ISREG(st.st_mode) && journal_name(names[i]->d_name)) {
				size_t before = j->n_paths;
				check_file(j, path);
				found += j->n_paths - before;
			} else if (S_ISDIR(st.st_mode) && depth > 0) {
				found += scan_dir(j, path, depth - 1);
			}
		}
		free(names[i]);
	}
	free(names);
	return found;
}

static int add_matches(sd_journal *sj)
{
	int r = 0;
	r |= sd_journal_add_match(sj, "_TRANSPORT=kernel", 0);
	r |= sd_journal_add_disjunction(sj);
	r |= sd_journal_add_match(sj, "_TRANSPORT=audit", 0);
	r |= sd_journal_add_match(sj, "_AUDIT_TYPE=1400", 0);
	r |= sd_journal_add_match(sj, "_AUDIT_TYPE=1107", 0);
	r |= sd_journal_add_disjunction(sj);
	r |= sd_journal_add_match(sj, "SYSLOG_IDENTIFIER=audispd", 0);
	r |= sd_journal_add_match(sj, "SYSLOG_IDENTIFIER=audisp-syslog", 0);
	r |= sd_journal_add_match(sj, "SYSLOG_IDENTIFIER=dbus-daemon", 0);
	return r < 0 ? -1 : 0;
}

static bool dir_has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *de;
	bool any = false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

static void open_system(struct nd_journal *j)
{
	static const char *const dirs[] = {"/var/log/journal", "/run/log/journal"};
	bool exists = false, readable = false, denied = false;
	for (size_t i = 0; i < ND_ARRAY_LEN(dirs); i++) {
		struct stat st;
		if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		exists = true;
		if (access(dirs[i], R_OK | X_OK) != 0)
			denied = true;
		else if (dir_has_entries(dirs[i]))
			readable = true;
	}
	if (!exists || (!readable && !denied)) {
		problem(j, "system journal", "%s",
		        exists ? "no journal files in /var/log/journal or /run/log/journal "
		                 "(journald does not run here?)"
		               : "no journal here (neither /var/log/journal nor /run/log/journal "
		                 "exists)");
		return;
	}
	int r = sd_journal_open(&j->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0) {
		problem(j, "system journal", "cannot open: %s", strerror(-r));
		j->j = NULL;
		return;
	}
	if (!readable)
		problem(j, "system journal", "%s",
		        "no access to the journal files (run as root, or join group "
		        "systemd-journal or adm)");
}

struct nd_journal *nd_journal_open(const struct nd_journal_options *opt)
{
	struct nd_journal *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->until = opt->until;
	if (!opt->n_files && !opt->n_dirs) {
		open_system(j);
	} else {
		for (size_t i = 0; i < opt->n_files; i++)
			check_file(j, opt->files[i]);
		for (size_t i = 0; i < opt->n_dirs; i++) {
			struct stat st;
			if (stat(opt->dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
				problem(j, opt->dirs[i], "%s", "not a directory");
				continue;
			}
			if (scan_dir(j, opt->dirs[i], 1) == 0)
				problem(j, opt->dirs[i], "%s", "no usable journal files in it");
		}
		if (j->n_paths) {
			int r = sd_journal_open_files(&j->j, (const char **)j->paths, 0);
			if (r < 0) {
				problem(j, j->paths[0], "cannot open the journal files: %s",
				        strerror(-r));
				j->j = NULL;
			}
		}
	}
	if (!j->j)
		return j;
	sd_journal_set_data_threshold(j->j, 0);
	if (add_matches(j->j)) {
		problem(j, "journal", "%s", "cannot set the journal matches");
		sd_journal_close(j->j);
		j->j = NULL;
		return j;
	}
	int r;
	if (opt->from_tail) {
		/* seek_tail + next would return the last old entry (systemd#9934) */
		r = sd_journal_seek_tail(j->j);
		if (r >= 0)
			r = sd_journal_previous(j->j);
	} else if (opt->since > 0) {
		r = sd_journal_seek_realtime_usec(j->j, (uint64_t)(opt->since / ND_NS_PER_US));
	} else {
		r = sd_journal_seek_head(j->j);
	}
	if (r < 0)
		problem(j, "journal", "cannot seek: %s", strerror(-r));
	return j;
}

/* Value of FIELD in the current entry, or NULL; *len excludes "FIELD=". */
static const char *field(sd_journal *sj, const char *name, size_t *len)
{
	const void *d;
	size_t l;
	if (sd_journal_get_data(sj, name, &d, &l) < 0)
		return NULL;
	size_t nl = strlen(name);
	if (l <= nl || memcmp(d, name, nl) || ((const char *)d)[nl] != '=')
		return NULL;
	*len = l - nl - 1;
	return (const char *)d + nl + 1;
}

static bool field_u64(sd_journal *sj, const char *name, uint64_t *out)
{
	size_t l;
	const char *v = field(sj, name, &l);
	if (!v || !l || l > 20)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < l; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return true;
}

static void field_str(sd_journal *sj, const char *name, char *buf, size_t n)
{
	size_t l;
	const char *v = field(sj, name, &l);
	buf[0] = 0;
	if (v) {
		l = ND_MIN(l, n - 1);
		memcpy(buf, v, l);
		buf[l] = 0;
	}
}

static enum nd_journal_transport transport(sd_journal *sj)
{
	char t[16];
	field_str(sj, "_TRANSPORT", t, sizeof(t));
	if (!strcmp(t, "kernel"))
		return ND_JOURNAL_T_KERNEL;
	if (!strcmp(t, "audit"))
		return ND_JOURNAL_T_AUDIT;
	if (!strcmp(t, "syslog"))
		return ND_JOURNAL_T_SYSLOG;
	if (!strcmp(t, "journal") || !strcmp(t, "stdout"))
		return ND_JOURNAL_T_JOURNAL;
	return ND_JOURNAL_T_OTHER;
}

int nd_journal_next(struct nd_journal *j, struct nd_journal_entry *e)
{
	if (!j->j || j->failed || j->ended_by_until)
		return 0;
	int r = sd_journal_next(j->j);
	if (r == 0)
		return 0;
	if (r < 0) {
		problem(j, j->n_paths == 1 ? j->paths[0] : "journal", "read error: %s",
		        strerror(-r));
		j->failed = true;
		return -1;
	}
	memset(e, 0, sizeof(*e));
	uint64_t usec = 0;
	if (sd_journal_get_realtime_usec(j->j, &usec) >= 0)
		e->realtime = (nd_ns)usec * ND_NS_PER_US;
	if (j->until > 0 && e->realtime > j->until) {
		j->ended_by_until = true;
		return 0;
	}
	size_t l = 0;
	const char *m = field(j->j, "MESSAGE", &l);
	e->message_len = m ? l : 0;
	if (m && l <= ND_JOURNAL_MAX_MESSAGE) {
		if (l + 1 > j->msg_cap) {
			char *n = realloc(j->msg, l + 1);
			if (n) {
				j->msg = n;
				j->msg_cap = l + 1;
			}
		}
		if (l + 1 <= j->msg_cap) {
			memcpy(j->msg, m, l);
			j->msg[l] = 0;
			e->message = j->msg;
		}
	}
	e->transport = transport(j->j);
	uint64_t v;
	e->audit_type = field_u64(j->j, "_AUDIT_TYPE", &v) && v < 100000 ? (int)v : -1;
	e->has_audit_id = field_u64(j->j, "_AUDIT_ID", &e->audit_id);
	if (field_u64(j->j, "_SOURCE_REALTIME_TIMESTAMP", &v) && v < UINT64_C(9000000000000000))
		e->source_realtime = (nd_ns)v * ND_NS_PER_US;
	field_str(j->j, "_BOOT_ID", e->boot_id, sizeof(e->boot_id));
	field_str(j->j, "SYSLOG_IDENTIFIER", e->identifier, sizeof(e->identifier));
	field_str(j->j, "_COMM", e->comm, sizeof(e->comm));
	e->priority = field_u64(j->j, "PRIORITY", &v) && v < 8 ? (int)v : -1;
	e->file = j->n_paths == 1 ? j->paths[0] : NULL;
	return 1;
}

int nd_journal_wait(struct nd_journal *j, uint64_t usec)
{
	if (!j->j || j->failed)
		return -1;
	j->ended_by_until = false;
	int r = sd_journal_wait(j->j, usec);
	if (r < 0) {
		problem(j, "journal", "wait failed: %s", strerror(-r));
		return -1;
	}
	return r == SD_JOURNAL_NOP ? 0 : 1;
}

const struct nd_journal_problem *nd_journal_problems(const struct nd_journal *j, size_t *n)
{
	*n = j->n_problems;
	return j->problems;
}

size_t nd_journal_files_open(const struct nd_journal *j)
{
	return j->j ? j->n_paths : 0;
}

void nd_journal_close(struct nd_journal *j)
{
	if (!j)
		return;
	if (j->j)
		sd_journal_close(j->j);
	for (size_t i = 0; i < j->n_paths; i++)
		free(j->paths[i]);
	free(j->paths);
	free(j->problems);
	free(j->msg);
	free(j);
}

/* ---- following (netdiag daemon) ---- */

static int add_samba_matches(sd_journal *sj)
{
	static const char *const comms[] = {"_COMM=smbd", "_COMM=nmbd", "_COMM=winbindd",
	                                    "_COMM=samba"};
	int r = sd_journal_add_disjunction(sj);
	for (size_t i = 0; i < ND_ARRAY_LEN(comms); i++)
		r |= sd_journal_add_match(sj, comms[i], 0);
	for (int p = 0; p <= 3; p++) {
		char m[16];
		snprintf(m, sizeof(m), "PRIORITY=%d", p);
		r |= sd_journal_add_match(sj, m, 0);
	}
	return r < 0 ? -1 : 0;
}

/* The resume algorithm of docs/service.md: the saved entry itself was
 * handled, so continue after it; a vacuumed entry leaves the position on the
 * closest later one, which is read first. */
static bool seek_cursor(struct nd_journal *j, const char *cursor)
{
	int r = sd_journal_seek_cursor(j->j, cursor);
	if (r < 0) {
		problem(j, "journal", "saved cursor not usable (%s); starting at the tail",
		        strerror(-r));
		return false;
	}
	r = sd_journal_next(j->j);
	if (r < 0) {
		problem(j, "journal", "cannot seek to the saved cursor: %s", strerror(-r));
		return false;
	}
	if (r == 0) {
		/* nothing at or after the cursor: the journal ends before it; the
		 * tail is the right place */
		return false;
	}
	if (sd_journal_test_cursor(j->j, cursor) <= 0)
		sd_journal_previous(j->j);
	return true;
}

struct nd_journal *nd_journal_open_follow(const struct nd_journal_follow_options *o, bool *resumed)
{
	if (resumed)
		*resumed = false;
	struct nd_journal *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	if (!o->dir) {
		open_system(j);
	} else {
		struct stat st;
		int r;
		if (stat(o->dir, &st) != 0)
			r = -errno;
		else if (!S_ISDIR(st.st_mode))
			r = -ENOTDIR;
		else
			r = sd_journal_open_directory(&j->j, o->dir, 0);
		if (r < 0) {
			problem(j, o->dir, "cannot open the journal directory: %s", strerror(-r));
			j->j = NULL;
		}
	}
	if (!j->j)
		return j;
	sd_journal_set_data_threshold(j->j, 0);
	if (add_matches(j->j) || (o->samba_errors && add_samba_matches(j->j))) {
		problem(j, "journal", "%s", "cannot set the journal matches");
		sd_journal_close(j->j);
		j->j = NULL;
		return j;
	}
	bool found = o->cursor && *o->cursor && seek_cursor(j, o->cursor);
	if (!found) {
		int r = sd_journal_seek_tail(j->j);
		if (r >= 0)
			r = sd_journal_previous(j->j);
		if (r < 0)
			problem(j, "journal", "cannot seek: %s", strerror(-r));
	}
	if (resumed)
		*resumed = found;
	return j;
}

int nd_journal_fd(struct nd_journal *j)
{
	if (!j->j)
		return -1;
	int fd = sd_journal_get_fd(j->j);
	return fd < 0 ? -1 : fd;
}

int nd_journal_fd_events(struct nd_journal *j)
{
	int ev = j->j ? sd_journal_get_events(j->j) : -1;
	return ev < 0 ? 0 : ev;
}

int nd_journal_timeout_ms(struct nd_journal *j)
{
	uint64_t t;
	if (!j->j || sd_journal_get_timeout(j->j, &t) < 0 || t == (uint64_t)-1)
		return -1;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	if (t <= now)
		return 0;
	uint64_t ms = (t - now + 999) / 1000;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int nd_journal_process(struct nd_journal *j)
{
	if (!j->j || j->failed)
		return -1;
	j->ended_by_until = false;
	int r = sd_journal_process(j->j);
	if (r < 0) {
		problem(j, "journal", "cannot process journal changes: %s", strerror(-r));
		return -1;
	}
	return r == SD_JOURNAL_NOP ? 0 : 1;
}

char *nd_journal_cursor(struct nd_journal *j)
{
	char *c = NULL;
	if (!j->j || sd_journal_get_cursor(j->j, &c) < 0)
		return NULL;
	return c;
}

/* ---- --since / --until ---- */

static int parse_num(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

static nd_ns day_start(nd_ns now, int days_back)
{
	time_t t = (time_t)(now / ND_NS_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	return (nd_ns)mktime(&tm) * ND_NS_PER_SEC;
}

int nd_journal_parse_time(const char *s, nd_ns now, nd_ns *out)
{
	if (!s || !*s)
		return -1;
	if (!strcmp(s, "now")) {
		*out = now;
		return 0;
	}
	if (!strcmp(s, "today") || !strcmp(s, "yesterday")) {
		*out = day_start(now, s[0] == 'y');
		return 0;
	}
	if (s[0] == '@' || s[0] == '-') {
		char *end;
		errno = 0;
		double v = strtod(s + 1, &end);
		if (errno || end == s + 1 || v < 0 || v > 1e11)
			return -1;
		if (s[0] == '@') {
			if (*end)
				return -1;
			*out = (nd_ns)(v * 1e9);
			return 0;
		}
		double mul = 1;
		if (!strcmp(end, "m") || !strcmp(end, "min"))
			mul = 60;
		else if (!strcmp(end, "h"))
			mul = 3600;
		else if (!strcmp(end, "d"))
			mul = 86400;
		else if (strcmp(end, "s") && *end)
			return -1;
		*out = now - (nd_ns)(v * mul * 1e9);
		return 0;
	}
	struct tm tm = {0};
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (parse_num(&p, 4, &y) || *p++ != '-' || parse_num(&p, 2, &mo) || *p++ != '-' ||
	    parse_num(&p, 2, &d))
		return -1;
	if (*p == ' ' || *p == 'T') {
		p++;
		if (parse_num(&p, 2, &h) || *p++ != ':' || parse_num(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (parse_num(&p, 2, &se))
				return -1;
		}
	}
	bool utc = false;
	if (*p == 'Z' || !strcmp(p, " UTC")) {
		utc = true;
		p += *p == 'Z' ? 1 : 4;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	time_t t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (nd_ns)t * ND_NS_PER_SEC;
	return 0;
}
