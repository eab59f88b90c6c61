/* SPDX-License-Identifier: MIT */
/* journal: reads the entries of the systemd journal that can carry AppArmor
 * records, with sd-journal. Sources: the local system journal (default),
 * saved journal files and directories of them. Selected entries (the match
 * is set before any seek, see docs/apparmor.md):
 *   - _TRANSPORT=kernel (printk'ed "audit: type=1400 ..." lines; filtered
 *     further by the caller),
 *   - _TRANSPORT=audit with _AUDIT_TYPE=1400 (AVC) or 1107 (USER_AVC),
 *   - SYSLOG_IDENTIFIER=audispd / audisp-syslog / dbus-daemon (lines that
 *     auditd's syslog plug-in or dbus-daemon forward).
 * The module knows nothing about AppArmor's record grammar. */
#ifndef ND_JOURNAL_H
#define ND_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* Longest MESSAGE handed out; longer ones come back with message == NULL
 * and message_len set to their real length. */
#define ND_JOURNAL_MAX_MESSAGE 65536

struct nd_journal_options {
	const char *const *files; /* saved journal files; NULL/0 = none */
	size_t n_files;
	const char *const *dirs; /* directories of journal files (one level of
	                            machine-id subdirectories is searched too) */
	size_t n_dirs;
	/* Neither files nor dirs: the local system journal. */
	nd_ns since, until; /* wall clock, 0 = unbounded */
	bool from_tail;     /* start after the last entry (live following) */
};

enum nd_journal_transport {
	ND_JOURNAL_T_OTHER = 0,
	ND_JOURNAL_T_KERNEL,
	ND_JOURNAL_T_AUDIT,
	ND_JOURNAL_T_SYSLOG,
	ND_JOURNAL_T_JOURNAL,
};

struct nd_journal_entry {
	const char *message; /* NUL-terminated; valid until the next call; NULL
	                        when absent or longer than ND_JOURNAL_MAX_MESSAGE */
	size_t message_len;
	enum nd_journal_transport transport;
	int audit_type;    /* _AUDIT_TYPE, -1 when absent */
	bool has_audit_id; /* _AUDIT_ID */
	uint64_t audit_id;
	nd_ns realtime;        /* __REALTIME_TIMESTAMP */
	nd_ns source_realtime; /* _SOURCE_REALTIME_TIMESTAMP, 0 when absent */
	char boot_id[33];      /* _BOOT_ID, "" when absent */
	char identifier[64];   /* SYSLOG_IDENTIFIER, "" when absent */
	const char *file;      /* the journal file the entry came from, if known */
	char comm[32];         /* _COMM, "" when absent */
	int priority;          /* PRIORITY 0..7, -1 when absent */
};

/* One problem with one source, for the report ("not a journal file"). */
struct nd_journal_problem {
	char source[512];
	char message[256];
};

struct nd_journal;

/* Opens the sources. Returns NULL only when out of memory; otherwise check
 * nd_journal_problems(): each unusable file or directory is listed there
 * and left out, and the rest is still read. */
struct nd_journal *nd_journal_open(const struct nd_journal_options *opt);

/* 1: an entry was read into *e; 0: no more entries (for now); -1: read
 * error (recorded as a problem; reading stops). */
int nd_journal_next(struct nd_journal *j, struct nd_journal_entry *e);

/* Waits up to usec microseconds ((uint64_t)-1 = forever) for new entries.
 * 1: something changed, call nd_journal_next again; 0: timeout; -1: error
 * (recorded) or no journal open. */
int nd_journal_wait(struct nd_journal *j, uint64_t usec);

const struct nd_journal_problem *nd_journal_problems(const struct nd_journal *j, size_t *n);
/* Number of journal files opened successfully (0 for the system journal
 * when it has none). */
size_t nd_journal_files_open(const struct nd_journal *j);

void nd_journal_close(struct nd_journal *j);

/* ---- following the journal as a service (netdiag daemon) ---- */

struct nd_journal_follow_options {
	const char *dir; /* a directory of journal files (new files are picked
	                    up as they appear); NULL: the local system journal */
	/* Resume after the entry with this cursor (it was handled); when the
	 * entry is gone (vacuumed) the closest later one is read first. NULL or
	 * unusable: start after the last entry (the tail). */
	const char *cursor;
	/* Also select messages of Samba's daemons at error level or worse:
	 * _COMM=smbd|nmbd|winbindd|samba with PRIORITY 0..3. */
	bool samba_errors;
};

/* Like nd_journal_open for live following: NULL only when out of memory;
 * problems (no journal, bad cursor) are in nd_journal_problems(). *resumed
 * (may be NULL) says whether the cursor was found. */
struct nd_journal *nd_journal_open_follow(const struct nd_journal_follow_options *o, bool *resumed);

/* The file descriptor to poll and its poll events (sd_journal_get_fd /
 * sd_journal_get_events); -1 when no journal is open. */
int nd_journal_fd(struct nd_journal *j);
int nd_journal_fd_events(struct nd_journal *j);
/* Milliseconds until the journal wants to be looked at again without an
 * event (network file systems), -1 for never. */
int nd_journal_timeout_ms(struct nd_journal *j);
/* Call after the fd polled ready (sd_journal_process): 1 new entries or
 * files, 0 nothing, -1 error (recorded). */
int nd_journal_process(struct nd_journal *j);

/* The cursor of the entry last returned by nd_journal_next, malloc()ed;
 * NULL when there is none. */
char *nd_journal_cursor(struct nd_journal *j);

/* Parses a --since/--until time: "@SECONDS[.frac]", "YYYY-MM-DD",
 * "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS][Z]" (local time unless
 * Z), "now", "today", "yesterday", or "-N{s,m,h,d}" relative to now.
 * 0 on success, -1 when not understood. */
int nd_journal_parse_time(const char *s, nd_ns now, nd_ns *out);

#endif
