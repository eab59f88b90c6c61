/* SPDX-License-Identifier: MIT */
/* Rules about SMB: failures an admin can fix (access denied, missing
 * shares), handle leaks, SMB1, encryption that hides latencies, and
 * requests left unanswered. */
#include <inttypes.h>
#include <stdio.h>

#include "diag/rules_smb.h"

#define MAX_ERROR_FINDINGS 10 /* per rule: the most frequent rows */
#define ST_ACCESS_DENIED   0xC0000022u
#define ST_NET_ACCESS_DEN  0xC00000CAu
#define ST_BAD_NET_NAME    0xC00000CCu
#define ST_BAD_NET_PATH    0xC00000BEu

static const char *apparmor_advice =
        "If the share's path is outside smbd's AppArmor profile, the journal shows "
        "apparmor=\"DENIED\" operation=\"open\" profile=\"smbd\" with the path "
        "(`journalctl -k | grep apparmor`); the fix is a rule for the share path in the "
        "profile's local override, e.g. `/srv/share/** lrwk,` in "
        "/etc/apparmor.d/local/usr.sbin.smbd-shares, loaded with `apparmor_parser -r`.";

static void error_subject(struct nd_finding *f, const struct nd_smb_error *e)
{
	if (e->path[0]) {
		f->subject_kind = "path";
		snprintf(f->subject, sizeof(f->subject), "%.100s\\%.150s",
		         e->share[0] ? e->share : "?", e->path);
	} else {
		f->subject_kind = "share";
		snprintf(f->subject, sizeof(f->subject), "%s",
		         e->share[0] ? e->share : "(unknown)");
	}
}

static void error_evidence(struct nd_finding *f, const struct nd_smb_error *e)
{
	f->first_ts = e->first_ts;
	f->last_ts = e->last_ts;
	nd_finding_evidence(f, "count", e->count);
	nd_finding_evidence(f, "status", e->status);
	nd_finding_evidence(f, "first_frame", e->first_frame);
	nd_finding_evidence(f, "first_file", e->first_file);
	if (e->cmd == ND_SMB_CREATE) {
		nd_finding_evidence(f, "desired_access", e->desired_access);
		nd_finding_evidence(f, "create_disposition", e->disposition);
	}
}

static const char *denied_advice(unsigned cmd)
{
	switch (cmd) {
	case ND_SMB_TREE_CONNECT:
		return "The server refused the share itself: check the share permissions "
		       "(smb.conf `valid users`, `invalid users`, `hosts allow`, or the Windows "
		       "share ACL) for the account the client logs on as, and the permissions of "
		       "the share's directory for that account.";
	case ND_SMB_CREATE:
		return "The share was reachable but this file or directory was refused: check the "
		       "filesystem permissions and ACLs of the path for the mapped user "
		       "(`getfacl`, `ls -ld`, Windows Security tab), and share options such as "
		       "`read only`/`write list` when the requested access includes writing.";
	case ND_SMB_SESSION_SETUP:
		return "The logon itself was refused: the account may not be allowed on this "
		       "server, or the server requires encryption or signing the client does not "
		       "offer (smb.conf `server smb encrypt`, `server signing`).";
	default:
		return "Check the permissions of the object for the mapped user; for security "
		       "descriptor queries (QUERY_INFO) clients usually tolerate the refusal.";
	}
}

static void rule_access_denied(const struct nd_smb_results *r, struct nd_findings *out)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->n_errors && n < MAX_ERROR_FINDINGS; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		if (e->benign || (e->status != ST_ACCESS_DENIED && e->status != ST_NET_ACCESS_DEN))
			continue;
		enum nd_severity sev = e->cmd == ND_SMB_QUERY_INFO ? ND_SEV_WARNING : ND_SEV_ERROR;
		struct nd_finding *f = nd_findings_add(out, "smb.access_denied", sev, "share");
		if (!f)
			return;
		n++;
		error_subject(f, e);
		snprintf(f->summary, sizeof(f->summary), "%" PRIu64 " %s request%s got %s%s%s%s%s",
		         e->count, nd_smb_command_name(e->cmd), e->count == 1 ? "" : "s",
		         nd_smb_status_name(e->status), e->share[0] ? " on " : "", e->share,
		         e->path[0] ? " for " : "", e->path);
		snprintf(f->advice, sizeof(f->advice), "%s %s", denied_advice(e->cmd),
		         apparmor_advice);
		error_evidence(f, e);
	}
}

static void rule_bad_share(const struct nd_smb_results *r, struct nd_findings *out)
{
	unsigned n = 0;
	for (size_t i = 0; i < r->n_errors && n < MAX_ERROR_FINDINGS; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		if (e->status != ST_BAD_NET_NAME && e->status != ST_BAD_NET_PATH)
			continue;
		struct nd_finding *f = nd_findings_add(out, "smb.bad_share", ND_SEV_ERROR, "share");
		if (!f)
			return;
		n++;
		error_subject(f, e);
		snprintf(f->summary, sizeof(f->summary),
		         "%" PRIu64 " %s request%s for %s failed with %s: the server has no such "
		         "share, or cannot open its directory",
		         e->count, nd_smb_command_name(e->cmd), e->count == 1 ? "" : "s",
		         e->share[0] ? e->share : "an unknown share",
		         nd_smb_status_name(e->status));
		snprintf(f->advice, sizeof(f->advice),
		         "Check the share name the client uses against the server's list "
		         "(`smbclient -L //server -U user`, `testparm -s`). Samba also answers "
		         "BAD_NETWORK_NAME when the share's `path` does not exist or smbd cannot "
		         "enter it. %s",
		         apparmor_advice);
		error_evidence(f, e);
	}
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
		struct nd_finding *f =
		        nd_findings_add(out, "smb.handle_leak_suspected", ND_SEV_WARNING, "client");
		if (!f)
			return;
		nd_addr_format(c->ip_version, c->addr, f->subject, sizeof(f->subject));
		f->first_ts = c->first_ts;
		f->last_ts = c->last_ts;
		snprintf(f->summary, sizeof(f->summary),
		         "The client opened %" PRIu64 " files and closed %" PRIu64
		         "; %u were still open at the end%s and %" PRIu64
		         " were only dropped by a tree disconnect or logoff%s",
		         c->opened, c->closed, c->open_now,
		         growing ? " (growing over the capture)" : "", c->closed_by_disconnect,
		         r->capture_cut ? "; the capture ended before some connections closed"
		                        : "");
		snprintf(
		        f->advice, sizeof(f->advice),
		        "An application on the client opens files without closing them. Find it: "
		        "on Windows, Resource Monitor or `handle.exe -a` on the client; on a Linux "
		        "cifs client, /proc/fs/cifs/open_files and `lsof`; on the server, "
		        "`smbstatus -L` (Samba) or Get-SmbOpenFile lists the open files per "
		        "client. Handles dropped only by TREE_DISCONNECT/LOGOFF were never closed "
		        "by the application.");
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
	struct nd_finding *f = nd_findings_add(out, "smb.smb1_in_use", ND_SEV_WARNING, "capture");
	if (!f)
		return;
	f->first_ts = r->first_ts;
	f->last_ts = r->last_ts;
	snprintf(f->summary, sizeof(f->summary),
	         "SMB1 is in use: %" PRIu64 " SMB1 messages beyond the multi-protocol "
	         "negotiate, %" PRIu64 " negotiates that offer no SMB2 dialect",
	         r->smb1_other, smb1_only);
	snprintf(f->advice, sizeof(f->advice),
	         "SMB1 is slow, insecure and deprecated. Update or reconfigure the clients that "
	         "use it, then disable it on the server (Samba: `server min protocol = SMB2_10`; "
	         "Windows: `Set-SmbServerConfiguration -EnableSMB1Protocol $false`).");
	nd_finding_evidence(f, "smb1_pdus", r->smb1_pdus);
	nd_finding_evidence(f, "smb1_other", r->smb1_other);
	nd_finding_evidence(f, "smb1_negotiates", r->smb1_negotiates);
	nd_finding_evidence(f, "smb1_negotiates_offering_smb2", r->smb1_negotiates_smb2);
}

static void rule_encrypted(const struct nd_smb_results *r, struct nd_findings *out)
{
	if (!r->encrypted_pdus)
		return;
	struct nd_finding *f = nd_findings_add(out, "smb.encrypted", ND_SEV_INFO, "capture");
	if (!f)
		return;
	f->first_ts = r->first_ts;
	f->last_ts = r->last_ts;
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " SMB3 messages in %zu session%s are encrypted: their commands, "
	         "latencies, errors and handles cannot be measured from the capture, and are "
	         "not guessed",
	         r->encrypted_pdus, r->n_enc_sessions, r->n_enc_sessions == 1 ? "" : "s");
	snprintf(f->advice, sizeof(f->advice),
	         "To diagnose these sessions, reproduce on a test share without encryption "
	         "(Samba: `smb encrypt = if_required`/`desired`), or decrypt the capture in "
	         "Wireshark with the session keys.");
	nd_finding_evidence(f, "encrypted_pdus", r->encrypted_pdus);
	nd_finding_evidence(f, "sessions", r->n_enc_sessions);
	nd_finding_evidence(f, "compressed_pdus", r->compressed_pdus);
}

static void rule_pending(const struct nd_smb_results *r, struct nd_findings *out)
{
	uint64_t total = 0;
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		total += r->cmd[c].pending_at_end;
	if (!total)
		return;
	struct nd_finding *f = nd_findings_add(out, "smb.pending_at_end", ND_SEV_INFO, "capture");
	if (!f)
		return;
	f->last_ts = r->last_ts;
	f->first_ts = r->first_ts;
	uint64_t notify = r->cmd[ND_SMB_CHANGE_NOTIFY].pending_at_end;
	snprintf(f->summary, sizeof(f->summary),
	         "%" PRIu64 " requests had no final response when the capture ended (%" PRIu64
	         " CHANGE_NOTIFY, which waits for changes by design)%s",
	         total, notify, r->capture_cut ? "; some connections were still open" : "");
	snprintf(f->advice, sizeof(f->advice),
	         "Usually the capture stopped too early. If other requests stay unanswered for "
	         "long in a longer capture, the server is stuck on them: check its logs and "
	         "storage.");
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		if (r->cmd[c].pending_at_end)
			nd_finding_evidence(f, nd_smb_command_name(c), r->cmd[c].pending_at_end);
}

void nd_rules_smb(const struct nd_smb *smb, const struct nd_tcp_table *tcp, struct nd_findings *out)
{
	(void)tcp; /* network counters come per operation from the smb module */
	if (!smb)
		return;
	const struct nd_smb_results *r = nd_smb_get_results(smb);
	const struct nd_smb_config *cfg = nd_smb_get_config(smb);
	rule_access_denied(r, out);
	rule_bad_share(r, out);
	rule_handle_leak(r, cfg, out);
	rule_smb1(r, out);
	rule_encrypted(r, out);
	rule_pending(r, out);
}
