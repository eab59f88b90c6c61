/* SPDX-License-Identifier: MIT */
/* daemon: `netdiag daemon`, the long-running service (docs/service.md). One
 * poll() loop over the journal (AppArmor denials, Samba error messages),
 * signals (signalfd: SIGTERM, SIGINT, SIGHUP), rtnetlink link changes, live
 * captures analysed in windows, and timers (watchdog, metrics, cursor).
 * Findings go to the journal as structured entries (and optionally to a
 * JSON-lines file), rate-limited per (finding id, subject); counters go to a
 * Prometheus textfile; the journal cursor is kept in the state directory so
 * that a restart neither misses nor repeats a record. */
#ifndef ND_DAEMON_H
#define ND_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "diag/diag.h"

#define ND_DAEMON_DEFAULT_CONFIG     "/etc/netdiag/netdiag.conf"
#define ND_DAEMON_DEFAULT_WINDOW     60  /* seconds */
#define ND_DAEMON_DEFAULT_RATE_LIMIT 300 /* seconds */
#define ND_DAEMON_MAX_CAPTURE        16

/* ---- configuration ---- */

struct nd_daemon_config {
	char *journal_dir;   /* NULL: the system journal */
	char *state_dir;     /* NULL: $STATE_DIRECTORY, else none (no cursor kept) */
	char *metrics_file;  /* NULL: no metrics */
	char *smb_conf;      /* NULL: /etc/samba/smb.conf */
	char *findings_file; /* NULL: journal only */
	char *capture[ND_DAEMON_MAX_CAPTURE];
	size_t n_capture;
	char *capture_filter;   /* BPF; NULL: "tcp port 445 or tcp port 139" */
	uint32_t window_s;      /* capture window */
	uint32_t rate_limit_s;  /* one entry per (id, subject) per this */
	bool samba_errors;      /* follow Samba's error messages (default on) */
	bool journal_send;      /* write findings to the journal (default on) */
	bool capture_busy_poll; /* poll without sleeping while a ring fills fast (on) */
};

/* Defaults (no strings set). */
void nd_daemon_config_init(struct nd_daemon_config *c);
void nd_daemon_config_free(struct nd_daemon_config *c);

/* Reads `key = value` lines ('#' comments, blank lines) from path into c
 * (on top of what it holds). A missing file is an error only when
 * must_exist. Returns 0, or -1 with "PATH:LINE: what is wrong" in err. */
int nd_daemon_config_read(struct nd_daemon_config *c, const char *path, bool must_exist, char *err,
                          size_t errlen);

/* Applies one key (the config file's names); -1 with a reason in err (no
 * file or line) when the key is unknown or the value is bad. */
int nd_daemon_config_set(struct nd_daemon_config *c, const char *key, const char *value, char *err,
                         size_t errlen);

/* ---- message ids ---- */

/* The 128-bit MESSAGE_ID (32 lower-case hex digits) of a finding id, from
 * the finding registry; a generic id for ids it does not know. */
const char *nd_daemon_message_id(const char *finding_id);

/* ---- the service ---- */

struct nd_daemon_options {
	const char *config_path; /* NULL: ND_DAEMON_DEFAULT_CONFIG, may be missing */
	bool config_given;       /* --config: the file must exist */
	/* Command-line overrides, applied on top of the file at start and at
	 * every reload: key/value pairs with the config file's key names. */
	const char *const (*overrides)[2];
	size_t n_overrides;
};

/* Runs the service until SIGTERM/SIGINT. Returns the exit status: 0 after a
 * clean stop, 1 when it could not start (bad config, no journal ...; the
 * reason is on stderr and in STATUS=/ERRNO=). */
int nd_daemon_run(const struct nd_daemon_options *o);

#endif
