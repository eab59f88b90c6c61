/* SPDX-License-Identifier: MIT */
/* Request/response matching and what follows from it: latency statistics,
 * trees, open handles, error rows. Matching is on (TCP connection,
 * MessageId), like tshark: an interim STATUS_PENDING keeps the request
 * pending, a CANCEL never replaces it, break notifications (MessageId
 * all-FF) answer nothing. Trees and handles are keyed by SessionId so that
 * a session spread over several connections (multichannel) stays whole. */
#include <stdio.h>
#include <strings.h>

#include "smb/smb_internal.h"

static const uint8_t fid_all_ff[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* State shared by the PDUs of one compound message. */
struct chain {
	unsigned index;
	bool prev_failed;
	bool have_fid;
	uint8_t fid[16];
	uint64_t session;
	uint32_t tree;
};

static unsigned cmd_index(uint16_t cmd)
{
	return cmd < ND_SMB_CMD_OTHER ? cmd : ND_SMB_CMD_OTHER;
}

void smb_track_note_ts(struct nd_smb *smb, nd_ns ts)
{
	if (!smb->r.first_ts || ts < smb->r.first_ts)
		smb->r.first_ts = ts;
	if (ts > smb->r.last_ts)
		smb->r.last_ts = ts;
}

/* ---- network trouble snapshot ---- */

void smb_net_snapshot(const struct smb_conn *c, struct nd_smb_net *n)
{
	memset(n, 0, sizeof(*n));
	if (!c->flow)
		return;
	const struct nd_tcp_flow_summary *s = nd_tcp_flow_summary(c->flow);
	for (int d = 0; d < 2; d++) {
		n->lost_segment += s->dir[d].an.lost_segment;
		n->retransmission += s->dir[d].an.retransmission;
		n->spurious_retransmission += s->dir[d].an.spurious_retransmission;
		n->dup_ack_storm += s->dir[d].an.dup_ack_storm;
	}
}

/* ---- shares, clients, sessions ---- */

/* A share row is (server address, path): the path names the server as the
 * client spelled it, the address says which machine answered. */
static uint16_t share_get(struct nd_smb *smb, const char *path, const struct smb_conn *c,
                          int server_dir)
{
	const uint8_t *srv = c->addr[server_dir];
	for (size_t i = 0; i < smb->r.n_shares; i++) {
		const struct nd_smb_share *s = &smb->shares[i];
		if (s->ip_version == c->ip_version && !memcmp(s->server, srv, 16) &&
		    strcasecmp(s->path, path) == 0)
			return (uint16_t)i;
	}
	if (smb->r.n_shares >= smb->cfg.max_shares) {
		smb->r.shares_overflow++;
		return SMB_NO_SHARE;
	}
	struct nd_smb_share *s = &smb->shares[smb->r.n_shares];
	memset(s, 0, sizeof(*s));
	nd_str_copy(s->path, sizeof(s->path), path);
	s->ip_version = c->ip_version;
	memcpy(s->server, srv, 16);
	return (uint16_t)smb->r.n_shares++;
}

static struct nd_smb_share *share_at(struct nd_smb *smb, uint16_t i)
{
	return i == SMB_NO_SHARE ? NULL : &smb->shares[i];
}

static const char *share_path(struct nd_smb *smb, uint16_t i)
{
	return i == SMB_NO_SHARE ? "" : smb->shares[i].path;
}

/* The share of a request: its tree, or the server's unknown-tree row. */
static uint16_t share_of_tree(struct nd_smb *smb, const struct smb_conn *c, int server_dir,
                              uint64_t session, uint32_t tree)
{
	struct smb_tree *t = (struct smb_tree *)smb_pool_find(&smb->trees, session, tree, 0);
	if (t)
		return t->share;
	return share_get(smb, "", c, server_dir);
}

static uint16_t client_get(struct nd_smb *smb, uint8_t ipv, const uint8_t addr[16])
{
	for (size_t i = 0; i < smb->r.n_clients; i++)
		if (smb->clients[i].ip_version == ipv && !memcmp(smb->clients[i].addr, addr, 16))
			return (uint16_t)i;
	if (smb->r.n_clients >= smb->cfg.max_clients) {
		smb->r.clients_overflow++;
		return UINT16_MAX;
	}
	struct nd_smb_client *cl = &smb->clients[smb->r.n_clients];
	memset(cl, 0, sizeof(*cl));
	cl->ip_version = ipv;
	memcpy(cl->addr, addr, 16);
	return (uint16_t)smb->r.n_clients++;
}

/* Open-handle count over time, halved in resolution when full. */
static void client_sample(struct nd_smb_client *cl, nd_ns ts)
{
	if (!cl->first_ts)
		cl->first_ts = ts;
	cl->last_ts = ts;
	if (cl->open_now > cl->peak) {
		cl->peak = cl->open_now;
		cl->peak_ts = ts;
	}
	uint16_t n = cl->n_samples;
	if (n && ts - cl->samples[n - 1].ts < cl->sample_every) {
		cl->samples[n - 1].open = cl->open_now;
		return;
	}
	if (n == ND_SMB_CLIENT_SAMPLES) {
		for (uint16_t i = 0; i < n / 2; i++)
			cl->samples[i] = cl->samples[2 * i];
		n = cl->n_samples = n / 2;
		nd_ns span = ts - cl->samples[0].ts;
		cl->sample_every = ND_MAX(cl->sample_every * 2, span / (ND_SMB_CLIENT_SAMPLES / 2));
	}
	cl->samples[n].ts = ts;
	cl->samples[n].open = cl->open_now;
	cl->n_samples++;
}

struct smb_session *smb_session_get(struct nd_smb *smb, uint64_t sid, const struct smb_conn *c,
                                    int sender)
{
	if (!sid || sid == SMB2_MSGID_NONE)
		return NULL;
	struct smb_session *s = (struct smb_session *)smb_pool_find(&smb->sessions, sid, 0, 0);
	if (s) {
		smb_pool_touch(&smb->sessions, &s->node);
		return s;
	}
	s = (struct smb_session *)smb_pool_insert(&smb->sessions, sid, 0, 0);
	s->ip_version = c->ip_version;
	memcpy(s->addr, c->addr[sender], 16);
	return s;
}

static void conn_note_session(struct nd_smb *smb, struct smb_conn *c, uint64_t sid, int sender)
{
	struct smb_session *s = smb_session_get(smb, sid, c, sender);
	if (!s)
		return;
	for (uint8_t i = 0; i < c->n_sessions; i++)
		if (c->sessions[i] == sid)
			return;
	if (c->n_sessions < ND_ARRAY_LEN(c->sessions)) {
		c->sessions[c->n_sessions++] = sid;
		s->conns_open++;
	}
}

/* ---- errors ---- */

struct error_key {
	uint32_t status;
	uint8_t cmd;
	bool benign;
	const char *share, *path, *user;
	const uint8_t *server;
};

static bool error_match(const struct nd_smb_error *e, const struct error_key *k)
{
	return e->status == k->status && e->cmd == k->cmd && !strcmp(e->share, k->share) &&
	       !strcmp(e->path, k->path) && !strcmp(e->user, k->user) &&
	       !memcmp(e->server, k->server, 16);
}

/* A row per (status, command, share, path, user, server): who was refused
 * matters as much as what. */
static struct nd_smb_error *error_row(struct nd_smb *smb, const struct error_key *k)
{
	for (size_t i = 0; i < smb->r.n_errors; i++)
		if (error_match(&smb->errors[i], k))
			return &smb->errors[i];
	if (smb->r.n_errors >= smb->cfg.max_errors) {
		smb->r.errors_overflow++;
		return NULL;
	}
	struct nd_smb_error *e = &smb->errors[smb->r.n_errors++];
	memset(e, 0, sizeof(*e));
	e->status = k->status;
	e->cmd = k->cmd;
	e->benign = k->benign;
	nd_str_copy(e->share, sizeof(e->share), k->share);
	nd_str_copy(e->path, sizeof(e->path), k->path);
	nd_str_copy(e->user, sizeof(e->user), k->user);
	memcpy(e->server, k->server, 16);
	return e;
}

/* ---- pending requests ---- */

static struct smb_pending *pending_at(struct nd_smb *smb, uint32_t link)
{
	return (struct smb_pending *)smb_pool_at(&smb->pending, link - 1);
}

static void pending_release(struct nd_smb *smb, struct smb_pending *p)
{
	struct smb_conn *c = p->conn;
	if (p->inflight_slot && c->inflight[p->inflight_slot - 1])
		c->inflight[p->inflight_slot - 1]--;
	if (p->cprev)
		pending_at(smb, p->cprev)->cnext = p->cnext;
	else
		c->pend_head = p->cnext;
	if (p->cnext)
		pending_at(smb, p->cnext)->cprev = p->cprev;
	c->n_pending--;
	smb_pool_remove(&smb->pending, &p->node);
}

/* Defined with the responses. */
static void complete_op(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p,
                        nd_ns resp_last);

void smb_pending_evicted(void *ctx, struct smb_node *n)
{
	struct nd_smb *smb = ctx;
	struct smb_pending *p = (struct smb_pending *)n;
	if (p->answered) { /* answered, waiting for its last byte: judge what is known */
		complete_op(smb, p->conn, p, p->reply.ts);
		return;
	}
	smb->r.pending_evicted++;
	pending_release(smb, p);
}

static struct smb_pending *pending_find(struct nd_smb *smb, const struct smb_conn *c, uint64_t mid)
{
	return (struct smb_pending *)smb_pool_find(&smb->pending, c->id, mid, 0);
}

void smb_track_request_refill(struct nd_smb *smb, struct smb_conn *c, uint64_t msg_id,
                              const struct smb_when *w)
{
	struct smb_pending *p = pending_find(smb, c, msg_id);
	if (!p || w->ts < p->ts)
		return;
	p->ts = w->ts;
	p->last_ts = ND_MAX(p->last_ts, w->ts);
	p->frame = w->frame;
	p->file = w->file;
}

/* Requests still pending when their connection ends are final: counted
 * per command as "pending at end". */
static void conn_fold_pending(struct nd_smb *smb, struct smb_conn *c)
{
	while (c->pend_head) {
		struct smb_pending *p = pending_at(smb, c->pend_head);
		if (p->answered) { /* its response's end was never seen */
			complete_op(smb, c, p, p->reply.ts);
			continue;
		}
		smb->r.cmd[p->cmd].pending_at_end++;
		pending_release(smb, p);
	}
}

/* ---- handles ---- */

static uint64_t fid_persistent(const uint8_t fid[16])
{
	return nd_le64(fid);
}
static uint64_t fid_volatile(const uint8_t fid[16])
{
	return nd_le64(fid + 8);
}

static struct smb_handle *handle_find(struct nd_smb *smb, uint64_t sid, const uint8_t fid[16])
{
	return (struct smb_handle *)smb_pool_find(&smb->handles, sid, fid_persistent(fid),
	                                          fid_volatile(fid));
}

enum handle_end { HANDLE_CLOSED, HANDLE_DISCONNECT, HANDLE_EVICTED };

static void handle_drop(struct nd_smb *smb, struct smb_handle *h, enum handle_end why, nd_ns ts)
{
	struct smb_tree *t =
	        (struct smb_tree *)smb_pool_find(&smb->trees, h->node.k0, h->tree_id, 0);
	if (t && t->n_handles)
		t->n_handles--;
	struct smb_session *s =
	        (struct smb_session *)smb_pool_find(&smb->sessions, h->node.k0, 0, 0);
	if (s && s->n_handles)
		s->n_handles--;
	if (h->client != UINT16_MAX) {
		struct nd_smb_client *cl = &smb->clients[h->client];
		if (why == HANDLE_CLOSED)
			cl->closed++;
		else if (why == HANDLE_DISCONNECT)
			cl->closed_by_disconnect++;
		else
			cl->evicted++;
		if (cl->open_now)
			cl->open_now--;
		client_sample(cl, ts);
	}
	if (why != HANDLE_EVICTED)
		smb_pool_remove(&smb->handles, &h->node);
}

void smb_handle_evicted(void *ctx, struct smb_node *n)
{
	struct nd_smb *smb = ctx;
	smb->r.handles_evicted++;
	handle_drop(smb, (struct smb_handle *)n, HANDLE_EVICTED, smb->r.last_ts);
}

static void handle_open(struct nd_smb *smb, const struct smb_conn *c, const struct smb_pending *p,
                        const uint8_t fid[16], const struct nd_smb2_info *in,
                        const struct smb_when *w)
{
	struct smb_handle *h = handle_find(smb, p->session_id, fid);
	if (h) /* reused FileId: the old open was lost */
		handle_drop(smb, h, HANDLE_CLOSED, w->ts);
	h = (struct smb_handle *)smb_pool_insert(&smb->handles, p->session_id, fid_persistent(fid),
	                                         fid_volatile(fid));
	h->tree_id = p->tree_id;
	h->share = p->share;
	h->opened = w->ts;
	h->frame = w->frame;
	h->file = w->file;
	h->access = p->desired_access;
	h->action = in->create_action;
	memcpy(h->name, p->name, sizeof(h->name));
	h->client = client_get(smb, c->ip_version, c->addr[p->sender]);
	struct smb_tree *t =
	        (struct smb_tree *)smb_pool_find(&smb->trees, p->session_id, p->tree_id, 0);
	if (t)
		t->n_handles++;
	struct smb_session *s = smb_session_get(smb, p->session_id, c, p->sender);
	if (s)
		s->n_handles++;
	if (h->client != UINT16_MAX) {
		struct nd_smb_client *cl = &smb->clients[h->client];
		cl->opened++;
		cl->open_now++;
		client_sample(cl, w->ts);
	}
}

/* TREE_DISCONNECT / LOGOFF: the server drops what is still open. */
static void handles_disconnect(struct nd_smb *smb, uint64_t sid, bool whole_session, uint32_t tree,
                               nd_ns ts)
{
	for (uint32_t i = 0; i < smb->handles.used_hw; i++) {
		struct smb_handle *h = (struct smb_handle *)smb_pool_at(&smb->handles, i);
		if (h->node.used && h->node.k0 == sid && (whole_session || h->tree_id == tree))
			handle_drop(smb, h, HANDLE_DISCONNECT, ts);
	}
}

static void trees_drop_session(struct nd_smb *smb, uint64_t sid)
{
	for (uint32_t i = 0; i < smb->trees.used_hw; i++) {
		struct smb_tree *t = (struct smb_tree *)smb_pool_at(&smb->trees, i);
		if (t->node.used && t->node.k0 == sid)
			smb_pool_remove(&smb->trees, &t->node);
	}
}

/* ---- statistics ---- */

static unsigned size_bucket(uint64_t bytes)
{
	unsigned b = 0;
	uint64_t lim = 4096;
	while (b + 1 < ND_SMB_IOSIZE_BUCKETS && bytes > lim) {
		lim <<= 1;
		b++;
	}
	return b;
}

static void io_request(struct nd_smb_io_stats *io, uint32_t inflight, nd_ns ts)
{
	if (inflight > io->inflight_max)
		io->inflight_max = inflight;
	io->inflight_sum += inflight;
	io->inflight_n++;
	if (!io->first_ts || ts < io->first_ts)
		io->first_ts = ts;
}

static void io_done(struct nd_smb_io_stats *io, uint64_t bytes, nd_ns ts)
{
	io->ops++;
	io->bytes += bytes;
	io->size_buckets[size_bucket(bytes)]++;
	if (ts > io->last_ts)
		io->last_ts = ts;
}

static void slow_offer(struct nd_smb *smb, const struct nd_smb_slow_op *op);

/* ---- requests ---- */

static void resolve_chain_ids(struct nd_smb2_info *in, struct chain *ch)
{
	if (!in->h.is_related || ch->index == 0)
		return;
	if (in->h.session_id == 0 || in->h.session_id == SMB2_MSGID_NONE)
		in->h.session_id = ch->session;
	if (!in->h.is_async && (in->h.tree_id == 0 || in->h.tree_id == 0xFFFFFFFFu))
		in->h.tree_id = ch->tree;
	if (in->has_fid && !memcmp(in->fid, fid_all_ff, 16) && ch->have_fid)
		memcpy(in->fid, ch->fid, 16);
}

static void fill_pending(struct nd_smb *smb, struct smb_conn *c, int dir, struct smb_pending *p,
                         const struct nd_smb2_info *in, const struct smb_when *w)
{
	p->conn = c;
	p->cmd = (uint8_t)cmd_index(in->h.cmd);
	p->sender = (uint8_t)dir;
	p->ts = w->ts;
	p->first_ts = w->first_ts ? w->first_ts : w->ts;
	p->last_ts = w->ts;
	p->frame = w->frame;
	p->file = w->file;
	p->session_id = in->h.session_id;
	p->tree_id = in->h.tree_id;
	p->has_fid = in->has_fid;
	memcpy(p->fid, in->fid, 16);
	p->offset = in->offset;
	p->length = in->length;
	p->desired_access = in->desired_access;
	p->disposition = in->disposition;
	p->ctl_code = in->ctl_code;
	if (in->has_name)
		memcpy(p->name, in->name, sizeof(p->name));
	if (p->cmd == ND_SMB_SESSION_SETUP) {
		p->mech = in->auth.mech;
		memcpy(p->logon.user, in->auth.user, sizeof(p->logon.user));
		memcpy(p->logon.workstation, in->auth.workstation, sizeof(p->logon.workstation));
	}
	p->share = p->cmd == ND_SMB_TREE_CONNECT
	                   ? SMB_NO_SHARE
	                   : share_of_tree(smb, c, !dir, p->session_id, p->tree_id);
	p->net0 = w->first_net;
}

static void link_pending(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p)
{
	uint32_t l = smb_pool_link(&smb->pending, &p->node);
	p->cnext = c->pend_head;
	p->cprev = 0;
	if (c->pend_head)
		pending_at(smb, c->pend_head)->cprev = l;
	c->pend_head = l;
	c->n_pending++;
}

static void count_inflight(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p)
{
	if (p->cmd != ND_SMB_READ && p->cmd != ND_SMB_WRITE)
		return;
	unsigned slot = p->cmd == ND_SMB_READ ? 0 : 1;
	p->inflight_slot = slot + 1;
	if (!c->inflight[0] && !c->inflight[1])
		smb_io_started(smb, c, p->share, p->first_ts);
	uint32_t n = ++c->inflight[slot];
	/* From the first byte: throughput over a request's own sending time
	 * would be inflated. */
	io_request(slot ? &smb->r.write : &smb->r.read, n, p->first_ts);
	struct nd_smb_share *s = share_at(smb, p->share);
	if (s)
		io_request(slot ? &s->write_io : &s->read_io, n, p->first_ts);
}

static void track_request(struct nd_smb *smb, struct smb_conn *c, int dir, struct nd_smb2_info *in,
                          struct chain *ch, const struct smb_when *w, struct smb_msg_ids *ids)
{
	unsigned ci = cmd_index(in->h.cmd);
	resolve_chain_ids(in, ch);
	smb->r.cmd[ci].requests++;
	conn_note_session(smb, c, in->h.session_id, dir);
	ch->session = in->h.session_id;
	if (!in->h.is_async)
		ch->tree = in->h.tree_id;
	if (ci == ND_SMB_CREATE)
		ch->have_fid = false; /* known from the response only */
	else if (in->has_fid && memcmp(in->fid, fid_all_ff, 16)) {
		ch->have_fid = true;
		memcpy(ch->fid, in->fid, 16);
	}
	if (ci == ND_SMB_CANCEL) {
		/* Same MessageId as the request it cancels: never replace it. */
		smb->r.cancels++;
		struct smb_pending *p = pending_find(smb, c, in->h.msg_id);
		if (p)
			p->cancelled = true;
		return;
	}
	if (in->h.msg_id == SMB2_MSGID_NONE)
		return;
	struct smb_pending *p = pending_find(smb, c, in->h.msg_id);
	if (p) { /* a duplicate (retransmitted) request: the last one counts, as in tshark */
		smb->r.duplicate_requests++;
		pending_release(smb, p);
	}
	p = (struct smb_pending *)smb_pool_insert(&smb->pending, c->id, in->h.msg_id, 0);
	fill_pending(smb, c, dir, p, in, w);
	link_pending(smb, c, p);
	count_inflight(smb, c, p);
	if (ids && ids->n < SMB_RANGE_IDS)
		ids->ids[ids->n++] = in->h.msg_id;
}

/* ---- responses ---- */

static void record_error(struct nd_smb *smb, const struct smb_conn *c, const struct smb_pending *p,
                         const struct nd_smb2_info *in, bool benign, const struct smb_when *w)
{
	const char *share = share_path(smb, p->share);
	const char *path = "";
	if (p->cmd == ND_SMB_TREE_CONNECT) {
		share = p->name; /* a failed connect keeps its request path */
	} else if (p->cmd == ND_SMB_CREATE) {
		path = p->name;
	} else if (p->has_fid) {
		struct smb_handle *h = handle_find(smb, p->session_id, p->fid);
		if (h)
			path = h->name;
	}
	/* A failed SESSION_SETUP has no session yet: the user it tried. */
	const char *user = p->cmd == ND_SMB_SESSION_SETUP ? p->logon.user
	                                                  : smb_session_user(smb, p->session_id);
	struct error_key k = {in->h.status, p->cmd, benign, share, path, user, c->addr[!p->sender]};
	struct nd_smb_error *e = error_row(smb, &k);
	if (!e)
		return;
	if (!e->count++) {
		e->first_ts = p->ts;
		e->first_frame = p->frame;
		e->first_file = p->file;
		e->ip_version = c->ip_version;
		memcpy(e->client, c->addr[p->sender], 16);
		e->desired_access = p->desired_access;
		e->disposition = p->disposition;
		e->ctl_code = p->ctl_code;
	}
	e->last_ts = w->ts;
}

static void on_tree_connect(struct nd_smb *smb, const struct smb_conn *c, struct smb_pending *p,
                            const struct nd_smb2_info *in, bool ok)
{
	uint16_t si = share_get(smb, p->name, c, !p->sender);
	p->share = si;
	struct nd_smb_share *s = share_at(smb, si);
	if (!ok) {
		if (s)
			s->tree_connect_failures++;
		return;
	}
	if (s) {
		s->tree_connects++;
		if (in->body_ok) {
			s->type = in->share_type;
			s->flags = in->share_flags;
		}
	}
	struct smb_tree *t =
	        (struct smb_tree *)smb_pool_find(&smb->trees, in->h.session_id, in->h.tree_id, 0);
	if (!t)
		t = (struct smb_tree *)smb_pool_insert(&smb->trees, in->h.session_id, in->h.tree_id,
		                                       0);
	t->share = si;
	t->type = in->share_type;
	t->flags = in->share_flags;
}

static void note_dialect(struct nd_smb *smb, uint16_t d)
{
	for (size_t i = 0; i < smb->r.n_dialects; i++)
		if (smb->r.dialects[i].dialect == d) {
			smb->r.dialects[i].count++;
			return;
		}
	if (smb->r.n_dialects < ND_SMB_MAX_DIALECTS) {
		smb->r.dialects[smb->r.n_dialects].dialect = d;
		smb->r.dialects[smb->r.n_dialects++].count = 1;
	}
}

/* Effects of a successful final response on trees and handles. */
static void apply_success(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p,
                          const struct nd_smb2_info *in, struct chain *ch, const struct smb_when *w)
{
	switch (p->cmd) {
	case ND_SMB_CREATE:
		if (in->body_ok && in->has_fid) {
			handle_open(smb, c, p, in->fid, in, w);
			ch->have_fid = true;
			memcpy(ch->fid, in->fid, 16);
		}
		break;
	case ND_SMB_CLOSE: {
		struct smb_handle *h = handle_find(smb, p->session_id, p->fid);
		if (h)
			handle_drop(smb, h, HANDLE_CLOSED, w->ts);
		break;
	}
	case ND_SMB_TREE_DISCONNECT: {
		struct smb_tree *t =
		        (struct smb_tree *)smb_pool_find(&smb->trees, p->session_id, p->tree_id, 0);
		if (!t || t->n_handles)
			handles_disconnect(smb, p->session_id, false, p->tree_id, w->ts);
		if (t)
			smb_pool_remove(&smb->trees, &t->node);
		break;
	}
	case ND_SMB_LOGOFF:
		handles_disconnect(smb, p->session_id, true, 0, w->ts);
		trees_drop_session(smb, p->session_id);
		break;
	default:
		break;
	}
}

/* Per-share latency, as tshark times it (at the decode). */
static void account_lat(struct nd_smb *smb, const struct smb_pending *p, nd_ns lat)
{
	struct nd_smb_share *s = share_at(smb, p->share);
	if (!s)
		return;
	s->cmd_count[p->cmd]++;
	s->cmd_sum[p->cmd] += lat;
	if (p->cmd == ND_SMB_WRITE)
		nd_hist_add(&s->write_lat, lat);
	else if (p->cmd == ND_SMB_READ)
		nd_hist_add(&s->read_lat, lat);
}

/* A successful READ/WRITE ended at ts (its response's last byte). */
static void account_io(struct nd_smb *smb, const struct smb_pending *p, nd_ns ts)
{
	uint64_t bytes =
	        p->reply.has_count ? p->reply.count : (p->cmd == ND_SMB_WRITE ? p->length : 0);
	bool wr = p->cmd == ND_SMB_WRITE;
	io_done(wr ? &smb->r.write : &smb->r.read, bytes, ts);
	struct nd_smb_share *s = share_at(smb, p->share);
	if (s)
		io_done(wr ? &s->write_io : &s->read_io, bytes, ts);
}

/* Operations on a handle keep its name: the handle may be gone (CLOSE)
 * when the operation is reported. */
static void name_from_handle(struct nd_smb *smb, struct smb_pending *p)
{
	if (!p->has_fid || p->cmd == ND_SMB_CREATE || p->cmd == ND_SMB_TREE_CONNECT ||
	    p->cmd == ND_SMB_SESSION_SETUP)
		return;
	struct smb_handle *h = handle_find(smb, p->session_id, p->fid);
	nd_str_copy(p->name, sizeof(p->name), h ? h->name : "");
}

static void offer_slowest(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p,
                          const struct nd_smb2_info *in, nd_ns lat, bool trouble)
{
	/* CHANGE_NOTIFY waits for changes by design; it is not slow. */
	if (p->cmd == ND_SMB_CHANGE_NOTIFY || !smb->cfg.top_slowest)
		return;
	if (smb->n_slow == smb->cfg.top_slowest && lat <= smb->slow[0].latency)
		return;
	struct nd_smb_slow_op op = {
	        .latency = lat,
	        .ts = p->ts,
	        .frame = p->frame,
	        .file = p->file,
	        .cmd = p->cmd,
	        .status = in->h.status,
	        .ip_version = c->ip_version,
	        .offset = p->offset,
	        .length = p->length,
	        .network_trouble = trouble,
	};
	memcpy(op.client, c->addr[p->sender], 16);
	nd_str_copy(op.share, sizeof(op.share),
	            p->cmd == ND_SMB_TREE_CONNECT ? p->name : share_path(smb, p->share));
	if (p->cmd == ND_SMB_CREATE || p->has_fid)
		nd_str_copy(op.name, sizeof(op.name), p->name);
	slow_offer(smb, &op);
}

static void count_status(struct nd_smb *smb, const struct smb_conn *c, const struct smb_pending *p,
                         const struct nd_smb2_info *in, const struct chain *ch,
                         const struct smb_when *w)
{
	unsigned ci = cmd_index(in->h.cmd);
	uint32_t st = in->h.status;
	bool benign =
	        nd_smb_status_benign(p->cmd, st, p->ctl_code, ch->index > 0 && ch->prev_failed);
	if (benign)
		smb->r.cmd[ci].benign_errors++;
	else
		smb->r.cmd[ci].errors++;
	struct nd_smb_share *s = share_at(smb, p->share);
	if (s && benign)
		s->benign_errors++;
	else if (s)
		s->errors++;
	record_error(smb, c, p, in, benign, w);
}

/* No request seen (capture started later, or the SMB1 NEGOTIATE an SMB2
 * answer follows): no latency, but its status still counts. */
static void unmatched_response(struct nd_smb *smb, struct smb_conn *c, int dir,
                               const struct nd_smb2_info *in, struct chain *ch,
                               const struct smb_when *w)
{
	unsigned ci = cmd_index(in->h.cmd);
	smb->r.cmd[ci].unmatched_responses++;
	uint32_t st = in->h.status;
	if (in->h.is_async && st == ND_STATUS_PENDING)
		return;
	if (st != ND_STATUS_SUCCESS) {
		struct smb_pending p = {
		        .cmd = (uint8_t)ci,
		        .sender = (uint8_t)!dir,
		        .ts = w->ts,
		        .frame = w->frame,
		        .file = w->file,
		        .session_id = in->h.session_id,
		        .tree_id = in->h.tree_id,
		        .share = SMB_NO_SHARE,
		};
		if (!in->h.is_async && ci != ND_SMB_TREE_CONNECT)
			p.share = share_of_tree(smb, c, dir, p.session_id, p.tree_id);
		count_status(smb, c, &p, in, ch, w);
	}
	if (ci == ND_SMB_SESSION_SETUP && st != ND_STATUS_MORE_PROCESSING_REQUIRED)
		smb_logon_done(smb, c, dir, NULL, in, w);
	if (ci == ND_SMB_CREATE && st == ND_STATUS_SUCCESS && in->has_fid) {
		ch->have_fid = true;
		memcpy(ch->fid, in->fid, 16);
	}
	ch->prev_failed = st != ND_STATUS_SUCCESS && (st >> 30) != 0;
}

/* The operation is over at resp_last (its response's last byte). */
static void complete_op(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p,
                        nd_ns resp_last)
{
	bool io = p->cmd == ND_SMB_READ || p->cmd == ND_SMB_WRITE;
	if (io && p->reply.status == ND_STATUS_SUCCESS)
		account_io(smb, p, resp_last);
	smb_judge(smb, c, p, resp_last);
	if (p->inflight_slot)
		smb_io_completed(smb, c, p->share, resp_last);
	pending_release(smb, p);
}

static void keep_reply(struct smb_pending *p, const struct nd_smb2_info *in,
                       const struct smb_when *w)
{
	p->reply.status = in->h.status;
	p->reply.has_count = in->body_ok && !in->error_body;
	p->reply.count = in->count;
	p->reply.first_ts = w->first_ts ? w->first_ts : w->ts;
	p->reply.ts = w->ts;
}

/* Decoded before its last byte passed: completed by smb_track_msg_end. */
static bool defer_completion(struct smb_pending *p, const struct smb_when *w,
                             struct smb_msg_ids *ids)
{
	if (!w->partial || !ids || ids->n_resp == ND_ARRAY_LEN(ids->resp))
		return false;
	ids->resp[ids->n_resp++] = p->node.k1;
	p->answered = true;
	return true;
}

static void final_response(struct nd_smb *smb, struct smb_conn *c, struct smb_pending *p,
                           const struct nd_smb2_info *in, struct chain *ch,
                           const struct smb_when *w, struct smb_msg_ids *ids)
{
	/* Binned by the response's command, as tshark does. */
	unsigned ci = cmd_index(in->h.cmd);
	nd_ns lat = w->ts > p->ts ? w->ts - p->ts : 0;
	nd_hist_add(&smb->r.cmd[ci].lat, lat);
	if (in->h.is_async)
		smb->r.async_finals++;
	uint32_t st = in->h.status;
	bool ok = st == ND_STATUS_SUCCESS;
	/* A related operation's FileId all-FF is the one the chain produced. */
	if (p->has_fid && !memcmp(p->fid, fid_all_ff, 16) && ch->have_fid)
		memcpy(p->fid, ch->fid, 16);
	name_from_handle(smb, p);
	keep_reply(p, in, w);
	if (p->cmd == ND_SMB_TREE_CONNECT)
		on_tree_connect(smb, c, p, in, ok);
	if (p->cmd == ND_SMB_SESSION_SETUP && st != ND_STATUS_MORE_PROCESSING_REQUIRED)
		smb_logon_done(smb, c, !p->sender, p, in, w);
	if (!ok)
		count_status(smb, c, p, in, ch, w);
	account_lat(smb, p, lat);
	struct nd_smb_net now;
	smb_net_snapshot(c, &now);
	offer_slowest(smb, c, p, in, lat, nd_smb_net_trouble(&p->net0, &now) > 0);
	if (ok)
		apply_success(smb, c, p, in, ch, w);
	/* A failure in a compound makes the related operations after it fail. */
	ch->prev_failed = !ok && !(st >> 30 == 0);
	if (!defer_completion(p, w, ids))
		complete_op(smb, c, p, w->ts);
}

void smb_track_msg_end(struct nd_smb *smb, struct smb_conn *c, const struct smb_msg_ids *ids,
                       const struct smb_when *w)
{
	for (uint8_t i = 0; i < ids->n; i++) {
		struct smb_pending *p = pending_find(smb, c, ids->ids[i]);
		if (p && !p->answered && w->ts > p->last_ts)
			p->last_ts = w->ts;
	}
	for (uint8_t i = 0; i < ids->n_resp; i++) {
		struct smb_pending *p = pending_find(smb, c, ids->resp[i]);
		if (p && p->answered)
			complete_op(smb, c, p, ND_MAX(w->ts, p->reply.ts));
	}
}

static void track_response(struct nd_smb *smb, struct smb_conn *c, int dir, struct nd_smb2_info *in,
                           struct chain *ch, const struct smb_when *w, struct smb_msg_ids *ids)
{
	unsigned ci = cmd_index(in->h.cmd);
	smb->r.cmd[ci].responses++;
	if (in->h.msg_id == SMB2_MSGID_NONE) { /* oplock/lease break notification */
		smb->r.break_notifications++;
		return;
	}
	if (ci == ND_SMB_NEGOTIATE && in->body_ok && !in->error_body)
		note_dialect(smb, in->dialect);
	conn_note_session(smb, c, in->h.session_id, !dir);
	struct smb_pending *p = pending_find(smb, c, in->h.msg_id);
	if (!p || p->answered) {
		unmatched_response(smb, c, dir, in, ch, w);
		return;
	}
	if (in->h.is_async && in->h.status == ND_STATUS_PENDING) {
		/* Interim: the request stays pending until its final response. */
		if (!p->interim) {
			p->interim = true;
			p->t_interim = w->ts;
			nd_hist_add(&smb->r.cmd[p->cmd].interim, w->ts > p->ts ? w->ts - p->ts : 0);
		}
		return;
	}
	/* SESSION_SETUP: the server assigns the SessionId in the response. */
	if (p->session_id == 0)
		p->session_id = in->h.session_id;
	final_response(smb, c, p, in, ch, w, ids);
}

/* ---- transforms and SMB1 ---- */

static void track_encrypted(struct nd_smb *smb, struct smb_conn *c, int dir, const uint8_t *m,
                            size_t avail)
{
	smb->r.encrypted_pdus++;
	if (avail < 52)
		return;
	struct smb_session *s = smb_session_get(smb, nd_le64(m + 44), c, dir);
	if (s)
		s->enc[dir]++;
}

static void track_compressed(struct nd_smb *smb, struct smb_conn *c, int dir, const uint8_t *m,
                             size_t avail, uint32_t msg_len, const struct smb_when *w,
                             struct smb_msg_ids *ids)
{
	smb->r.compressed_pdus++;
	if (avail < 16)
		return;
	size_t off, plen;
	if (nd_le16(m + 10) == 0) { /* unchained: Offset bytes are sent uncompressed */
		off = 16;
		plen = nd_le32(m + 12);
	} else if (nd_le16(m + 8) == 0) { /* chained, first payload NONE */
		off = 16;
		plen = nd_le32(m + 12);
	} else {
		return;
	}
	if (off + SMB2_HDR_LEN > avail || plen < SMB2_HDR_LEN || off + plen > msg_len)
		return;
	smb->r.compressed_parsed++;
	smb_track_message(smb, c, dir, m + off, avail - off, (uint32_t)plen, w, ids);
}

/* SMB1 NEGOTIATE offering "SMB 2.002" / "SMB 2.???" is the multi-protocol
 * negotiate a client sends before switching to SMB2. */
static bool smb1_offers_smb2(const uint8_t *m, size_t avail)
{
	if (avail < 35)
		return false;
	size_t wc = m[32];
	size_t p = 33 + 2 * wc;
	if (p + 2 > avail)
		return false;
	size_t bc = nd_le16(m + p);
	p += 2;
	size_t end = ND_MIN(avail, p + bc);
	for (; p + 10 <= end; p++)
		if (!memcmp(m + p, "SMB 2.", 6))
			return true;
	return false;
}

static void track_smb1(struct nd_smb *smb, const uint8_t *m, size_t avail)
{
	smb->r.smb1_pdus++;
	if (avail < 32)
		return;
	bool reply = m[9] & 0x80;
	if (m[4] == 0x72 && !reply) {
		smb->r.smb1_negotiates++;
		if (smb1_offers_smb2(m, avail))
			smb->r.smb1_negotiates_smb2++;
		return;
	}
	smb->r.smb1_other++; /* SMB1 really used: any other command or an SMB1 answer */
}

/* ---- compound chains ---- */

/* The bytes of the message present from off on: in place, or the buffered
 * piece that starts there. */
static const uint8_t *view_at(const struct smb_view *v, size_t off, size_t *avail)
{
	if (v->contig) {
		*avail = off < v->avail ? v->avail - off : 0;
		return *avail ? v->base + off : NULL;
	}
	for (uint8_t i = 0; i < v->n; i++)
		if (v->p[i].off == off) {
			*avail = v->p[i].len;
			return v->base + v->p[i].boff;
		}
	*avail = 0;
	return NULL;
}

static void track_smb2_chain(struct nd_smb *smb, struct smb_conn *c, int dir,
                             const struct smb_view *v, const struct smb_when *w,
                             struct smb_msg_ids *ids)
{
	struct chain ch = {0};
	size_t off = 0;
	uint32_t msg_len = v->msg_len;
	for (;; ch.index++) {
		size_t avail;
		const uint8_t *p = view_at(v, off, &avail);
		struct nd_smb2_hdr h;
		if (!p || nd_smb2_parse_hdr(p, avail, &h)) {
			if ((!p || avail < SMB2_HDR_LEN) && ch.index > 0)
				smb->r.chain_cut++; /* not buffered or not captured */
			else if (ch.index > 0)
				smb->r.bad_chain++;
			return;
		}
		uint32_t next = h.next_command;
		if (next && (next < SMB2_HDR_LEN || next > msg_len - off ||
		             msg_len - off - next < SMB2_HDR_LEN)) {
			smb->r.bad_chain++;
			next = 0; /* decode this one, stop after it */
		} else if (next % 8) {
			smb->r.bad_chain++; /* misaligned: counted, followed as tshark does */
		}
		size_t pdu_len = next ? next : msg_len - off;
		struct nd_smb2_info in;
		nd_smb2_parse(p, avail, pdu_len, &in);
		smb->r.smb2_pdus++;
		if (in.h.is_response)
			track_response(smb, c, dir, &in, &ch, w, ids);
		else
			track_request(smb, c, dir, &in, &ch, w, ids);
		if (!next)
			return;
		off += next;
	}
}

void smb_track_view(struct nd_smb *smb, struct smb_conn *c, int dir, const struct smb_view *v,
                    const struct smb_when *w, struct smb_msg_ids *ids)
{
	size_t avail;
	const uint8_t *m = view_at(v, 0, &avail);
	if (!m || avail < 4)
		return;
	switch (m[0]) {
	case 0xFE:
		track_smb2_chain(smb, c, dir, v, w, ids);
		break;
	case 0xFD:
		track_encrypted(smb, c, dir, m, avail);
		break;
	case 0xFC:
		track_compressed(smb, c, dir, m, avail, v->msg_len, w, ids);
		break;
	case 0xFF:
		track_smb1(smb, m, avail);
		break;
	default:
		break;
	}
}

void smb_track_message(struct nd_smb *smb, struct smb_conn *c, int dir, const uint8_t *msg,
                       size_t avail, uint32_t msg_len, const struct smb_when *w,
                       struct smb_msg_ids *ids)
{
	struct smb_view v = {
	        .base = msg,
	        .msg_len = msg_len,
	        .contig = true,
	        .avail = ND_MIN(avail, (size_t)msg_len),
	};
	smb_track_view(smb, c, dir, &v, w, ids);
}

/* ---- slowest operations: a min-heap on latency ---- */

static void slow_swap(struct nd_smb_slow_op *a, struct nd_smb_slow_op *b)
{
	struct nd_smb_slow_op t = *a;
	*a = *b;
	*b = t;
}

static void slow_offer(struct nd_smb *smb, const struct nd_smb_slow_op *op)
{
	struct nd_smb_slow_op *h = smb->slow;
	size_t n = smb->n_slow, i;
	if (n < smb->cfg.top_slowest) {
		h[n] = *op;
		smb->n_slow++;
		for (i = n; i > 0 && h[i].latency < h[(i - 1) / 2].latency; i = (i - 1) / 2)
			slow_swap(&h[i], &h[(i - 1) / 2]);
		return;
	}
	h[0] = *op;
	for (i = 0;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		if (l < n && h[l].latency < h[m].latency)
			m = l;
		if (r < n && h[r].latency < h[m].latency)
			m = r;
		if (m == i)
			break;
		slow_swap(&h[i], &h[m]);
		i = m;
	}
}

/* ---- end of a connection / of the capture ---- */

void smb_track_conn_closed(struct nd_smb *smb, struct smb_conn *c)
{
	conn_fold_pending(smb, c);
	enum nd_tcp_flow_end end = c->flow ? nd_tcp_flow_summary(c->flow)->end : ND_TCP_END_OPEN;
	bool cut = end != ND_TCP_END_FIN && end != ND_TCP_END_RST;
	if (cut)
		smb->r.capture_cut = true;
	for (uint8_t i = 0; i < c->n_sessions; i++) {
		struct smb_session *s =
		        (struct smb_session *)smb_pool_find(&smb->sessions, c->sessions[i], 0, 0);
		if (!s)
			continue;
		if (s->conns_open)
			s->conns_open--;
		if (cut)
			s->cut = true;
	}
	c->n_sessions = 0;
}

void smb_track_finish(struct nd_smb *smb)
{
	for (struct smb_conn *c = smb->conns; c; c = c->next)
		smb_track_conn_closed(smb, c);
}
