/* SPDX-License-Identifier: MIT */
/* Runs the rules, joins their findings and finishes the verdict. */
#include <inttypes.h>
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules.h"
#include "diag/rules_apparmor.h"
#include "diag/rules_offload.h"
#include "diag/rules_smb.h"

/* offload.unreadable: an interface asked for could not be read. */
static void rule_offload_unreadable(const struct nd_offload_set *set, struct nd_findings *out)
{
	for (size_t i = 0; i < set->n_errs; i++) {
		struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_UNREADABLE);
		if (!f)
			return;
		nd_str_copy(f->subject, sizeof(f->subject), set->errs[i].name);
		snprintf(f->title, sizeof(f->title), "interface %.64s could not be read",
		         set->errs[i].name);
		snprintf(f->summary, sizeof(f->summary),
		         "%.64s: %.320s; nothing about it was checked.", set->errs[i].name,
		         set->errs[i].msg);
		snprintf(f->fix, sizeof(f->fix), "ip link show (the interfaces this host has)");
		nd_str_copy(f->scope.iface, sizeof(f->scope.iface), set->errs[i].name);
	}
}

static void rules_offload(const struct nd_diag_input *in, struct nd_findings *out)
{
	if (!in->offload)
		return;
	nd_rules_offload(in->offload->ifs, in->offload->n, out);
	for (size_t i = 0; in->tcp && i < in->offload->n; i++) {
		const struct nd_offload_iface *ifc = &in->offload->ifs[i];
		nd_rules_offload_tso_loss(ifc, nd_rules_tcp_lso_from(in, ifc), out);
	}
	rule_offload_unreadable(in->offload, out);
}

static nd_ns slowest_wait(const struct nd_smb_results *r, unsigned cmd)
{
	nd_ns w = 0;
	for (size_t i = 0; i < r->n_shares; i++)
		w = ND_MAX(w, r->shares[i].ops[cmd].wait_max);
	return w;
}

/* ", 44 SMB operations (the slowest WRITE took 0.3 ms, READ 1.1 ms)" */
static void ops_text(char *buf, size_t len, const struct nd_smb_results *r)
{
	uint64_t ops = 0;
	for (unsigned c = 0; c < ND_SMB_NCMD; c++)
		ops += r->cmd[c].lat.count;
	nd_ns w = slowest_wait(r, ND_SMB_WRITE), rd = slowest_wait(r, ND_SMB_READ);
	size_t l = strlen(buf);
	snprintf(buf + l, len - l, ", %" PRIu64 " SMB operation%s", ops, ops == 1 ? "" : "s");
	l = strlen(buf);
	if (w && rd)
		snprintf(buf + l, len - l, " (the slowest WRITE took %.1f ms, READ %.1f ms)",
		         nd_ns_to_ms(w), nd_ns_to_ms(rd));
	else if (w || rd)
		snprintf(buf + l, len - l, " (the slowest %s took %.1f ms)", w ? "WRITE" : "READ",
		         nd_ns_to_ms(w ? w : rd));
}

/* What was checked and found healthy, in numbers: "No problem found: 1 TCP
 * connection, 44 SMB operations (...); no loss, and no failure or slowness
 * users would notice." */
static void healthy_headline(const struct nd_diag_input *in, char *buf, size_t len)
{
	snprintf(buf, len, "No problem found");
	size_t l = strlen(buf);
	if (in->tcp) {
		const struct nd_tcp_totals *t = nd_tcp_get_totals(in->tcp);
		snprintf(buf + l, len - l, ": %" PRIu64 " TCP connection%s", t->flows,
		         t->flows == 1 ? "" : "s");
		if (in->smb)
			ops_text(buf, len, nd_smb_get_results(in->smb));
		l = strlen(buf);
		snprintf(buf + l, len - l,
		         "; no loss, and no failure or slowness users would notice");
	} else if (in->offload) {
		snprintf(buf + l, len - l, ": %zu interface%s checked", in->offload->n,
		         in->offload->n == 1 ? "" : "s");
	} else if (in->apparmor) {
		snprintf(buf + l, len - l,
		         ": %" PRIu64 " journal entries checked, no AppArmor denial",
		         in->apparmor->entries);
	}
}

void nd_diag_run(const struct nd_diag_input *in, struct nd_findings *out)
{
	if (in->capture) {
		nd_rules_capture(in, out);
		nd_rules_tcp(in, out);
		nd_rules_smb(in, out);
	}
	if (in->apparmor)
		nd_rules_apparmor_all(in->apparmor, in->smb, out);
	rules_offload(in, out);
	nd_diag_link(in, out);
	char headline[400];
	healthy_headline(in, headline, sizeof(headline));
	nd_findings_finish(out, headline);
}
