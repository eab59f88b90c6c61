/* SPDX-License-Identifier: MIT */
/* Who logs on: the final SESSION_SETUP response tells the session its user
 * (read from the request's NTLMSSP AUTHENTICATE), mechanism and
 * SessionFlags; logons worth a look (failures, guest and anonymous
 * sessions) become rows of a bounded table, one per (server, client, user,
 * status). Successful named logons are not rows: they are normal. */
#include "smb/smb_internal.h"

const char *smb_session_user(struct nd_smb *smb, uint64_t session_id)
{
	const struct smb_session *s =
	        (const struct smb_session *)smb_pool_find(&smb->sessions, session_id, 0, 0);
	return s ? s->user : "";
}

struct logon_key {
	uint8_t ip_version;
	const uint8_t *client, *server;
	const char *user;
	uint32_t status;
};

static struct nd_smb_logon *logon_row(struct nd_smb *smb, const struct logon_key *k)
{
	for (size_t i = 0; i < smb->r.n_logons; i++) {
		struct nd_smb_logon *l = &smb->logons[i];
		if (l->ip_version == k->ip_version && l->status == k->status &&
		    !memcmp(l->client, k->client, 16) && !memcmp(l->server, k->server, 16) &&
		    !strcmp(l->user, k->user))
			return l;
	}
	if (smb->r.n_logons >= smb->cfg.max_logons) {
		smb->r.logons_overflow++;
		return NULL;
	}
	struct nd_smb_logon *l = &smb->logons[smb->r.n_logons++];
	memset(l, 0, sizeof(*l));
	l->ip_version = k->ip_version;
	memcpy(l->client, k->client, 16);
	memcpy(l->server, k->server, 16);
	nd_str_copy(l->user, sizeof(l->user), k->user);
	l->status = k->status;
	return l;
}

static void logon_record(struct nd_smb *smb, const struct smb_conn *c, int resp_dir,
                         const struct smb_pending *p, const struct nd_smb2_info *in, uint16_t flags,
                         const struct smb_when *w)
{
	struct logon_key k = {c->ip_version, c->addr[!resp_dir], c->addr[resp_dir],
	                      p ? p->logon.user : "", in->h.status};
	struct nd_smb_logon *l = logon_row(smb, &k);
	if (!l)
		return;
	if (!l->count++) {
		l->first_ts = p ? p->ts : w->ts;
		l->first_frame = p ? p->frame : w->frame;
		l->first_file = p ? p->file : w->file;
		if (p) {
			nd_str_copy(l->workstation, sizeof(l->workstation), p->logon.workstation);
			nd_str_copy(l->mech, sizeof(l->mech), nd_smb_mech_name(p->mech));
		}
	}
	l->session_flags = flags;
	l->last_ts = w->ts;
}

/* The session learns who it is; a re-authentication may change the user. */
static void session_learn(struct nd_smb *smb, const struct smb_conn *c, int resp_dir,
                          const struct smb_pending *p, uint64_t sid, uint16_t flags)
{
	struct smb_session *s = smb_session_get(smb, sid, c, !resp_dir);
	if (!s)
		return;
	s->setup_seen = true;
	s->flags = flags;
	if (p) {
		s->mech = p->mech;
		nd_str_copy(s->user, sizeof(s->user), p->logon.user);
	}
}

void smb_logon_done(struct nd_smb *smb, const struct smb_conn *c, int resp_dir,
                    const struct smb_pending *p, const struct nd_smb2_info *in,
                    const struct smb_when *w)
{
	bool ok = in->h.status == ND_STATUS_SUCCESS;
	uint16_t flags = ok && in->body_ok && !in->error_body ? in->session_flags : 0;
	if (ok)
		session_learn(smb, c, resp_dir, p, in->h.session_id, flags);
	if (ok && !(flags & (ND_SMB_SESSION_IS_GUEST | ND_SMB_SESSION_IS_NULL)))
		return;
	logon_record(smb, c, resp_dir, p, in, flags, w);
}
