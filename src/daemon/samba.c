/* SPDX-License-Identifier: MIT */
/* samba.log_error: Samba's daemons logged at error level or worse. */
#include <stdio.h>
#include <string.h>

#include "daemon/daemon_internal.h"

void nd_samba_error_finding(const char *comm, int priority, const char *message, uint64_t count,
                            struct nd_findings *out)
{
	struct nd_finding *f = nd_findings_add(out, ND_F_SAMBA_LOG_ERROR);
	if (!f)
		return;
	f->severity = priority <= 3 ? ND_SEV_ERROR : ND_SEV_WARNING;
	nd_str_copy(f->subject, sizeof(f->subject), comm);
	char msg[300];
	nd_str_copy(msg, sizeof(msg), message ? message : "(no message)");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	snprintf(f->summary, sizeof(f->summary), "%s logged %llu error message%s, first: \"%s\"",
	         comm, (unsigned long long)count, count == 1 ? "" : "s", msg);
	snprintf(f->title, sizeof(f->title), "%.32s logged %llu error message%s", comm,
	         (unsigned long long)count, count == 1 ? "" : "s");
	snprintf(f->fix, sizeof(f->fix), "journalctl _COMM=%.32s -p err", comm);
	snprintf(f->advice, sizeof(f->advice), "Raise `log level` in smb.conf for details.");
	nd_finding_evidence(f, "messages", count);
	nd_finding_evidence(f, "priority", (uint64_t)(priority < 0 ? 0 : priority));
}
