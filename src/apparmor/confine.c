/* SPDX-License-Identifier: MIT */
/* Is AppArmor on, and which profile confines each running Samba process:
 * libapparmor's aa_is_enabled() and aa_gettaskcon() (which reads
 * /proc/PID/attr/apparmor/current, or attr/current). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/apparmor.h>

#include "apparmor/apparmor_internal.h"

static bool samba_comm(const char *c)
{
	return !strcmp(c, "smbd") || !strncmp(c, "smbd[", 5) || !strncmp(c, "smbd-", 5) ||
	       !strncmp(c, "samba", 5) || !strncmp(c, "rpcd_", 5) || !strcmp(c, "nmbd") ||
	       !strcmp(c, "winbindd") || !strncmp(c, "winbindd", 8);
}

static const char *enabled_reason(int err)
{
	switch (err) {
	case ENOSYS:
		return "AppArmor is not available in this kernel";
	case ECANCELED:
		return "AppArmor is built into this kernel but disabled at boot";
	case ENOENT:
		return "AppArmor is enabled but securityfs is not mounted";
	case EBUSY:
		return "AppArmor is available only through private interfaces";
	case EPERM:
	case EACCES:
		return "no permission to ask whether AppArmor is enabled";
	default:
		return "AppArmor is not enabled";
	}
}

static bool cmdline_audit_off(const char *proc_root)
{
	char path[512], buf[4096];
	snprintf(path, sizeof(path), "%s/cmdline", proc_root);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (char *p = buf; (p = strstr(p, "audit=0")); p += 7)
		if ((p == buf || isspace((unsigned char)p[-1])) &&
		    (!p[7] || isspace((unsigned char)p[7])))
			return true;
	return false;
}

static int pid_cmp(const void *a, const void *b)
{
	const struct nd_aa_confinement *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

void nd_aa_query_confinement(struct nd_apparmor_report *r, const char *proc_root)
{
	if (!proc_root)
		proc_root = "/proc";
	errno = 0;
	int en = aa_is_enabled();
	int err = errno;
	r->enabled = en == 1 ? 1 : 0;
	if (en == 1)
		snprintf(r->enabled_detail, sizeof(r->enabled_detail), "AppArmor is enabled");
	else
		snprintf(r->enabled_detail, sizeof(r->enabled_detail), "%s (aa_is_enabled: %s)",
		         enabled_reason(err), strerror(err ? err : ENOSYS));
	r->audit_disabled = cmdline_audit_off(proc_root);

	DIR *d = opendir(proc_root);
	if (!d)
		return;
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > 0x7fffffff)
			continue;
		char path[512], comm[64];
		snprintf(path, sizeof(path), "%s/%ld/comm", proc_root, pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		bool ok = fgets(comm, sizeof(comm), f) != NULL;
		fclose(f);
		if (!ok)
			continue;
		comm[strcspn(comm, "\n")] = 0;
		if (!samba_comm(comm))
			continue;
		if (r->n_confinement == cap) {
			cap = cap ? cap * 2 : 8;
			struct nd_aa_confinement *n = realloc(r->confinement, cap * sizeof(*n));
			if (!n)
				break;
			r->confinement = n;
		}
		struct nd_aa_confinement *c = &r->confinement[r->n_confinement++];
		memset(c, 0, sizeof(*c));
		c->pid = (int)pid;
		nd_str_copy(c->comm, sizeof(c->comm), comm);
		if (en != 1) {
			c->error = err ? err : ENOSYS;
			continue;
		}
		char *label = NULL, *mode = NULL;
		if (aa_gettaskcon((pid_t)pid, &label, &mode) < 0) {
			c->error = errno;
			continue;
		}
		nd_str_copy(c->label, sizeof(c->label), label ? label : "");
		nd_str_copy(c->mode, sizeof(c->mode), mode ? mode : "unconfined");
		free(label); /* mode points into the same buffer */
	}
	closedir(d);
	if (r->n_confinement > 1)
		qsort(r->confinement, r->n_confinement, sizeof(*r->confinement), pid_cmp);
}
