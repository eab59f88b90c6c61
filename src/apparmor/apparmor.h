/* SPDX-License-Identifier: MIT */
/* apparmor: AppArmor denials from the journal, matched to Samba shares.
 *  - a tolerant parser for the kernel's audit record body (key=value in any
 *    order, quoted, hex-encoded or bare values, class= and unknown keys
 *    kept, USER_AVC msg='...' unwrapped), for every journal route;
 *  - de-duplication of the same record arriving by two routes (boot id +
 *    audit stamp and serial);
 *  - grouping per (share, profile) with the share found from smb.conf, and
 *    the override rule that fixes it;
 *  - libapparmor queries for the confinement of running Samba processes.
 * Rules and sources: docs/apparmor.md. */
#ifndef ND_APPARMOR_H
#define ND_APPARMOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "journal/journal.h"
#include "smbconf/smbconf.h"

/* ---- one record ---- */

#define ND_AA_MAX_RECORD 16384 /* longer MESSAGEs are skipped (kernel max is 8970) */
#define ND_AA_MAX_FIELDS 96

enum nd_aa_event {
	ND_AA_EV_UNKNOWN = 0,
	ND_AA_EV_DENIED,
	ND_AA_EV_ALLOWED, /* complain mode */
	ND_AA_EV_AUDIT,
	ND_AA_EV_STATUS,
	ND_AA_EV_HINT,
	ND_AA_EV_ERROR,
	ND_AA_EV_KILLED,
	ND_AA_EV_COUNT,
};

enum nd_aa_class {
	ND_AA_CL_OTHER = 0,
	ND_AA_CL_FILE,
	ND_AA_CL_NET,
	ND_AA_CL_CAP,
	ND_AA_CL_DBUS,
	ND_AA_CL_SIGNAL,
	ND_AA_CL_MOUNT,
	ND_AA_CL_PTRACE,
	ND_AA_CL_UNIX,
	ND_AA_CL_STATUS,
};

struct nd_aa_field {
	const char *key;   /* as printed (lower case for kernel keys) */
	const char *value; /* decoded: quotes removed, hex decoded */
	bool quoted, hex;
	bool outer; /* USER_AVC: a key of the sender, outside msg='...' */
};

struct nd_aa_record {
	enum nd_aa_event event;
	enum nd_aa_class cls;
	int audit_type; /* 1400, 1107 ...; 0 when the route did not say */
	bool has_stamp; /* audit(S.mmm:N) known */
	int64_t stamp_sec;
	uint32_t stamp_ms;
	uint64_t serial;
	/* Shortcuts into fields[] (NULL when absent). */
	const char *apparmor, *operation, *class_name, *profile, *name, *comm;
	const char *requested_mask, *denied_mask, *info;
	long long pid, fsuid, ouid; /* -1 when absent */
	int error;                  /* 0 when absent */
	size_t n_fields;
	struct nd_aa_field fields[ND_AA_MAX_FIELDS];
	size_t dropped_fields; /* beyond ND_AA_MAX_FIELDS */
	char buf[ND_AA_MAX_RECORD + 2 * ND_AA_MAX_FIELDS + 16];
};

enum nd_aa_parse_status {
	ND_AA_PARSE_OK = 0,
	ND_AA_PARSE_NOT_APPARMOR, /* no apparmor= key: another LSM or plain text */
	ND_AA_PARSE_BAD,          /* looks like AppArmor but cannot be trusted */
};

/* Parses one MESSAGE in any of its forms: "audit: type=1400 audit(S.mmm:N):
 * BODY" (kernel), "AVC BODY" / "USER_AVC BODY" (audit transport), "[..]
 * audit: ...", "type=AVC msg=audit(...): BODY" and "node=.. type=.." (auditd
 * lines), or a bare BODY. On BAD, why says what is wrong. */
enum nd_aa_parse_status nd_aa_parse(const char *msg, size_t len, struct nd_aa_record *r, char *why,
                                    size_t why_len);

/* Value of a key (the innermost one for USER_AVC), or NULL. */
const char *nd_aa_get(const struct nd_aa_record *r, const char *key);

const char *nd_aa_event_name(enum nd_aa_event e);
const char *nd_aa_class_name(enum nd_aa_class c); /* "file", "net", ... */

/* ---- the fix for a profile ---- */

struct nd_aa_fix {
	char profile_file[256]; /* /etc/apparmor.d/usr.sbin.smbd */
	char local_file[256];   /* /etc/apparmor.d/local/usr.sbin.smbd-shares */
	char reload[320];       /* apparmor_parser -r /etc/apparmor.d/usr.sbin.smbd */
	char rule[4200];        /* "/mnt/data/winshare/" + "** lrwk," */
};

/* The rule that grants a profile a share directory (dir "/srv/x" or a glob
 * with '*'), with the permissions the masks ask for on top of lrwk, in the
 * profile's local override file (Debian/Ubuntu layout). */
void nd_aa_fix_share(const char *profile, const char *dir, bool dir_is_glob, const char *masks,
                     struct nd_aa_fix *out);

/* ---- the report ---- */

struct nd_aa_confinement {
	int pid;
	char comm[32];
	char label[256]; /* "" when unknown */
	char mode[32];   /* "enforce", "complain", "unconfined" ... "" when unknown */
	int error;       /* errno of aa_gettaskcon(), 0 on success */
};

struct nd_aa_problem {
	char source[512]; /* file (journal, smb.conf) or "journal" */
	long line;        /* smb.conf line; 0 otherwise */
	char message[320];
	bool input_error; /* counts for exit status 2 */
	bool journal;     /* a journal source could not be read (not smb.conf) */
};

#define ND_AA_MAX_PIDS 8

/* One distinct denial (same profile, operation, object, masks, share). */
struct nd_aa_denial {
	enum nd_aa_event event;
	enum nd_aa_class cls;
	char *profile;
	char *operation;
	char *class_name; /* class= as printed, or derived */
	char *object;     /* file: the path as logged; else a description */
	char *path;       /* file: absolute path without trailing '/'; else NULL */
	char *requested, *denied;
	char *comm;
	char *info;
	char *rule; /* the rule line that would allow it */
	long share; /* index into conf->shares, -1 outside every share */
	uint64_t count;
	nd_ns first_ts, last_ts;
	long long fsuid, ouid;
	int pids[ND_AA_MAX_PIDS];
	size_t n_pids;
};

/* Each unique denial record, in journal order (for time windows). */
struct nd_aa_occurrence {
	nd_ns ts;
	uint32_t denial;
	int pid;
};

#define ND_AA_GROUP_LIST 8
/* Denials of one profile inside one share (share >= 0), or outside every
 * share (share == -1): one finding each. */
struct nd_aa_group {
	long share;
	char *profile;
	uint64_t count;
	nd_ns first_ts, last_ts;
	char *operations; /* "open, mkdir" */
	char *requested;  /* union of the masks, "rw" */
	char *denied;
	char *pids;  /* "5535, 5536" */
	char *paths; /* up to ND_AA_GROUP_LIST examples */
	size_t n_denials;
	struct nd_aa_fix fix; /* share >= 0: the share rule */
};

struct nd_apparmor_options {
	struct nd_journal_options journal;
	const char *smb_conf;    /* NULL: /etc/samba/smb.conf (missing is a note) */
	const char *passwd_file; /* NULL: the system's */
	const char *hostname;    /* NULL: gethostname() */
	const char *proc_root;   /* NULL: /proc */
	bool no_confinement;     /* skip the libapparmor / /proc queries */
};

struct nd_apparmor_report {
	int enabled;              /* aa_is_enabled(): 1, 0; -1 not asked */
	char enabled_detail[256]; /* why not, in words */
	bool audit_disabled;      /* audit=0 on the kernel command line */
	struct nd_aa_confinement *confinement;
	size_t n_confinement;

	uint64_t entries;      /* journal entries looked at */
	uint64_t records;      /* unique AppArmor records parsed */
	uint64_t duplicates;   /* the same record by a second route */
	uint64_t skipped;      /* AppArmor-looking records that could not be parsed */
	uint64_t not_apparmor; /* audit records of other kinds (SELinux ...) */
	uint64_t by_event[ND_AA_EV_COUNT];
	uint64_t lost_notices; /* kauditd "callbacks suppressed", audit_lost */
	nd_ns first_ts, last_ts;

	struct nd_aa_problem *problems;
	size_t n_problems;
	uint64_t problems_dropped;
	bool input_error;

	struct nd_smbconf *conf; /* owned; NULL when not loaded */

	struct nd_aa_denial *denials;
	size_t n_denials;
	uint64_t denials_dropped;
	struct nd_aa_occurrence *events;
	size_t n_events;
	uint64_t events_dropped;
	struct nd_aa_group *groups; /* after nd_apparmor_finish */
	size_t n_groups;

	void *priv;
};

/* Loads smb.conf and queries confinement; no journal yet. NULL only when
 * out of memory. */
struct nd_apparmor_report *nd_apparmor_new(const struct nd_apparmor_options *opt);

/* Looks at one journal entry. Returns the index of the denial row it added
 * to or created, -1 otherwise. */
long nd_apparmor_add_entry(struct nd_apparmor_report *r, const struct nd_journal_entry *e);

/* Reads every entry of j (until it has no more) and copies its problems
 * into the report. */
void nd_apparmor_read_journal(struct nd_apparmor_report *r, struct nd_journal *j);

/* Copies the journal's problems (files that are not journals ...). */
void nd_apparmor_take_journal_problems(struct nd_apparmor_report *r, const struct nd_journal *j);

/* (Re)builds groups[]; call after the last entry. */
void nd_apparmor_finish(struct nd_apparmor_report *r);

/* For a reader that works in batches (the daemon): copies into `to` the
 * once-only keys (boot id, audit stamp, serial) of the records `from` saw at
 * or after since_sec, so that a denial whose second route arrives in the next
 * batch is still counted once; older keys are dropped, which keeps the set
 * bounded by the recent rate of denials. */
void nd_apparmor_carry_seen(struct nd_apparmor_report *to, const struct nd_apparmor_report *from,
                            int64_t since_sec);

/* new + open the journal + read + finish. NULL only when out of memory. */
struct nd_apparmor_report *nd_apparmor_collect(const struct nd_apparmor_options *opt);

void nd_apparmor_free(struct nd_apparmor_report *r);

/* One line for a denial: "smbd DENIED open /srv/x (r) pid 5535 comm smbd". */
void nd_aa_denial_line(const struct nd_apparmor_report *r, const struct nd_aa_denial *d, char *buf,
                       size_t len);

#endif
