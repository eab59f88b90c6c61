/* SPDX-License-Identifier: MIT */
/* MESSAGE_ID of each finding id: the registry's (diag/findings.def), fixed
 * forever once shipped; the journal catalog is generated from the same
 * table (`netdiag explain --catalog`). */
#include <string.h>

#include "daemon/daemon.h"

/* For an id the registry does not know (none today). */
#define GENERIC_MESSAGE_ID "8de92eb81a474b9487fa7af2b0409fad"

const char *nd_daemon_message_id(const char *finding_id)
{
	const struct nd_finding_def *def = nd_finding_def_by_id(finding_id);
	return def ? def->message_id : GENERIC_MESSAGE_ID;
}
