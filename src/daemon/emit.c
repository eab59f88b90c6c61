/* SPDX-License-Identifier: MIT */
/* Findings out: one structured journal entry each (sd_journal_sendv) and,
 * when configured, one JSON object per line in the findings file. A finding
 * that repeats is written once per (id, subject) per rate_limit seconds; the
 * next entry written for its key carries how many were suppressed. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "daemon/daemon_internal.h"
#include "report/report.h"

#define RL_MAX 4096

struct rl_entry {
	const char *id;
	char subject[256];
	nd_ns last; /* monotonic time of the last entry written */
	uint64_t suppressed;
};

struct nd_emitter {
	struct nd_metrics *m;
	nd_ns rate_limit;
	bool journal_send;
	int fd; /* findings file, -1 when none */
	char *path;
	struct rl_entry *rl;
	size_t n_rl;
};

struct nd_emitter *nd_emitter_new(struct nd_metrics *m)
{
	struct nd_emitter *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->rl = calloc(RL_MAX, sizeof(*e->rl));
	if (!e->rl) {
		free(e);
		return NULL;
	}
	e->m = m;
	e->fd = -1;
	e->journal_send = true;
	return e;
}

void nd_emitter_free(struct nd_emitter *e)
{
	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e->path);
	free(e->rl);
	free(e);
}

int nd_emitter_configure(struct nd_emitter *e, const struct nd_daemon_config *c, char *err,
                         size_t errlen)
{
	e->rate_limit = (nd_ns)c->rate_limit_s * ND_NS_PER_SEC;
	e->journal_send = c->journal_send;
	int fd = -1;
	if (c->findings_file) {
		fd = open(c->findings_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0) {
			snprintf(err, errlen, "%s: cannot open the findings file: %s",
			         c->findings_file, strerror(errno));
			return -1;
		}
	}
	if (e->fd >= 0)
		close(e->fd);
	e->fd = fd;
	free(e->path);
	e->path = c->findings_file ? strdup(c->findings_file) : NULL;
	return 0;
}

/* The rate-limit slot of (id, subject); the least recently written one is
 * reused when the table is full. */
static struct rl_entry *rl_find(struct nd_emitter *e, const struct nd_finding *f, bool *fresh)
{
	struct rl_entry *oldest = NULL;
	for (size_t i = 0; i < e->n_rl; i++) {
		struct rl_entry *r = &e->rl[i];
		if (!strcmp(r->id, f->id) && !strcmp(r->subject, f->subject)) {
			*fresh = false;
			return r;
		}
		if (!oldest || r->last < oldest->last)
			oldest = r;
	}
	struct rl_entry *r = e->n_rl < RL_MAX ? &e->rl[e->n_rl++] : oldest;
	memset(r, 0, sizeof(*r));
	r->id = f->id;
	nd_str_copy(r->subject, sizeof(r->subject), f->subject);
	*fresh = true;
	return r;
}

static int priority(enum nd_severity s)
{
	return s == ND_SEV_ERROR ? 3 : s == ND_SEV_WARNING ? 4 : 6;
}

/* The NETDIAG_ field for a subject kind, NULL when none fits. */
static const char *subject_field(const char *kind)
{
	static const char *const map[][2] = {
	        {"share", "NETDIAG_SHARE"},     {"path", "NETDIAG_PATH"},
	        {"file", "NETDIAG_PATH"},       {"interface", "NETDIAG_IFACE"},
	        {"flow", "NETDIAG_FLOW"},       {"client", "NETDIAG_CLIENT"},
	        {"profile", "NETDIAG_PROFILE"}, {"process", "NETDIAG_PROCESS"},
	};
	for (size_t i = 0; kind && i < ND_ARRAY_LEN(map); i++)
		if (!strcmp(kind, map[i][0]))
			return map[i][1];
	return NULL;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = NULL;
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void evidence_value(const struct nd_evidence *ev, char *buf, size_t n)
{
	switch (ev->type) {
	case ND_EV_REAL:
		snprintf(buf, n, "%.6g", ev->value_real);
		break;
	case ND_EV_STR:
		snprintf(buf, n, "%s", ev->str);
		break;
	case ND_EV_BOOL:
		snprintf(buf, n, "%s", ev->value ? "yes" : "no");
		break;
	case ND_EV_NULL:
		snprintf(buf, n, "%s", "");
		break;
	default:
		snprintf(buf, n, "%llu", (unsigned long long)ev->value);
	}
}

static void send_journal(const struct nd_finding *f, uint64_t suppressed)
{
	char *fields[24 + ND_FINDING_MAX_EVIDENCE];
	size_t n = 0;
	fields[n++] =
	        fmt("MESSAGE=%s: %s%s%s", f->id, f->summary, f->fix[0] ? " Fix: " : "", f->fix);
	fields[n++] = fmt("MESSAGE_ID=%s", nd_daemon_message_id(f->id));
	fields[n++] = fmt("PRIORITY=%d", priority(f->severity));
	fields[n++] = fmt("SYSLOG_IDENTIFIER=netdiag");
	fields[n++] = fmt("NETDIAG_FINDING=%s", f->id);
	fields[n++] = fmt("NETDIAG_SEVERITY=%s", nd_severity_name(f->severity));
	fields[n++] = fmt("NETDIAG_ROLE=%s", nd_role_name(f->role));
	fields[n++] = fmt("NETDIAG_TITLE=%s", f->title);
	/* Always sent: the catalog text names @NETDIAG_FIX@ and @NETDIAG_ADVICE@. */
	fields[n++] = fmt("NETDIAG_FIX=%s", f->fix);
	fields[n++] = fmt("NETDIAG_SUBJECT_KIND=%s", f->subject_kind ? f->subject_kind : "");
	fields[n++] = fmt("NETDIAG_SUBJECT=%s", f->subject);
	const char *sf = subject_field(f->subject_kind);
	if (sf)
		fields[n++] = fmt("%s=%s", sf, f->subject);
	fields[n++] = fmt("NETDIAG_SUMMARY=%s", f->summary);
	fields[n++] = fmt("NETDIAG_ADVICE=%s", f->advice);
	fields[n++] = fmt("NETDIAG_SUPPRESSED=%llu", (unsigned long long)suppressed);
	for (size_t i = 0; i < f->n_evidence; i++) {
		char name[64], val[64];
		size_t k = 0;
		for (const char *p = f->evidence[i].name; *p && k + 1 < sizeof(name); p++)
			name[k++] =
			        isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
		name[k] = 0;
		evidence_value(&f->evidence[i], val, sizeof(val));
		fields[n++] = fmt("NETDIAG_EVIDENCE_%s=%s", name, val);
	}
	struct iovec iov[ND_ARRAY_LEN(fields)];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (fields[i])
			iov[m++] =
			        (struct iovec){.iov_base = fields[i], .iov_len = strlen(fields[i])};
	/* Without journald (tests, containers) this fails; the findings file
	 * and the metrics still have it. */
	(void)sd_journal_sendv(iov, (int)m);
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
}

static void write_file(struct nd_emitter *e, const struct nd_findings *fs,
                       const struct nd_finding *f, uint64_t suppressed)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* The same finding object as in `analyze --json`, plus when and how often. */
	json_object *o = nd_report_finding_json(fs, f);
	json_object_object_add(
	        o, "time", json_object_new_double((double)ts.tv_sec + (double)ts.tv_nsec / 1e9));
	json_object_object_add(o, "priority", json_object_new_int(priority(f->severity)));
	json_object_object_add(o, "suppressed", json_object_new_uint64(suppressed));
	size_t len;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	char *line = malloc(len + 1);
	if (line) {
		memcpy(line, s, len);
		line[len] = '\n';
		/* O_APPEND and one write: lines of concurrent writers do not mix */
		if (write(e->fd, line, len + 1) != (ssize_t)(len + 1))
			fprintf(stderr, "netdiag: %s: cannot write a finding: %s\n", e->path,
			        strerror(errno));
		free(line);
	}
	json_object_put(o);
}

int nd_emitter_finding(struct nd_emitter *e, const struct nd_findings *fs,
                       const struct nd_finding *f, nd_ns now)
{
	bool fresh;
	struct rl_entry *r = rl_find(e, f, &fresh);
	if (!fresh && e->rate_limit > 0 && now - r->last < e->rate_limit) {
		r->suppressed++;
		nd_metrics_finding(e->m, f->id, false);
		return 0;
	}
	uint64_t suppressed = r->suppressed;
	r->suppressed = 0;
	r->last = now;
	if (e->journal_send)
		send_journal(f, suppressed);
	if (e->fd >= 0)
		write_file(e, fs, f, suppressed);
	nd_metrics_finding(e->m, f->id, true);
	return 1;
}
