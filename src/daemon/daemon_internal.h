/* SPDX-License-Identifier: MIT */
/* Private to src/daemon. */
#ifndef ND_DAEMON_INTERNAL_H
#define ND_DAEMON_INTERNAL_H

#include "capture/capture.h"
#include "daemon/daemon.h"
#include "smb/smb.h"
#include "tcp/tcp.h"

/* ---- state.c: files written atomically ---- */

/* Writes data to path via "path.tmp" + fsync + rename (+ fsync of the
 * directory when sync_dir). 0, or -1 with a reason in err. */
int nd_write_atomic(const char *path, const char *data, size_t len, bool sync_dir, char *err,
                    size_t errlen);
/* The saved journal cursor of dir (malloc()ed), NULL when none. */
char *nd_state_load_cursor(const char *dir);
int nd_state_save_cursor(const char *dir, const char *cursor, char *err, size_t errlen);

/* ---- metrics.c ---- */

#define ND_MET_LE_N        15
#define ND_MET_MAX_SHARES  128
#define ND_MET_MAX_IFACES  ND_DAEMON_MAX_CAPTURE
#define ND_MET_MAX_IDS     128
#define ND_MET_SAMBA_COMMS 4

struct nd_met_hist {
	uint64_t buckets[ND_MET_LE_N + 1]; /* per boundary, not cumulative; last: +Inf */
	uint64_t count;
	double sum_s;
};

struct nd_met_share {
	char name[ND_SMB_PATH_MAX];
	uint64_t ops[ND_SMB_NCMD];
	struct nd_met_hist read, write;
};

struct nd_met_iface {
	char name[16];
	uint64_t packets, wire_bytes, drops_kernel, drops_if, windows, failures;
};

struct nd_met_id {
	const char *id; /* static (finding ids are) */
	uint64_t emitted, suppressed;
};

struct nd_metrics {
	double start_time; /* wall clock, seconds */
	uint64_t journal_entries, apparmor_records, apparmor_denials;
	uint64_t samba_errors[ND_MET_SAMBA_COMMS];
	uint64_t reloads, link_events, offload_checks, cursor_saves, journal_errors;
	struct nd_met_iface ifaces[ND_MET_MAX_IFACES];
	size_t n_ifaces;
	struct nd_tcp_counts tcp;
	uint64_t tcp_segments, tcp_flows;
	uint64_t smb_ops[ND_SMB_NCMD], smb_errors[ND_SMB_NCMD];
	struct nd_met_hist smb_lat[ND_SMB_NCMD];
	struct nd_met_share shares[ND_MET_MAX_SHARES];
	size_t n_shares;
	uint64_t shares_dropped;
	struct nd_met_id ids[ND_MET_MAX_IDS];
	size_t n_ids;
};

extern const char *const nd_met_samba_comm[ND_MET_SAMBA_COMMS];
/* Index into samba_errors for a _COMM, -1 when it is not one of them. */
int nd_met_samba_index(const char *comm);

void nd_metrics_init(struct nd_metrics *m);
/* Adds one finished capture window (counters of that window only). */
void nd_metrics_add_window(struct nd_metrics *m, const char *iface,
                           const struct nd_capture_file_info *win, const struct nd_tcp_totals *t,
                           const struct nd_smb_results *sr);
void nd_metrics_iface_failed(struct nd_metrics *m, const char *iface);
void nd_metrics_finding(struct nd_metrics *m, const char *id, bool emitted);
/* Adds a histogram of nanoseconds to a fixed-boundary one. */
void nd_met_hist_add(struct nd_met_hist *into, const struct nd_hist *h);
/* The boundaries in seconds. */
extern const double nd_met_le[ND_MET_LE_N];
/* Renders the text exposition format (malloc()ed, *len set). */
char *nd_metrics_render(const struct nd_metrics *m, size_t *len);
int nd_metrics_write(const struct nd_metrics *m, const char *path, char *err, size_t errlen);

/* ---- emit.c: findings to the journal and the findings file ---- */

struct nd_emitter;
struct nd_emitter *nd_emitter_new(struct nd_metrics *m);
/* (Re)applies rate_limit, journal_send and findings_file (reopened). 0, or
 * -1 with a reason in err when the findings file cannot be opened. */
int nd_emitter_configure(struct nd_emitter *e, const struct nd_daemon_config *c, char *err,
                         size_t errlen);
/* One finding; now is CLOCK_MONOTONIC. 1: written; 0: suppressed by the
 * rate limit (counted, and reported with the next entry for its key). */
int nd_emitter_finding(struct nd_emitter *e, const struct nd_findings *fs,
                       const struct nd_finding *f, nd_ns now);
void nd_emitter_free(struct nd_emitter *e);

/* ---- samba.c: Samba's own error messages ---- */

/* samba.log_error for count error-level messages (the worst priority, and
 * the first message) of one of smbd/nmbd/winbindd/samba. */
void nd_samba_error_finding(const char *comm, int priority, const char *message, uint64_t count,
                            struct nd_findings *out);

#endif
