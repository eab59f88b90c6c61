/* SPDX-License-Identifier: MIT */
/* Rules about SMB: failures an admin can fix (refused logons, access
 * denied, missing shares, other failed operations), guest fallback, handle
 * leaks, SMB1, encryption that hides what could be measured, requests left
 * unanswered, and a capture with no SMB at all. Errors are grouped per
 * (server, share, status, command): ten refused files of one share are one
 * finding with examples; the full list is the JSON's smb.errors. Slow
 * operations: rules_smb_slow.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/rules_smb.h"
#include "diag/rules_text.h"

#define MAX_GROUPS   64 /* error groups per capture; more are counted */
#define MAX_EXAMPLES 3
#define MAX_PER_RULE 10

/* ---- grouping error rows ---- */

struct err_group {
	const struct nd_smb_error *first; /* the most frequent row */
	uint64_t count, rows;
	nd_ns first_ts, last_ts;
	char paths[3 * ND_SMB_NAME_MAX];
	uint64_t frames[MAX_EXAMPLES];
	size_t n_frames;
	const char *user;
};

static bool same_group(const struct nd_smb_error *a, const struct nd_smb_error *b)
{
	return a->status == b->status && a->cmd == b->cmd && a->ip_version == b->ip_version &&
	       !memcmp(a->server, b->server, 16) && !strcmp(a->share, b->share);
}

static void group_add(struct err_group *g, const struct nd_smb_error *e)
{
	if (!g->first) {
		g->first = e;
		g->first_ts = e->first_ts;
	}
	g->count += e->count;
	g->rows++;
	g->first_ts = ND_MIN(g->first_ts, e->first_ts);
	g->last_ts = ND_MAX(g->last_ts, e->last_ts);
	if (g->rows <= MAX_EXAMPLES && e->path[0]) {
		size_t l = strlen(g->paths);
		snprintf(g->paths + l, sizeof(g->paths) - l, "%s%s", l ? ", " : "", e->path);
	}
	if (g->n_frames < MAX_EXAMPLES)
		g->frames[g->n_frames++] = e->first_frame;
	if (!g->user && e->user[0])
		g->user = e->user;
}

/* Groups the real failures that keep(e) selects; returns the number. */
static size_t group_errors(const struct nd_smb_results *r,
                           bool (*keep)(const struct nd_smb_error *), struct err_group *gs)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		if (e->benign || !keep(e))
			continue;
		size_t k = 0;
		while (k < n && !same_group(gs[k].first, e))
			k++;
		if (k == n && n == MAX_GROUPS)
			continue;
		if (k == n)
			memset(&gs[n++], 0, sizeof(*gs));
		group_add(&gs[k], e);
	}
	return n;
}

/* ---- shared pieces of an error finding ---- */

static const char *status_text(uint32_t st, char *buf, size_t n)
{
	const char *name = nd_smb_status_name(st);
	snprintf(buf, n, "%s (0x%08" PRIX32 ")", name ? name : "an unknown status", st);
	return buf;
}

static void error_subject(struct nd_finding *f, const struct err_group *g)
{
	const struct nd_smb_error *e = g->first;
	char a[64];
	if (e->share[0])
		nd_str_copy(f->subject, sizeof(f->subject), e->share);
	else
		snprintf(f->subject, sizeof(f->subject), "\\\\%s",
		         nd_addr_format(e->ip_version, e->server, a, sizeof(a)));
	f->subject_kind = e->share[0] ? "share" : "server";
	f->first_ts = g->first_ts;
	f->last_ts = g->last_ts;
	f->impact.failed_ops = g->count;
	nd_str_copy(f->scope.share, sizeof(f->scope.share), e->share);
	f->scope.ip_version = e->ip_version;
	f->scope.has_server = f->scope.has_client = true;
	memcpy(f->scope.server, e->server, 16);
	memcpy(f->scope.client, e->client, 16);
}

static void frames_text(const struct err_group *g, char *buf, size_t n)
{
	buf[0] = 0;
	for (size_t i = 0; i < g->n_frames; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%" PRIu64, i ? ", " : "", g->frames[i]);
	}
}

static void error_evidence(struct nd_finding *f, const struct err_group *g, bool with_cmd)
{
	const struct nd_smb_error *e = g->first;
	char st[96], fr[96];
	nd_finding_evidence_str(f, "status", "%s", status_text(e->status, st, sizeof(st)));
	if (with_cmd)
		nd_finding_evidence_str(f, "command", "%s", nd_smb_command_name(e->cmd));
	nd_finding_evidence(f, "count", g->count);
	frames_text(g, fr, sizeof(fr));
	nd_finding_evidence_str(f, "first_frames", "%s", fr);
	if (g->user)
		nd_finding_evidence_str(f, "user", "%s", g->user);
	else
		nd_finding_evidence_null(f, "user");
}

static void paths_evidence(struct nd_finding *f, const struct err_group *g)
{
	nd_finding_evidence(f, "paths", g->rows);
	if (g->paths[0])
		nd_finding_evidence_str(f, "example_paths", "%s", g->paths);
	else
		nd_finding_evidence_null(f, "example_paths");
}

static void create_evidence(struct nd_finding *f, const struct nd_smb_error *e)
{
	if (e->cmd != ND_SMB_CREATE)
		return;
	char acc[ND_EVIDENCE_STR_MAX];
	nd_smb_access_mask_format(e->desired_access, acc, sizeof(acc));
	nd_finding_evidence_str(f, "desired_access", "%s", acc);
	nd_finding_evidence_str(f, "create_disposition", "%s",
	                        nd_smb_disposition_name(e->disposition));
}

/* "3 CREATEs by NDLAB\alice on \\srv\data failed with STATUS_X (0x...)" */
static void error_lead(char *buf, size_t n, const struct err_group *g, const char *subject)
{
	const struct nd_smb_error *e = g->first;
	char st[96], who[ND_SMB_USER_MAX + 8] = "";
	if (g->user)
		snprintf(who, sizeof(who), " by %s", g->user);
	snprintf(buf, n, "%" PRIu64 " %s request%s%s on %s failed with %s", g->count,
	         nd_smb_command_name(e->cmd), g->count == 1 ? "" : "s", who, subject,
	         status_text(e->status, st, sizeof(st)));
}

/* ---- access denied ---- */

/* SESSION_SETUP refusals are logons (smb.logon_failure), whatever the status. */
static bool is_denied(const struct nd_smb_error *e)
{
	return (e->status == ND_STATUS_ACCESS_DENIED ||
	        e->status == ND_STATUS_NETWORK_ACCESS_DENIED) &&
	       e->cmd != ND_SMB_SESSION_SETUP;
}

static void denied_advice(struct nd_finding *f, const struct err_group *g, bool joined)
{
	const struct nd_smb_error *e = g->first;
	const char *aa =
	        joined ? ""
	               : " If smbd's AppArmor profile refuses the share's path, the journal "
	                 "has apparmor=\"DENIED\" lines for it: `netdiag analyze CAPTURE "
	                 "--journal-dir /var/log/journal --smb-conf /etc/samba/smb.conf` "
	                 "joins them and names the rule that fixes it.";
	switch (e->cmd) {
	case ND_SMB_TREE_CONNECT:
		snprintf(f->fix, sizeof(f->fix),
		         "check who may use [%s]: `testparm -s --section-name=%s` (valid users, "
		         "invalid "
		         "users, read list, hosts allow)",
		         nd_rules_share_name(e->share), nd_rules_share_name(e->share));
		snprintf(f->advice, sizeof(f->advice),
		         "The server refused the share itself for this account, before any file: "
		         "the "
		         "share's settings, or on Windows the share permissions.%s",
		         aa);
		break;
	default:
		snprintf(
		        f->fix, sizeof(f->fix),
		        "on the server, look at the permissions of the refused paths for the user: "
		        "`ls -ld PATH; getfacl PATH` under the share's directory");
		snprintf(f->advice, sizeof(f->advice),
		         "The share was reachable but these files or directories were refused: the "
		         "file "
		         "system's permissions and ACLs for the mapped user, or share options such "
		         "as "
		         "`read only` and `write list` when writing was asked for.%s",
		         aa);
	}
}

static void access_denied_finding(const struct nd_diag_input *in, struct nd_findings *out,
                                  const struct err_group *g)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_ACCESS_DENIED);
	if (!f)
		return;
	error_subject(f, g);
	const struct nd_smb_error *e = g->first;
	if (e->cmd == ND_SMB_QUERY_INFO)
		f->severity = ND_SEV_INFO; /* a refused security query: clients carry on */
	char lead[600];
	error_lead(lead, sizeof(lead), g, f->subject);
	snprintf(f->title, sizeof(f->title), "%s on %.100s refused: %s",
	         nd_smb_command_name(e->cmd), f->subject, nd_smb_status_name(e->status));
	snprintf(f->summary, sizeof(f->summary), "%.500s%s%.400s.", lead,
	         g->paths[0] ? ", e.g. " : "", g->paths);
	denied_advice(f, g, in->apparmor != NULL);
	error_evidence(f, g, true);
	if (e->cmd != ND_SMB_TREE_CONNECT) /* the share itself was refused: no paths */
		paths_evidence(f, g);
	create_evidence(f, e);
}

/* ---- missing shares ---- */

static bool is_bad_share(const struct nd_smb_error *e)
{
	return e->status == ND_STATUS_BAD_NETWORK_NAME || e->status == ND_STATUS_BAD_NETWORK_PATH;
}

static void bad_share_finding(struct nd_findings *out, const struct err_group *g)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_BAD_SHARE);
	if (!f)
		return;
	error_subject(f, g);
	const struct nd_smb_error *e = g->first;
	char st[96];
	snprintf(f->title, sizeof(f->title), "share %.120s does not exist on the server",
	         f->subject);
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " TREE_CONNECT request%s for %s failed with %s: the server has no such "
	         "share, or smbd cannot enter its directory.",
	         g->count, g->count == 1 ? "" : "s", f->subject,
	         status_text(e->status, st, sizeof(st)));
	snprintf(f->fix, sizeof(f->fix),
	         "compare the name with the server's shares: `smbclient -L //SERVER -U USER` or "
	         "`testparm -s` on the server");
	snprintf(f->advice, sizeof(f->advice),
	         "Samba also answers BAD_NETWORK_NAME when the share's `path` does not exist or "
	         "smbd "
	         "cannot enter it (permissions, an AppArmor profile).");
	error_evidence(f, g, false);
}

/* ---- other failed operations ---- */

static bool is_other_failure(const struct nd_smb_error *e)
{
	return !is_denied(e) && !is_bad_share(e) && e->cmd != ND_SMB_SESSION_SETUP;
}

/* How a failed operation is felt: an error stops work for everyone (a full
 * disk, an exhausted server); a warning fails what a user was doing (a file
 * in use, a missing folder); the rest are answers applications expect and
 * handle (a name that exists, a directory opened as a file, an FSCTL the
 * server lacks): context. */
static enum nd_severity failure_severity(const struct nd_smb_error *e)
{
	switch (e->status) {
	case ND_STATUS_DISK_FULL:
	case ND_STATUS_QUOTA_EXCEEDED:
	case ND_STATUS_DISK_QUOTA_EXCEEDED:
	case ND_STATUS_INSUFFICIENT_RESOURCES:
	case ND_STATUS_INSUFF_SERVER_RESOURCES:
	case ND_STATUS_TOO_MANY_OPENED_FILES:
	case ND_STATUS_USER_SESSION_DELETED:
	case ND_STATUS_MEDIA_WRITE_PROTECTED:
	case ND_STATUS_IO_TIMEOUT:
		return ND_SEV_ERROR;
	case ND_STATUS_SHARING_VIOLATION:
	case ND_STATUS_FILE_LOCK_CONFLICT:
	case ND_STATUS_LOCK_NOT_GRANTED:
	case ND_STATUS_DELETE_PENDING:
	case ND_STATUS_OBJECT_PATH_NOT_FOUND:
	case ND_STATUS_INVALID_HANDLE:
	case ND_STATUS_NETWORK_NAME_DELETED:
	case ND_STATUS_NETWORK_SESSION_EXPIRED:
	case ND_STATUS_FILE_NOT_AVAILABLE:
		/* clients probe FSCTLs and fall back when they fail */
		return e->cmd == ND_SMB_IOCTL ? ND_SEV_INFO : ND_SEV_WARNING;
	default:
		return ND_SEV_INFO;
	}
}

static const char *failure_fix(uint32_t st)
{
	switch (st) {
	case ND_STATUS_DISK_FULL:
	case ND_STATUS_QUOTA_EXCEEDED:
	case ND_STATUS_DISK_QUOTA_EXCEEDED:
		return "free space or raise the quota of the share's file system: `df -h "
		       "SHAREPATH`, "
		       "`repquota -a`";
	case ND_STATUS_SHARING_VIOLATION:
	case ND_STATUS_FILE_LOCK_CONFLICT:
	case ND_STATUS_LOCK_NOT_GRANTED:
		return "find who holds the file open or locked: `smbstatus -L` on the server";
	case ND_STATUS_TOO_MANY_OPENED_FILES:
	case ND_STATUS_INSUFFICIENT_RESOURCES:
	case ND_STATUS_INSUFF_SERVER_RESOURCES:
		return "check smbd's open files against its limit: `smbstatus -L | wc -l`, "
		       "`max open files` and the service's LimitNOFILE";
	case ND_STATUS_USER_SESSION_DELETED:
	case ND_STATUS_NETWORK_NAME_DELETED:
		return "look for smbd restarts or idle disconnects at that time: `journalctl -u "
		       "smbd`, "
		       "`deadtime` in smb.conf";
	case ND_STATUS_OBJECT_PATH_NOT_FOUND:
		return "the parent directory of the path does not exist on the share";
	default:
		return "look for the status in smbd's log at that time (`log level = 3` shows why)";
	}
}

static void other_failure_finding(struct nd_findings *out, const struct err_group *g)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_OPERATION_ERRORS);
	if (!f)
		return;
	error_subject(f, g);
	const struct nd_smb_error *e = g->first;
	f->severity = failure_severity(e);
	char lead[600];
	error_lead(lead, sizeof(lead), g, f->subject);
	const char *name = nd_smb_status_name(e->status);
	snprintf(f->title, sizeof(f->title), "%s on %.100s failed: %s", nd_smb_command_name(e->cmd),
	         f->subject, name ? name : "unknown status");
	snprintf(f->summary, sizeof(f->summary), "%.500s%s%.400s.", lead,
	         g->paths[0] ? ", e.g. " : "", g->paths);
	nd_str_copy(f->fix, sizeof(f->fix), failure_fix(e->status));
	error_evidence(f, g, true);
	paths_evidence(f, g);
}

static void rule_errors(const struct nd_diag_input *in, const struct nd_smb_results *r,
                        struct nd_findings *out)
{
	struct err_group *gs = calloc(MAX_GROUPS, sizeof(*gs));
	if (!gs)
		return;
	size_t n = group_errors(r, is_denied, gs);
	for (size_t i = 0; i < n && i < MAX_PER_RULE; i++)
		access_denied_finding(in, out, &gs[i]);
	n = group_errors(r, is_bad_share, gs);
	for (size_t i = 0; i < n && i < MAX_PER_RULE; i++)
		bad_share_finding(out, &gs[i]);
	n = group_errors(r, is_other_failure, gs);
	for (size_t i = 0; i < n && i < MAX_PER_RULE; i++)
		other_failure_finding(out, &gs[i]);
	free(gs);
}

/* ---- logons ---- */

static bool logon_failed(const struct nd_smb_logon *l)
{
	return l->status != ND_STATUS_SUCCESS;
}

/* The first thing to do, for the status and whether the user was seen. */
/* The first thing to do for a refused logon, by status: the text before
 * and after the user's name (no name: the text is whole). */
static const struct {
	uint32_t status;
	const char *before, *after;
} logon_fixes[] = {
        {ND_STATUS_ACCOUNT_DISABLED, "enable the account: `smbpasswd -e ", "` (or in AD)"},
        {ND_STATUS_ACCOUNT_LOCKED_OUT, "reset the bad-password count: `pdbedit -z -u ",
         "` (or unlock it in AD)"},
        {ND_STATUS_PASSWORD_EXPIRED, "set a new password: `smbpasswd ",
         "` (or at the client's logon)"},
        {ND_STATUS_PASSWORD_MUST_CHANGE, "set a new password: `smbpasswd ",
         "` (or at the client's logon)"},
        {ND_STATUS_ACCOUNT_RESTRICTION, "look at the account's restrictions: `pdbedit -v -u ",
         "` (logon hours, workstations, expiry)"},
        {ND_STATUS_INVALID_LOGON_HOURS, "look at the account's logon hours: `pdbedit -v -u ", "`"},
        {ND_STATUS_INVALID_WORKSTATION,
         "look at the workstations the account may use: "
         "`pdbedit -v -u ",
         "`"},
        {ND_STATUS_LOGON_TYPE_NOT_GRANTED, "look at the account's restrictions: `pdbedit -v -u ",
         "`"},
        {ND_STATUS_ACCOUNT_EXPIRED, "look at the account's expiry: `pdbedit -v -u ", "`"},
        {ND_STATUS_NO_LOGON_SERVERS,
         "on the server: `wbinfo --ping-dc` and `wbinfo -t` (the domain controller and the "
         "trust)",
         NULL},
        {ND_STATUS_TRUSTED_RELATIONSHIP_FAILURE,
         "on the server: `wbinfo -t` and `wbinfo --ping-dc` (the trust and the domain "
         "controller)",
         NULL},
        {ND_STATUS_ACCESS_DENIED,
         "compare what the server requires with what the client offers: `testparm -sv | grep "
         "-E 'smb encrypt|server signing|restrict anonymous'`",
         NULL},
};

static void logon_fix(struct nd_finding *f, uint32_t st, const char *user)
{
	const char *u = user[0] ? user : "USER";
	const char *bs = strchr(u, '\\');
	const char *name = bs ? bs + 1 : u;
	for (size_t i = 0; i < ND_ARRAY_LEN(logon_fixes); i++)
		if (logon_fixes[i].status == st) {
			snprintf(f->fix, sizeof(f->fix), "%s%s%s", logon_fixes[i].before,
			         logon_fixes[i].after ? name : "",
			         logon_fixes[i].after ? logon_fixes[i].after : "");
			return;
		}
	snprintf(f->fix, sizeof(f->fix),
	         "on the server: `pdbedit -L | grep -i '^%s:'` (is the user known?), then "
	         "`smbpasswd -a %s` to set its SMB password",
	         name, name);
}

static const char *logon_meaning(uint32_t st)
{
	switch (st) {
	case ND_STATUS_LOGON_FAILURE:
	case ND_STATUS_WRONG_PASSWORD:
	case ND_STATUS_NO_SUCH_USER:
		return "a wrong user name or password, or a user the server does not know";
	case ND_STATUS_ACCOUNT_DISABLED:
		return "the account is disabled";
	case ND_STATUS_ACCOUNT_LOCKED_OUT:
		return "the account is locked out after too many bad passwords";
	case ND_STATUS_PASSWORD_EXPIRED:
	case ND_STATUS_PASSWORD_MUST_CHANGE:
		return "the password has expired";
	case ND_STATUS_NO_LOGON_SERVERS:
	case ND_STATUS_TRUSTED_RELATIONSHIP_FAILURE:
		return "the server cannot reach a domain controller to check the password";
	case ND_STATUS_ACCESS_DENIED:
		return "the server requires encryption or signing the client does not offer, or "
		       "refuses this kind of logon (anonymous, or binding a channel to a session)";
	default:
		return "the account may not log on here now";
	}
}

/* NTLMSSP with no user name: an anonymous (null session) logon. */
static bool anonymous_logon(const struct nd_smb_logon *l)
{
	return !l->user[0] && !strcmp(l->mech, "NTLMSSP");
}

static const char *logon_who(const struct nd_smb_logon *l)
{
	if (l->user[0])
		return l->user;
	return anonymous_logon(l) ? "anonymous" : "(user not visible: Kerberos)";
}

static void logon_subject(struct nd_finding *f, const struct nd_smb_logon *l)
{
	nd_str_copy(f->subject, sizeof(f->subject), logon_who(l));
	f->subject_kind = "user";
	f->first_ts = l->first_ts;
	f->last_ts = l->last_ts;
	f->scope.ip_version = l->ip_version;
	f->scope.has_server = f->scope.has_client = true;
	memcpy(f->scope.server, l->server, 16);
	memcpy(f->scope.client, l->client, 16);
}

static void logon_evidence(struct nd_finding *f, const struct nd_smb_logon *l, uint64_t count)
{
	char st[96];
	nd_finding_evidence_str(f, "status", "%s", status_text(l->status, st, sizeof(st)));
	if (l->user[0])
		nd_finding_evidence_str(f, "user", "%s", l->user);
	else
		nd_finding_evidence_null(f, "user");
	if (l->workstation[0])
		nd_finding_evidence_str(f, "workstation", "%s", l->workstation);
	else
		nd_finding_evidence_null(f, "workstation");
	if (l->mech[0])
		nd_finding_evidence_str(f, "mechanism", "%s", l->mech);
	else
		nd_finding_evidence_null(f, "mechanism");
	nd_finding_evidence(f, "count", count);
	nd_finding_evidence(f, "first_frame", l->first_frame);
}

static bool same_logon(const struct nd_smb_logon *a, const struct nd_smb_logon *b)
{
	return a->status == b->status && a->ip_version == b->ip_version &&
	       !memcmp(a->server, b->server, 16) && !strcmp(a->user, b->user);
}

/* One finding per (server, user, status); rows of other clients add up. */
static void logon_failure_finding(struct nd_findings *out, const struct nd_smb_results *r, size_t i)
{
	const struct nd_smb_logon *l = &r->logons[i];
	uint64_t count = 0;
	for (size_t k = 0; k < r->n_logons; k++)
		if (same_logon(&r->logons[k], l))
			count += r->logons[k].count;
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_LOGON_FAILURE);
	if (!f)
		return;
	logon_subject(f, l);
	f->impact.failed_ops = count;
	char st[96], cli[64], srv[64];
	nd_addr_format(l->ip_version, l->client, cli, sizeof(cli));
	nd_addr_format(l->ip_version, l->server, srv, sizeof(srv));
	snprintf(f->title, sizeof(f->title), "logon of %.80s to %.46s refused: %.40s", f->subject,
	         srv,
	         nd_smb_status_name(l->status) ? nd_smb_status_name(l->status) : "unknown status");
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " SESSION_SETUP%s of %s from %s%s%s%s to %s %s refused with %s: %s.",
	         count, count == 1 ? "" : "s", logon_who(l), cli,
	         l->workstation[0] ? " (workstation " : "", l->workstation,
	         l->workstation[0] ? ")" : "", srv, count == 1 ? "was" : "were",
	         status_text(l->status, st, sizeof(st)), logon_meaning(l->status));
	logon_fix(f, l->status, l->user);
	if (anonymous_logon(l)) {
		/* Clients try anonymous logons to browse; refusing them is policy. */
		f->severity = ND_SEV_INFO;
		snprintf(f->fix, sizeof(f->fix),
		         "nothing, unless anonymous access is wanted: then "
		         "`restrict anonymous` and `map to guest` in smb.conf");
	}
	snprintf(f->advice, sizeof(f->advice),
	         "A standalone Samba server checks its own passdb (`pdbedit -L`); a domain member "
	         "asks "
	         "the domain (`wbinfo -u`). If unknown users should get guest access instead, that "
	         "is "
	         "`map to guest = bad user`, a security trade-off.");
	logon_evidence(f, l, count);
}

static void guest_finding(struct nd_findings *out, const struct nd_smb_logon *l)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_GUEST_FALLBACK);
	if (!f)
		return;
	logon_subject(f, l);
	bool anonymous = l->session_flags & ND_SMB_SESSION_IS_NULL;
	/* Asking for nothing and getting guest or anonymous is by intent. */
	if (!l->user[0])
		f->severity = ND_SEV_INFO;
	snprintf(f->title, sizeof(f->title), "%.100s was logged on as %s", f->subject,
	         anonymous ? "anonymous" : "guest");
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64
	         " logon%s of %s %s accepted as %s (SessionFlags %s): the user gets what "
	         "guest may do, and refusals follow on shares and files.",
	         l->count, l->count == 1 ? "" : "s", f->subject, l->count == 1 ? "was" : "were",
	         anonymous ? "anonymous" : "guest", anonymous ? "IS_NULL" : "IS_GUEST");
	snprintf(
	        f->fix, sizeof(f->fix),
	        "check `map to guest` on the server (`testparm -sv | grep 'map to guest'`) and the "
	        "user's password (`pdbedit -L`)");
	f->impact.failed_ops = l->count;
	nd_finding_evidence_str(f, "session_kind", "%s", anonymous ? "anonymous" : "guest");
	if (l->user[0])
		nd_finding_evidence_str(f, "user", "%s", l->user);
	else
		nd_finding_evidence_null(f, "user");
	nd_finding_evidence(f, "count", l->count);
	nd_finding_evidence(f, "first_frame", l->first_frame);
}

static void rule_logons(const struct nd_smb_results *r, struct nd_findings *out)
{
	unsigned failures = 0, guests = 0;
	for (size_t i = 0; i < r->n_logons; i++) {
		const struct nd_smb_logon *l = &r->logons[i];
		bool first = true; /* the first row of its (server, user, status) */
		for (size_t k = 0; k < i && first; k++)
			first = !same_logon(&r->logons[k], l);
		if (!first)
			continue;
		if (logon_failed(l) && failures++ < MAX_PER_RULE)
			logon_failure_finding(out, r, i);
		else if (!logon_failed(l) && guests++ < MAX_PER_RULE)
			guest_finding(out, l);
	}
}

/* ---- handles, SMB1, encryption, what was left pending ---- */

static void handle_leak_text(struct nd_finding *f, const struct nd_smb_client *c, bool growing,
                             bool cut)
{
	snprintf(f->title, sizeof(f->title),
	         "%.64s opens files and never closes them (%" PRIu64 " of %" PRIu64 ")", f->subject,
	         (uint64_t)c->open_now + c->closed_by_disconnect, c->opened);
	snprintf(f->summary, sizeof(f->summary),
	         "The client opened %" PRIu64 " files and closed %" PRIu64
	         "; %u were still open at "
	         "the end%s and %" PRIu64 " were only dropped by a tree disconnect or logoff%s.",
	         c->opened, c->closed, c->open_now, growing ? " (growing over the capture)" : "",
	         c->closed_by_disconnect,
	         cut ? "; the capture ended before some connections closed" : "");
	snprintf(
	        f->fix, sizeof(f->fix),
	        "find the application on the client: `handle.exe -a` / Resource Monitor (Windows), "
	        "`lsof` and /proc/fs/cifs/open_files (Linux); `smbstatus -L` on the server");
	snprintf(f->advice, sizeof(f->advice),
	         "Handles dropped only by TREE_DISCONNECT or LOGOFF were never closed by the "
	         "application; open handles hold locks and leases other clients wait on.");
}

static void rule_handle_leak(const struct nd_smb_results *r, const struct nd_smb_config *cfg,
                             struct nd_findings *out)
{
	uint64_t min = cfg->leak_min_handles;
	for (size_t i = 0; i < r->n_clients; i++) {
		const struct nd_smb_client *c = &r->clients[i];
		uint64_t never = c->open_now + c->closed_by_disconnect;
		bool abandoned = never >= min && never * 2 >= c->opened;
		bool growing = c->open_now >= min && c->open_now >= c->open_at_mid + min / 2;
		if (!abandoned && !growing)
			continue;
		struct nd_finding *f = nd_findings_add(out, ND_F_SMB_HANDLE_LEAK);
		if (!f)
			return;
		nd_addr_format(c->ip_version, c->addr, f->subject, sizeof(f->subject));
		f->scope.ip_version = c->ip_version;
		f->scope.has_client = true;
		memcpy(f->scope.client, c->addr, 16);
		f->first_ts = c->first_ts;
		f->last_ts = c->last_ts;
		handle_leak_text(f, c, growing, r->capture_cut);
		nd_finding_evidence(f, "opened", c->opened);
		nd_finding_evidence(f, "closed", c->closed);
		nd_finding_evidence(f, "closed_by_disconnect", c->closed_by_disconnect);
		nd_finding_evidence(f, "open_at_end", c->open_now);
		nd_finding_evidence(f, "open_at_mid", c->open_at_mid);
		nd_finding_evidence(f, "peak", c->peak);
		nd_finding_evidence(f, "threshold", min);
	}
}

static void rule_smb1(const struct nd_smb_results *r, struct nd_findings *out)
{
	uint64_t smb1_only = r->smb1_negotiates - r->smb1_negotiates_smb2;
	if (!r->smb1_other && !smb1_only)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_SMB1);
	if (!f)
		return;
	f->first_ts = r->first_ts;
	f->last_ts = r->last_ts;
	snprintf(f->title, sizeof(f->title), "clients still speak SMB1");
	snprintf(f->summary, sizeof(f->summary),
	         "SMB1 is in use: %" PRIu64 " SMB1 messages beyond the multi-protocol negotiate, "
	         "%" PRIu64 " negotiates that offer no SMB2 dialect. netdiag does not analyse SMB1 "
	         "operations.",
	         r->smb1_other, smb1_only);
	snprintf(f->fix, sizeof(f->fix),
	         "update the clients that use it, then `server min protocol = SMB2_10` in smb.conf "
	         "(Windows: `Set-SmbServerConfiguration -EnableSMB1Protocol $false`)");
	snprintf(f->advice, sizeof(f->advice), "SMB1 is slow, insecure and deprecated.");
	nd_finding_evidence(f, "smb1_messages", r->smb1_pdus);
	nd_finding_evidence(f, "smb1_other", r->smb1_other);
	nd_finding_evidence(f, "smb1_negotiates", r->smb1_negotiates);
	nd_finding_evidence(f, "smb1_negotiates_offering_smb2", r->smb1_negotiates_smb2);
}

/* Who asked for encryption decides how to measure without it. */
static uint64_t sessions_server_required(const struct nd_smb_results *r, uint64_t *known)
{
	uint64_t n = 0;
	*known = 0;
	for (size_t i = 0; i < r->n_enc_sessions; i++) {
		const struct nd_smb_enc_session *s = &r->enc_sessions[i];
		*known += s->setup_seen;
		n += s->setup_seen && (s->session_flags & ND_SMB_SESSION_ENCRYPT_DATA);
	}
	return n;
}

/* Who asked for encryption decides how to measure without it: the session
 * flag ENCRYPT_DATA is the server's [global] `server smb encrypt` (desired
 * or required: capable clients then encrypt everything); without it the
 * client asked, or a share's `smb encrypt` (visible only in the encrypted
 * TREE_CONNECT response). */
static void encrypted_fix(struct nd_finding *f, uint64_t server, uint64_t known)
{
	if (known && server == known)
		snprintf(f->fix, sizeof(f->fix),
		         "the server asks every session to encrypt (`server smb encrypt = desired` "
		         "or "
		         "`required` in [global]): to measure latency, reproduce against a test "
		         "server "
		         "with `server smb encrypt = if_required` (the default), or decrypt the "
		         "capture in Wireshark with the session keys");
	else if (known && !server)
		snprintf(
		        f->fix, sizeof(f->fix),
		        "the client asked for encryption, or the share's `smb encrypt` requires "
		        "it: "
		        "reproduce from a client that does not ask (smbclient without "
		        "--client-protection=encrypt) on a share without `smb encrypt = required`, "
		        "or decrypt the capture in Wireshark");
	else
		snprintf(
		        f->fix, sizeof(f->fix),
		        "capture from the start of the session to see who asked for encryption, or "
		        "decrypt the capture in Wireshark with the session keys");
}

static void rule_encrypted(const struct nd_smb_results *r, struct nd_findings *out)
{
	if (!r->encrypted_pdus)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_ENCRYPTED);
	if (!f)
		return;
	f->first_ts = r->first_ts;
	f->last_ts = r->last_ts;
	uint64_t known, server = sessions_server_required(r, &known);
	snprintf(f->title, sizeof(f->title),
	         "%zu SMB3 session%s encrypted: their operations could not be measured",
	         r->n_enc_sessions, r->n_enc_sessions == 1 ? " is" : "s are");
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " SMB3 messages in %zu session%s are encrypted: their commands, "
	         "latencies, errors and handles cannot be measured from the capture, and are not "
	         "guessed.",
	         r->encrypted_pdus, r->n_enc_sessions, r->n_enc_sessions == 1 ? "" : "s");
	encrypted_fix(f, server, known);
	nd_finding_evidence(f, "encrypted_messages", r->encrypted_pdus);
	nd_finding_evidence(f, "sessions", r->n_enc_sessions);
	if (known)
		nd_finding_evidence(f, "required_by_server", server);
	else
		nd_finding_evidence_null(f, "required_by_server");
	nd_finding_evidence(f, "compressed_messages", r->compressed_pdus);
}

static void rule_pending(const struct nd_smb_results *r, struct nd_findings *out)
{
	uint64_t total = 0;
	char cmds[300] = "";
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		uint64_t n = r->cmd[c].pending_at_end;
		total += n;
		size_t l = strlen(cmds);
		if (n)
			snprintf(cmds + l, sizeof(cmds) - l, "%s%s %" PRIu64, l ? ", " : "",
			         nd_smb_command_name(c), n);
	}
	if (!total)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_SMB_PENDING_AT_END);
	if (!f)
		return;
	f->first_ts = r->first_ts;
	f->last_ts = r->last_ts;
	uint64_t notify = r->cmd[ND_SMB_CHANGE_NOTIFY].pending_at_end;
	snprintf(f->title, sizeof(f->title),
	         "%" PRIu64 " requests had no answer when the capture "
	         "ended",
	         total);
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " requests had no final response when the capture ended (%s; "
	         "CHANGE_NOTIFY waits for changes by design)%s.",
	         total, cmds, r->capture_cut ? "; some connections were still open" : "");
	snprintf(f->advice, sizeof(f->advice),
	         "Usually the capture stopped too early; requests that stay unanswered in a longer "
	         "capture mean the server is stuck on them.");
	nd_finding_evidence(f, "requests", total);
	nd_finding_evidence(f, "change_notify", notify);
	nd_finding_evidence_str(f, "commands", "%s", cmds);
}

/* SMB is what netdiag judges: without it, only TCP was checked. */
static void rule_no_smb(const struct nd_diag_input *in, const struct nd_smb_results *r,
                        struct nd_findings *out)
{
	if (r->connections || r->smb1_pdus || r->encrypted_pdus)
		return;
	const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
	struct nd_capture_totals ct;
	nd_capture_summary_totals(in->capture, &ct);
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_NO_SMB);
	if (!f)
		return;
	if (!ct.packets) {
		snprintf(f->title, sizeof(f->title),
		         "the capture holds no packets: nothing was checked");
		snprintf(f->summary, sizeof(f->summary), "The capture holds no packets.");
	} else {
		snprintf(f->title, sizeof(f->title),
		         "no SMB traffic in the capture: only TCP was checked");
		snprintf(f->summary, sizeof(f->summary),
		         "The capture holds %" PRIu64 " packets and %" PRIu64
		         " TCP connection%s but "
		         "no SMB2/3 (TCP port 445 or 139): no SMB operation could be judged.",
		         ct.packets, t->flows, t->flows == 1 ? "" : "s");
	}
	snprintf(f->fix, sizeof(f->fix),
	         "capture the SMB traffic itself: `netdiag capture IFACE --smb` or `tcpdump -i "
	         "IFACE "
	         "-w FILE 'tcp port 445'` while the problem happens");
	nd_finding_evidence(f, "tcp_connections", t->flows);
	nd_finding_evidence(f, "packets", ct.packets);
}

void nd_rules_smb(const struct nd_diag_input *in, struct nd_findings *out)
{
	if (!in->smb)
		return;
	const struct nd_smb_results *r = nd_smb_get_results(in->smb);
	rule_no_smb(in, r, out);
	rule_errors(in, r, out);
	rule_logons(r, out);
	nd_rules_smb_slow(in, out);
	rule_handle_leak(r, nd_smb_get_config(in->smb), out);
	rule_smb1(r, out);
	rule_encrypted(r, out);
	rule_pending(r, out);
}
