/* SPDX-License-Identifier: MIT */
/* The module object: configuration, the tcp stream consumer callbacks and
 * the end-of-capture results. Per-connection state lives in the tcp flow's
 * app slot and is folded into module-level results when the flow retires,
 * so results survive retirement and memory follows the live connections. */
#include <stdlib.h>

#include "smb/smb_internal.h"

#define DEFAULT_MAX_PENDING  16384u
#define DEFAULT_MAX_HANDLES  16384u
#define DEFAULT_MAX_TREES    4096u
#define DEFAULT_MAX_SESSIONS 4096u
#define DEFAULT_TOP_SLOWEST  20u
#define DEFAULT_MAX_SHARES   64u
#define DEFAULT_MAX_ERRORS   256u
#define DEFAULT_MAX_CLIENTS  256u
#define DEFAULT_LEAK_MIN     20u
#define DEFAULT_MAX_SERVERS  64u
#define DEFAULT_MAX_LOGONS   256u
/* The expected times (docs/smb.md): generous enough that healthy traffic,
 * even over a WAN, stays below them. */
#define DEFAULT_SLOW_IO_BASE    (20 * ND_NS_PER_MS)
#define DEFAULT_SLOW_IO_RATE    UINT64_C(10000000) /* bytes/s: 80 Mbit/s */
#define DEFAULT_SLOW_METADATA   (200 * ND_NS_PER_MS)
#define DEFAULT_SLOW_CONNECT    ND_NS_PER_SEC
#define DEFAULT_OUTLIER_FACTOR  10u
#define DEFAULT_OUTLIER_MIN_OPS 20u

/* The app slot of a flow that is not SMB: checked once, then ignored. */
static char not_smb;

static void config_defaults(struct nd_smb_config *c)
{
	c->max_pending = c->max_pending ? c->max_pending : DEFAULT_MAX_PENDING;
	c->max_handles = c->max_handles ? c->max_handles : DEFAULT_MAX_HANDLES;
	c->max_trees = c->max_trees ? c->max_trees : DEFAULT_MAX_TREES;
	c->max_sessions = c->max_sessions ? c->max_sessions : DEFAULT_MAX_SESSIONS;
	c->top_slowest = c->top_slowest ? c->top_slowest : DEFAULT_TOP_SLOWEST;
	c->max_shares = c->max_shares ? ND_MIN(c->max_shares, 0xFFF0u) : DEFAULT_MAX_SHARES;
	c->max_errors = c->max_errors ? c->max_errors : DEFAULT_MAX_ERRORS;
	c->max_clients = c->max_clients ? ND_MIN(c->max_clients, 0xFFF0u) : DEFAULT_MAX_CLIENTS;
	c->leak_min_handles = c->leak_min_handles ? c->leak_min_handles : DEFAULT_LEAK_MIN;
	c->max_servers = c->max_servers ? c->max_servers : DEFAULT_MAX_SERVERS;
	c->max_logons = c->max_logons ? c->max_logons : DEFAULT_MAX_LOGONS;
}

static void config_judgement_defaults(struct nd_smb_config *c)
{
	c->slow_io_base = c->slow_io_base > 0 ? c->slow_io_base : DEFAULT_SLOW_IO_BASE;
	c->slow_io_rate = c->slow_io_rate ? c->slow_io_rate : DEFAULT_SLOW_IO_RATE;
	c->slow_metadata = c->slow_metadata > 0 ? c->slow_metadata : DEFAULT_SLOW_METADATA;
	c->slow_connect = c->slow_connect > 0 ? c->slow_connect : DEFAULT_SLOW_CONNECT;
	c->slow_outlier_factor =
	        c->slow_outlier_factor ? c->slow_outlier_factor : DEFAULT_OUTLIER_FACTOR;
	c->slow_outlier_min_ops =
	        c->slow_outlier_min_ops ? c->slow_outlier_min_ops : DEFAULT_OUTLIER_MIN_OPS;
}

struct nd_smb *nd_smb_new(const struct nd_smb_config *cfg)
{
	struct nd_smb *smb = calloc(1, sizeof(*smb));
	if (!smb)
		return NULL;
	if (cfg)
		smb->cfg = *cfg;
	config_defaults(&smb->cfg);
	config_judgement_defaults(&smb->cfg);
	const struct nd_smb_config *c = &smb->cfg;
	int rc = smb_pool_init(&smb->pending, c->max_pending, sizeof(struct smb_pending));
	rc |= smb_pool_init(&smb->trees, c->max_trees, sizeof(struct smb_tree));
	rc |= smb_pool_init(&smb->handles, c->max_handles, sizeof(struct smb_handle));
	rc |= smb_pool_init(&smb->sessions, c->max_sessions, sizeof(struct smb_session));
	smb->shares = calloc(c->max_shares, sizeof(*smb->shares));
	smb->errors = calloc(c->max_errors, sizeof(*smb->errors));
	smb->clients = calloc(c->max_clients, sizeof(*smb->clients));
	smb->slow = calloc(c->top_slowest, sizeof(*smb->slow));
	smb->servers = calloc(c->max_servers, sizeof(*smb->servers));
	smb->logons = calloc(c->max_logons, sizeof(*smb->logons));
	if (rc || !smb->shares || !smb->errors || !smb->clients || !smb->slow || !smb->servers ||
	    !smb->logons) {
		nd_smb_free(smb);
		return NULL;
	}
	smb->pending.on_evict = smb_pending_evicted;
	smb->pending.ctx = smb;
	smb->handles.on_evict = smb_handle_evicted;
	smb->handles.ctx = smb;
	return smb;
}

static bool smb_port(uint16_t p)
{
	return p == 445 || p == 139;
}

static struct smb_conn *conn_new(struct nd_smb *smb, struct nd_tcp_flow *f)
{
	struct smb_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	const struct nd_tcp_flow_summary *s = nd_tcp_flow_summary(f);
	c->smb = smb;
	c->flow = f;
	c->id = s->id;
	c->ip_version = s->ip_version;
	memcpy(c->addr, s->addr, sizeof(c->addr));
	memcpy(c->port, s->port, sizeof(c->port));
	c->known_port = smb_port(s->port[0]) || smb_port(s->port[1]);
	c->next = smb->conns;
	if (smb->conns)
		smb->conns->prev = c;
	smb->conns = c;
	smb->r.connections++;
	return c;
}

static void conn_free(struct nd_smb *smb, struct smb_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		smb->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void on_data(void *ctx, struct nd_tcp_flow *f, int dir, const struct nd_tcp_chunk *ch)
{
	struct nd_smb *smb = ctx;
	void **app = nd_tcp_flow_app(f);
	if (*app == &not_smb || smb->finished)
		return;
	struct smb_conn *c = *app;
	if (!c) {
		const struct nd_tcp_flow_summary *s = nd_tcp_flow_summary(f);
		bool known = smb_port(s->port[0]) || smb_port(s->port[1]);
		/* Other ports: SMB only if the stream starts with NBSS + magic. */
		if (!known && (ch->offset != 0 || ch->fills_hole ||
		               !smb_looks_like_start(ch->data, ND_MIN(ch->caplen, ch->len)))) {
			*app = &not_smb;
			return;
		}
		c = conn_new(smb, f);
		if (!c) {
			*app = &not_smb;
			return;
		}
		*app = c;
	}
	smb_stream_data(smb, c, dir, ch);
}

static void on_close(void *ctx, struct nd_tcp_flow *f)
{
	struct nd_smb *smb = ctx;
	void **app = nd_tcp_flow_app(f);
	struct smb_conn *c = *app;
	*app = NULL;
	if (!c || (void *)c == (void *)&not_smb)
		return;
	smb_track_conn_closed(smb, c);
	conn_free(smb, c);
}

void nd_smb_attach(struct nd_smb *smb, struct nd_tcp_table *tcp)
{
	struct nd_tcp_stream_ops ops = {.ctx = smb, .data = on_data, .close = on_close};
	smb->tcp = tcp;
	nd_tcp_set_stream_consumer(tcp, &ops);
}

static int error_cmp(const void *a, const void *b)
{
	const struct nd_smb_error *x = a, *y = b;
	if (x->benign != y->benign)
		return x->benign ? 1 : -1; /* real failures first */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first_ts < y->first_ts ? -1 : x->first_ts > y->first_ts;
}

static int logon_cmp(const void *a, const void *b)
{
	const struct nd_smb_logon *x = a, *y = b;
	bool fx = x->status != ND_STATUS_SUCCESS, fy = y->status != ND_STATUS_SUCCESS;
	if (fx != fy)
		return fx ? -1 : 1; /* failures first */
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first_ts < y->first_ts ? -1 : x->first_ts > y->first_ts;
}

static int slow_cmp(const void *a, const void *b)
{
	const struct nd_smb_slow_op *x = a, *y = b;
	if (x->latency != y->latency)
		return x->latency > y->latency ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int handle_cmp(const void *a, const void *b)
{
	const struct nd_smb_open_handle *x = a, *y = b;
	return x->opened_at < y->opened_at ? -1 : x->opened_at > y->opened_at;
}

static void collect_handle(struct nd_smb *smb, const struct smb_handle *h,
                           struct nd_smb_open_handle *o)
{
	memset(o, 0, sizeof(*o));
	if (h->share != SMB_NO_SHARE)
		nd_str_copy(o->share, sizeof(o->share), smb->shares[h->share].path);
	memcpy(o->name, h->name, sizeof(o->name));
	if (h->client != UINT16_MAX) {
		o->ip_version = smb->clients[h->client].ip_version;
		memcpy(o->client, smb->clients[h->client].addr, 16);
	}
	o->session_id = h->node.k0;
	for (int i = 0; i < 8; i++) {
		o->file_id[i] = (uint8_t)(h->node.k1 >> (8 * i));
		o->file_id[8 + i] = (uint8_t)(h->node.k2 >> (8 * i));
	}
	o->opened_at = h->opened;
	o->frame = h->frame;
	o->file = h->file;
	o->desired_access = h->access;
	o->create_action = h->action;
	struct smb_session *s =
	        (struct smb_session *)smb_pool_find(&smb->sessions, h->node.k0, 0, 0);
	o->cut_short = s ? (s->cut || s->conns_open > 0) : smb->r.capture_cut;
}

static void collect_handles(struct nd_smb *smb)
{
	smb->open_handles = calloc(smb->handles.n ? smb->handles.n : 1, sizeof(*smb->open_handles));
	if (!smb->open_handles)
		return;
	size_t n = 0;
	for (uint32_t i = 0; i < smb->handles.used_hw; i++) {
		const struct smb_handle *h =
		        (const struct smb_handle *)smb_pool_at(&smb->handles, i);
		if (h->node.used && n < smb->handles.n)
			collect_handle(smb, h, &smb->open_handles[n++]);
	}
	qsort(smb->open_handles, n, sizeof(*smb->open_handles), handle_cmp);
	smb->r.open_handles = smb->open_handles;
	smb->r.n_open_handles = n;
}

static void collect_enc_sessions(struct nd_smb *smb)
{
	size_t n = 0;
	for (uint32_t i = 0; i < smb->sessions.used_hw; i++) {
		const struct smb_session *s =
		        (const struct smb_session *)smb_pool_at(&smb->sessions, i);
		n += s->node.used && (s->enc[0] || s->enc[1]);
	}
	smb->enc_sessions = calloc(n ? n : 1, sizeof(*smb->enc_sessions));
	if (!smb->enc_sessions)
		return;
	size_t k = 0;
	for (uint32_t i = 0; i < smb->sessions.used_hw && k < n; i++) {
		const struct smb_session *s =
		        (const struct smb_session *)smb_pool_at(&smb->sessions, i);
		if (!s->node.used || !(s->enc[0] || s->enc[1]))
			continue;
		struct nd_smb_enc_session *e = &smb->enc_sessions[k++];
		e->session_id = s->node.k0;
		e->ip_version = s->ip_version;
		memcpy(e->client, s->addr, 16);
		e->pdus[0] = s->enc[0];
		e->pdus[1] = s->enc[1];
		e->setup_seen = s->setup_seen;
		e->session_flags = s->flags;
		memcpy(e->user, s->user, sizeof(e->user));
	}
	smb->r.enc_sessions = smb->enc_sessions;
	smb->r.n_enc_sessions = k;
}

/* Open handles at the middle of the capture, from the decimated samples. */
static void clients_trend(struct nd_smb *smb)
{
	nd_ns mid = smb->r.first_ts + (smb->r.last_ts - smb->r.first_ts) / 2;
	for (size_t i = 0; i < smb->r.n_clients; i++) {
		struct nd_smb_client *cl = &smb->clients[i];
		cl->open_at_mid = 0;
		for (uint16_t k = 0; k < cl->n_samples && cl->samples[k].ts <= mid; k++)
			cl->open_at_mid = cl->samples[k].open;
	}
}

void nd_smb_finish(struct nd_smb *smb)
{
	if (smb->finished)
		return;
	smb_track_finish(smb);
	smb->r.trees_evicted = smb->trees.evicted;
	smb->r.sessions_evicted = smb->sessions.evicted;
	qsort(smb->errors, smb->r.n_errors, sizeof(*smb->errors), error_cmp);
	qsort(smb->slow, smb->n_slow, sizeof(*smb->slow), slow_cmp);
	qsort(smb->logons, smb->r.n_logons, sizeof(*smb->logons), logon_cmp);
	collect_handles(smb);
	collect_enc_sessions(smb);
	clients_trend(smb);
	smb->r.shares = smb->shares;
	smb->r.errors = smb->errors;
	smb->r.slowest = smb->slow;
	smb->r.n_slowest = smb->n_slow;
	smb->r.clients = smb->clients;
	smb->r.servers = smb->servers;
	smb->r.logons = smb->logons;
	smb->finished = true;
}

void nd_smb_free(struct nd_smb *smb)
{
	if (!smb)
		return;
	/* Normally empty: nd_tcp_finish retired every flow. The flows are not
	 * touched here, as the tcp table may already be gone. */
	while (smb->conns)
		conn_free(smb, smb->conns);
	smb_pool_destroy(&smb->pending);
	smb_pool_destroy(&smb->trees);
	smb_pool_destroy(&smb->handles);
	smb_pool_destroy(&smb->sessions);
	free(smb->shares);
	free(smb->errors);
	free(smb->clients);
	free(smb->slow);
	free(smb->servers);
	free(smb->logons);
	free(smb->open_handles);
	free(smb->enc_sessions);
	free(smb);
}

const struct nd_smb_results *nd_smb_get_results(const struct nd_smb *smb)
{
	return &smb->r;
}

const struct nd_smb_config *nd_smb_get_config(const struct nd_smb *smb)
{
	return &smb->cfg;
}
