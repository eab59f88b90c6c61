/* SPDX-License-Identifier: MIT */
/* libapparmor's parse_record() as an oracle. It is not netdiag's parser:
 * libapparmor 3.0.x rejects the journal's MESSAGE forms and any record with
 * class=. So each record is normalised to "type=AVC msg=audit(S.mmm:N):
 * BODY" with class= removed; for every one libapparmor accepts, netdiag's
 * fields (parsed from the record as the journal shows it) must be equal.
 * Arguments: files with one record per line, or journal export files (their
 * MESSAGE= lines). Fails when fewer than MIN_COMPARED records were compared. */
#include <aalogparse/aalogparse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor/apparmor.h"

#define MIN_COMPARED 25

static struct nd_aa_record rec;
static int failures, compared, rejected;

/* The body: after "): " of an audit stamp, after "TYPE " of the audit
 * transport, or the whole line. */
static const char *body_of(const char *m)
{
	const char *aa = strstr(m, "apparmor=");
	const char *p = strstr(m, "): ");
	if (p && aa && p < aa)
		return p + 3;
	const char *s = m;
	while (*s >= 'A' && *s <= 'Z')
		s++;
	if (s > m && *s == ' ')
		return s + 1;
	return m;
}

static void strip_class(char *s)
{
	char *p;
	while ((p = strstr(s, " class=\""))) {
		char *e = strchr(p + 8, '"');
		if (!e)
			return;
		memmove(p, e + 1, strlen(e + 1) + 1);
	}
}

static void same_str(const char *what, const char *line, const char *ours, const char *theirs)
{
	if ((!ours && !theirs) || (ours && theirs && !strcmp(ours, theirs)))
		return;
	fprintf(stderr, "MISMATCH %s: netdiag '%s' libapparmor '%s'\n  in: %s\n", what,
	        ours ? ours : "(null)", theirs ? theirs : "(null)", line);
	failures++;
}

static void same_num(const char *what, const char *line, long long ours, unsigned long theirs)
{
	long long t = theirs == (unsigned long)-1 ? -1 : (long long)theirs;
	if (ours == t || (ours == -1 && theirs == 0))
		return;
	fprintf(stderr, "MISMATCH %s: netdiag %lld libapparmor %lld\n  in: %s\n", what, ours, t,
	        line);
	failures++;
}

static const aa_record_event_type event_map[] = {
        [ND_AA_EV_UNKNOWN] = AA_RECORD_INVALID, [ND_AA_EV_DENIED] = AA_RECORD_DENIED,
        [ND_AA_EV_ALLOWED] = AA_RECORD_ALLOWED, [ND_AA_EV_AUDIT] = AA_RECORD_AUDIT,
        [ND_AA_EV_STATUS] = AA_RECORD_STATUS,   [ND_AA_EV_HINT] = AA_RECORD_HINT,
        [ND_AA_EV_ERROR] = AA_RECORD_ERROR,     [ND_AA_EV_KILLED] = AA_RECORD_DENIED,
};

static void check(const char *line)
{
	char why[200];
	if (!strstr(line, "apparmor="))
		return;
	enum nd_aa_parse_status st = nd_aa_parse(line, strlen(line), &rec, why, sizeof(why));
	if (st != ND_AA_PARSE_OK)
		return; /* bad records are the parser test's business */
	if (rec.audit_type == 1107)
		return; /* USER_AVC: libapparmor sets comm from exe= (a quirk) */
	char norm[ND_AA_MAX_RECORD + 128];
	snprintf(norm, sizeof(norm), "type=AVC msg=audit(%lld.%03u:%llu): %s",
	         rec.has_stamp ? (long long)rec.stamp_sec : 1700000000LL,
	         rec.has_stamp ? rec.stamp_ms : 0U,
	         rec.has_stamp ? (unsigned long long)rec.serial : 1ULL, body_of(line));
	strip_class(norm);
	aa_log_record *lr = parse_record(norm);
	if (!lr || lr->event == AA_RECORD_INVALID) {
		rejected++;
		if (lr)
			free_record(lr);
		return;
	}
	compared++;
	if (event_map[rec.event] != lr->event) {
		fprintf(stderr, "MISMATCH event: netdiag %d libapparmor %d\n  in: %s\n", rec.event,
		        lr->event, line);
		failures++;
	}
	same_str("operation", line, rec.operation, lr->operation);
	same_str("profile", line, rec.profile, lr->profile);
	if (rec.cls != ND_AA_CL_CAP) /* libapparmor puts capname in name */
		same_str("name", line, rec.name, lr->name);
	same_str("comm", line, rec.comm, lr->comm);
	same_str("requested_mask", line, rec.requested_mask, lr->requested_mask);
	same_str("denied_mask", line, rec.denied_mask, lr->denied_mask);
	same_str("info", line, rec.info, lr->info);
	same_str("target/name2", line, nd_aa_get(&rec, "target"), lr->name2);
	same_str("family", line, nd_aa_get(&rec, "family"), lr->net_family);
	same_str("sock_type", line, nd_aa_get(&rec, "sock_type"), lr->net_sock_type);
	same_str("signal", line, nd_aa_get(&rec, "signal"), lr->signal);
	same_str("peer", line, nd_aa_get(&rec, "peer"), lr->peer);
	same_str("fstype", line, nd_aa_get(&rec, "fstype"), lr->fs_type);
	same_str("srcname", line, nd_aa_get(&rec, "srcname"), lr->src_name);
	same_str("flags", line, nd_aa_get(&rec, "flags"), lr->flags);
	same_num("pid", line, rec.pid, lr->pid);
	same_num("fsuid", line, rec.fsuid, lr->fsuid);
	same_num("ouid", line, rec.ouid, lr->ouid);
	/* the kernel prints error=-13; libapparmor keeps 13 */
	if (-rec.error != lr->error_code) {
		fprintf(stderr, "MISMATCH error: netdiag %d libapparmor %d\n  in: %s\n", rec.error,
		        lr->error_code, line);
		failures++;
	}
	if (rec.has_stamp) {
		char id[64];
		snprintf(id, sizeof(id), "%lld.%03u:%llu", (long long)rec.stamp_sec, rec.stamp_ms,
		         (unsigned long long)rec.serial);
		same_str("audit_id", line, id, lr->audit_id);
	}
	free_record(lr);
}

int main(int argc, char **argv)
{
	static char line[ND_AA_MAX_RECORD * 2];
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "cannot open %s\n", argv[i]);
			return 1;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (line[0] == '#' || !line[0])
				continue;
			if (!strncmp(line, "MESSAGE=", 8))
				check(line + 8);
			else
				check(line);
		}
		fclose(f);
	}
	printf("compared %d records with libapparmor (%d rejected by it), %d mismatches\n",
	       compared, rejected, failures);
	if (compared < MIN_COMPARED) {
		fprintf(stderr, "too few records compared (%d < %d)\n", compared, MIN_COMPARED);
		return 1;
	}
	return failures ? 1 : 0;
}
