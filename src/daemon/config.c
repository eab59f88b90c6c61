/* SPDX-License-Identifier: MIT */
/* /etc/netdiag/netdiag.conf: `key = value` lines, '#' comments. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"

void nd_daemon_config_init(struct nd_daemon_config *c)
{
	memset(c, 0, sizeof(*c));
	c->window_s = ND_DAEMON_DEFAULT_WINDOW;
	c->rate_limit_s = ND_DAEMON_DEFAULT_RATE_LIMIT;
	c->samba_errors = true;
	c->journal_send = true;
	c->capture_busy_poll = true;
}

void nd_daemon_config_free(struct nd_daemon_config *c)
{
	free(c->journal_dir);
	free(c->state_dir);
	free(c->metrics_file);
	free(c->smb_conf);
	free(c->findings_file);
	free(c->capture_filter);
	for (size_t i = 0; i < c->n_capture; i++)
		free(c->capture[i]);
	memset(c, 0, sizeof(*c));
}

static int set_str(char **dst, const char *v, char *err, size_t errlen)
{
	char *n = NULL;
	if (*v && !(n = strdup(v))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = n;
	return 0;
}

static int set_path(char **dst, const char *key, const char *v, char *err, size_t errlen)
{
	if (*v && v[0] != '/') {
		snprintf(err, errlen, "%s must be an absolute path, not '%s'", key, v);
		return -1;
	}
	return set_str(dst, v, err, errlen);
}

static int set_u32(uint32_t *dst, const char *key, const char *v, uint32_t min, uint32_t max,
                   char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < min || x > max) {
		snprintf(err, errlen, "%s must be a number of seconds from %u to %u, not '%s'", key,
		         min, max, v);
		return -1;
	}
	*dst = (uint32_t)x;
	return 0;
}

static int set_bool(bool *dst, const char *key, const char *v, char *err, size_t errlen)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < ND_ARRAY_LEN(yes); i++) {
		if (!strcmp(v, yes[i])) {
			*dst = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*dst = false;
			return 0;
		}
	}
	snprintf(err, errlen, "%s must be yes or no, not '%s'", key, v);
	return -1;
}

static int add_capture(struct nd_daemon_config *c, const char *v, char *err, size_t errlen)
{
	if (!*v || strlen(v) >= 16 || strchr(v, '/') || strchr(v, ' ')) {
		snprintf(err, errlen, "capture: '%s' is not an interface name", v);
		return -1;
	}
	for (size_t i = 0; i < c->n_capture; i++)
		if (!strcmp(c->capture[i], v))
			return 0;
	if (c->n_capture == ND_DAEMON_MAX_CAPTURE) {
		snprintf(err, errlen, "capture: at most %d interfaces", ND_DAEMON_MAX_CAPTURE);
		return -1;
	}
	if (!(c->capture[c->n_capture] = strdup(v))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->n_capture++;
	return 0;
}

int nd_daemon_config_set(struct nd_daemon_config *c, const char *key, const char *v, char *err,
                         size_t errlen)
{
	if (!strcmp(key, "journal_dir"))
		return set_path(&c->journal_dir, key, v, err, errlen);
	if (!strcmp(key, "state_dir"))
		return set_path(&c->state_dir, key, v, err, errlen);
	if (!strcmp(key, "metrics_file"))
		return set_path(&c->metrics_file, key, v, err, errlen);
	if (!strcmp(key, "smb_conf"))
		return set_path(&c->smb_conf, key, v, err, errlen);
	if (!strcmp(key, "findings_file"))
		return set_path(&c->findings_file, key, v, err, errlen);
	if (!strcmp(key, "capture"))
		return add_capture(c, v, err, errlen);
	if (!strcmp(key, "capture_filter"))
		return set_str(&c->capture_filter, v, err, errlen);
	if (!strcmp(key, "window"))
		return set_u32(&c->window_s, key, v, 1, 86400, err, errlen);
	if (!strcmp(key, "rate_limit"))
		return set_u32(&c->rate_limit_s, key, v, 0, 7 * 86400, err, errlen);
	if (!strcmp(key, "samba_errors"))
		return set_bool(&c->samba_errors, key, v, err, errlen);
	if (!strcmp(key, "journal_send"))
		return set_bool(&c->journal_send, key, v, err, errlen);
	if (!strcmp(key, "capture_busy_poll"))
		return set_bool(&c->capture_busy_poll, key, v, err, errlen);
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' || s[l - 1] == '\r'))
		s[--l] = 0;
	return s;
}

int nd_daemon_config_read(struct nd_daemon_config *c, const char *path, bool must_exist, char *err,
                          size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	long n = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		n++;
		size_t l = strlen(line);
		if (l == sizeof(line) - 1 && line[l - 1] != '\n') {
			snprintf(err, errlen, "%s:%ld: line too long", path, n);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%ld: expected 'key = value', got '%.64s'", path,
			         n, s);
			rc = -1;
			break;
		}
		*eq = 0;
		char *key = trim(s), *val = trim(eq + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = 0;
			val++;
		}
		char why[512];
		if (nd_daemon_config_set(c, key, val, why, sizeof(why))) {
			snprintf(err, errlen, "%s:%ld: %s", path, n, why);
			rc = -1;
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}
