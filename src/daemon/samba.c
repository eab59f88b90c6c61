/* SPDX-License-Identifier: MIT */
/* samba.log_error: Samba's daemons logged at error level or worse. */
#include <stdio.h>
#include <string.h>

#include "daemon/daemon_internal.h"

void nd_samba_error_finding(const char *comm, int priority, const char *message, uint64_t count,
                            struct nd_findings *out)
{
	struct nd_finding *f = nd_findings_add(
	        out, "samba.log_error", priority <= 3 ? ND_SEV_ERROR : ND_SEV_WARNING, "process");
	if (!f)
		return;
	nd_str_copy(f->subject, sizeof(f->subject), comm);
	char msg[300];
	nd_str_copy(msg, sizeof(msg), message ? message : "(no message)");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	snprintf(f->summary, sizeof(f->summary), "%s logged %llu error message%s, first: \"%s\"",
	         comm, (unsigned long long)count, count == 1 ? "" : "s", msg);
	snprintf(f->advice, sizeof(f->advice),
	         "Read them with `journalctl _COMM=%s -p err`; raise `log level` in smb.conf "
	         "for details.",
	         comm);
	nd_finding_evidence(f, "messages", count);
	nd_finding_evidence(f, "priority", (uint64_t)(priority < 0 ? 0 : priority));
}
