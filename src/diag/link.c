/* SPDX-License-Identifier: MIT */
/* Which finding explains which: one problem, one root cause, its symptoms
 * pointing at it. Each join names the cause kind, the symptom kind and the
 * condition on their scopes (docs/findings.md, "How findings are joined"). */
#include "diag/diag.h"
#include "diag/rules.h"

static bool same_addr(uint8_t v, const uint8_t a[16], uint8_t w, const uint8_t b[16])
{
	return v == w && !memcmp(a, b, 16);
}

/* The symptom happened between the cause's two hosts (an address the
 * symptom does not know matches). */
static bool same_hosts(const struct nd_scope *cause, const struct nd_scope *s)
{
	if (!cause->has_server || !s->has_server)
		return false;
	if (!same_addr(cause->ip_version, cause->server, s->ip_version, s->server))
		return false;
	return !s->has_client || !cause->has_client ||
	       same_addr(cause->ip_version, cause->client, s->ip_version, s->client);
}

static bool same_flow(const struct nd_scope *a, const struct nd_scope *b)
{
	return a->has_ports && b->has_ports && same_hosts(a, b) &&
	       a->client_port == b->client_port && a->server_port == b->server_port;
}

static bool is_slow_smb(enum nd_finding_kind k)
{
	return k == ND_F_SMB_SLOW_WRITES || k == ND_F_SMB_SLOW_READS ||
	       k == ND_F_SMB_SLOW_METADATA || k == ND_F_SMB_SLOW_CONNECT;
}

static const struct nd_offload_iface *iface_named(const struct nd_diag_input *in, const char *n)
{
	for (size_t i = 0; in->offload && i < in->offload->n; i++)
		if (!strcmp(in->offload->ifs[i].name, n))
			return &in->offload->ifs[i];
	return NULL;
}

/* The sender of an LSO drop: the side its "sender" evidence names. */
static const uint8_t *lso_sender(const struct nd_finding *l)
{
	for (size_t i = 0; i < l->n_evidence; i++)
		if (!strcmp(l->evidence[i].name, "sender"))
			return strcmp(l->evidence[i].str, "server") ? l->scope.client
			                                            : l->scope.server;
	return l->scope.client;
}

static uint64_t evidence_u64(const struct nd_finding *f, const char *name)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (!strcmp(f->evidence[i].name, name))
			return f->evidence[i].value;
	return 0;
}

/* An LSO drop explains the storms and slow operations of its connection,
 * the sending interface's offload.tso_with_loss, and segmentation features
 * the capture host's devices keep off (they are where super-segments die). */
static void explain_by_lso(const struct nd_diag_input *in, struct nd_findings *fs,
                           const struct nd_finding *l)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *s = &fs->items[i];
		const struct nd_offload_iface *ifc = iface_named(in, s->scope.iface);
		bool yes = false;
		if (s->kind == ND_F_TCP_DUP_ACK_STORM)
			yes = same_flow(&l->scope, &s->scope);
		else if (is_slow_smb(s->kind))
			yes = s->scope.network && same_hosts(&l->scope, &s->scope);
		else if (s->kind == ND_F_OFFLOAD_TSO_WITH_LOSS)
			yes = ifc && nd_offload_has_addr(ifc, l->scope.ip_version, lso_sender(l));
		else if (s->kind == ND_F_OFFLOAD_REQUESTED_NOT_ACTIVE)
			yes = evidence_u64(s, "segmentation_features") > 0;
		if (yes)
			nd_finding_explain(s, l);
	}
}

static void explain_by_loss(struct nd_findings *fs, const struct nd_finding *n)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *s = &fs->items[i];
		if ((s->kind == ND_F_TCP_DUP_ACK_STORM && same_flow(&n->scope, &s->scope)) ||
		    (is_slow_smb(s->kind) && s->scope.network && same_hosts(&n->scope, &s->scope)))
			nd_finding_explain(s, n);
	}
}

/* A server that does not read (zero window towards the client) explains
 * its slow WRITEs; a client that does not read, its slow READs. */
static void explain_by_zero_window(struct nd_findings *fs, const struct nd_finding *z)
{
	bool server = false;
	for (size_t i = 0; i < z->n_evidence; i++)
		if (!strcmp(z->evidence[i].name, "receiver"))
			server = !strcmp(z->evidence[i].str, "server");
	enum nd_finding_kind k = server ? ND_F_SMB_SLOW_WRITES : ND_F_SMB_SLOW_READS;
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *s = &fs->items[i];
		if (s->kind == k && same_hosts(&z->scope, &s->scope))
			nd_finding_explain(s, z);
	}
}

static void explain_by_share(struct nd_findings *fs, const struct nd_finding *c,
                             enum nd_finding_kind kind)
{
	for (size_t i = 0; i < fs->count; i++) {
		struct nd_finding *s = &fs->items[i];
		if (s->kind == kind && c->scope.share[0] && !strcmp(s->scope.share, c->scope.share))
			nd_finding_explain(s, c);
	}
}

static void explain_all(struct nd_findings *fs, const struct nd_finding *c, enum nd_finding_kind k)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->items[i].kind == k)
			nd_finding_explain(&fs->items[i], c);
}

void nd_diag_link(const struct nd_diag_input *in, struct nd_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *c = &fs->items[i];
		switch (c->kind) {
		case ND_F_TCP_LSO_DROP:
			explain_by_lso(in, fs, c);
			break;
		case ND_F_TCP_NETWORK_LOSS:
			explain_by_loss(fs, c);
			break;
		case ND_F_TCP_ZERO_WINDOW:
			if (c->severity >= ND_SEV_WARNING)
				explain_by_zero_window(fs, c);
			break;
		case ND_F_APPARMOR_SMB_ACCESS_DENIED:
			explain_by_share(fs, c, ND_F_SMB_ACCESS_DENIED);
			break;
		case ND_F_CAPTURE_LOSS:
			explain_all(fs, c, ND_F_SMB_PENDING_AT_END);
			break;
		default:
			break;
		}
	}
}
