/* SPDX-License-Identifier: MIT */
/* Files the daemon keeps: the journal cursor and the metrics textfile, both
 * replaced atomically so a reader (or the next start) never sees half. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon_internal.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int nd_write_atomic(const char *path, const char *data, size_t len, bool sync_dir, char *err,
                    size_t errlen)
{
	char tmp[4200];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, data, len) || fsync(fd)) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (sync_dir) {
		char d[4200];
		nd_str_copy(d, sizeof(d), path);
		int dfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

static void cursor_path(const char *dir, char *buf, size_t n)
{
	snprintf(buf, n, "%s/cursor", dir);
}

char *nd_state_load_cursor(const char *dir)
{
	char p[4200];
	cursor_path(dir, p, sizeof(p));
	FILE *f = fopen(p, "re");
	if (!f)
		return NULL;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return n ? strdup(buf) : NULL;
}

int nd_state_save_cursor(const char *dir, const char *cursor, char *err, size_t errlen)
{
	char p[4200], data[1100];
	cursor_path(dir, p, sizeof(p));
	int l = snprintf(data, sizeof(data), "%s\n", cursor);
	if (l < 0 || (size_t)l >= sizeof(data)) {
		snprintf(err, errlen, "journal cursor too long");
		return -1;
	}
	return nd_write_atomic(p, data, (size_t)l, true, err, errlen);
}
