/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "tcp/tcp.h"
#include "tcp/tcp_internal.h"

#define DEFAULT_MAX_FLOWS      65536u
#define DEFAULT_IDLE_TIMEOUT   (600 * ND_NS_PER_SEC)
#define DEFAULT_CLOSED_TIMEOUT (10 * ND_NS_PER_SEC)
#define DEFAULT_REPORT_FLOWS   100u
#define NIL                    0u /* list and chain links are index + 1; 0 terminates */

struct nd_tcp_table {
	struct nd_tcp_config cfg;
	struct nd_tcp_flow *pool; /* calloc'd: pages are touched only when used */
	uint32_t used_hw;         /* slots ever handed out */
	uint32_t free_head;       /* free slots, chained through hash_next */
	uint32_t *buckets;
	uint32_t bucket_mask;
	/* Two LRU lists, most recently active at the head: open flows, and
	 * closed ones (FIN both ways or RST), which retire sooner. */
	struct lru {
		uint32_t head, tail;
	} lru[2];
	uint32_t n_active;
	uint64_t next_id;
	struct nd_tcp_totals totals;
	struct nd_tcp_stream_ops ops;
	bool has_ops;
	struct nd_tcp_flow_summary *report; /* min-heap by score until finish */
	size_t n_report;
	bool finished;
};

static inline struct nd_tcp_flow *slot(struct nd_tcp_table *t, uint32_t link)
{
	return &t->pool[link - 1];
}

static inline uint32_t link_of(const struct nd_tcp_table *t, const struct nd_tcp_flow *f)
{
	return (uint32_t)(f - t->pool) + 1;
}

struct nd_tcp_table *nd_tcp_table_new(const struct nd_tcp_config *cfg)
{
	struct nd_tcp_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (!t->cfg.max_flows)
		t->cfg.max_flows = DEFAULT_MAX_FLOWS;
	if (!t->cfg.idle_timeout)
		t->cfg.idle_timeout = DEFAULT_IDLE_TIMEOUT;
	if (!t->cfg.closed_timeout)
		t->cfg.closed_timeout = DEFAULT_CLOSED_TIMEOUT;
	if (!t->cfg.max_report_flows)
		t->cfg.max_report_flows = DEFAULT_REPORT_FLOWS;
	uint32_t nb = 1;
	while (nb < t->cfg.max_flows * 2u && nb < (1u << 30))
		nb <<= 1;
	t->bucket_mask = nb - 1;
	t->pool = calloc(t->cfg.max_flows, sizeof(*t->pool));
	t->buckets = calloc(nb, sizeof(*t->buckets));
	t->report = calloc(t->cfg.max_report_flows, sizeof(*t->report));
	if (!t->pool || !t->buckets || !t->report) {
		nd_tcp_table_free(t);
		return NULL;
	}
	return t;
}

void nd_tcp_table_free(struct nd_tcp_table *t)
{
	if (!t)
		return;
	free(t->pool);
	free(t->buckets);
	free(t->report);
	free(t);
}

/* Hash of the unordered endpoint pair, so both directions meet. */
static uint32_t pair_hash(const struct nd_decoded *d)
{
	size_t alen = d->ip_version == 4 ? 4 : 16;
	uint64_t ha = nd_hash_bytes(ND_HASH_INIT, d->src, alen);
	ha = nd_hash_bytes(ha, &d->sport, sizeof(d->sport));
	uint64_t hb = nd_hash_bytes(ND_HASH_INIT, d->dst, alen);
	hb = nd_hash_bytes(hb, &d->dport, sizeof(d->dport));
	uint64_t h = (ha ^ hb) * UINT64_C(0x9E3779B97F4A7C15);
	return (uint32_t)(h >> 32);
}

/* Direction of d within f: 0 = client to server, 1 = back, -1 = other flow. */
static int flow_match(const struct nd_tcp_flow *f, const struct nd_decoded *d)
{
	const struct nd_tcp_flow_summary *s = &f->s;
	if (s->ip_version != d->ip_version)
		return -1;
	if (s->port[0] == d->sport && s->port[1] == d->dport && !memcmp(s->addr[0], d->src, 16) &&
	    !memcmp(s->addr[1], d->dst, 16))
		return 0;
	if (s->port[0] == d->dport && s->port[1] == d->sport && !memcmp(s->addr[0], d->dst, 16) &&
	    !memcmp(s->addr[1], d->src, 16))
		return 1;
	return -1;
}

static void lru_unlink(struct nd_tcp_table *t, struct nd_tcp_flow *f)
{
	struct lru *l = &t->lru[f->closed];
	if (f->lru_prev)
		slot(t, f->lru_prev)->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next)
		slot(t, f->lru_next)->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
	f->lru_prev = f->lru_next = NIL;
}

static void lru_push_head(struct nd_tcp_table *t, struct nd_tcp_flow *f)
{
	struct lru *list = &t->lru[f->closed];
	uint32_t l = link_of(t, f);
	f->lru_prev = NIL;
	f->lru_next = list->head;
	if (list->head)
		slot(t, list->head)->lru_prev = l;
	list->head = l;
	if (!list->tail)
		list->tail = l;
}

static void hash_unlink(struct nd_tcp_table *t, struct nd_tcp_flow *f)
{
	uint32_t l = link_of(t, f);
	uint32_t *pp = &t->buckets[f->bucket];
	while (*pp && *pp != l)
		pp = &slot(t, *pp)->hash_next;
	if (*pp)
		*pp = f->hash_next;
	f->hash_next = NIL;
}

/* Notable-flow list: a min-heap on score, so the least notable is dropped
 * first when it is full. */
static bool report_less(const struct nd_tcp_flow_summary *a, const struct nd_tcp_flow_summary *b)
{
	uint64_t sa = nd_tcp_flow_score(a), sb = nd_tcp_flow_score(b);
	if (sa != sb)
		return sa < sb;
	return a->id > b->id; /* earlier flows win ties: stable output */
}

static void heap_sift_down(struct nd_tcp_flow_summary *h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;
		if (l < n && report_less(&h[l], &h[m]))
			m = l;
		if (r < n && report_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		struct nd_tcp_flow_summary tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

static void heap_sift_up(struct nd_tcp_flow_summary *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!report_less(&h[i], &h[p]))
			return;
		struct nd_tcp_flow_summary tmp = h[i];
		h[i] = h[p];
		h[p] = tmp;
		i = p;
	}
}

static void report_offer(struct nd_tcp_table *t, const struct nd_tcp_flow_summary *s)
{
	if (t->n_report < t->cfg.max_report_flows) {
		t->report[t->n_report] = *s;
		heap_sift_up(t->report, t->n_report++);
		return;
	}
	t->totals.report_flows_dropped++;
	if (report_less(&t->report[0], s)) {
		t->report[0] = *s;
		heap_sift_down(t->report, t->n_report, 0);
	}
}

static void flow_retire(struct nd_tcp_table *t, struct nd_tcp_flow *f, enum nd_tcp_flow_end why)
{
	if (why == ND_TCP_END_IDLE || why == ND_TCP_END_TABLE_FULL || why == ND_TCP_END_REUSED) {
		if (f->s.end == ND_TCP_END_OPEN)
			f->s.end = why;
	}
	if (why == ND_TCP_END_IDLE)
		t->totals.evicted_idle++;
	else if (why == ND_TCP_END_TABLE_FULL)
		t->totals.evicted_table_full++;
	nd_tcp_analysis_retire(f, &t->cfg, &t->totals);
	if (t->has_ops && t->ops.close)
		t->ops.close(t->ops.ctx, f);
	f->app = NULL;
	report_offer(t, &f->s);
	hash_unlink(t, f);
	lru_unlink(t, f);
	f->in_use = false;
	f->hash_next = t->free_head;
	t->free_head = link_of(t, f);
	t->n_active--;
}

/* Closed flows linger briefly for the last ACKs and retransmitted FINs,
 * then leave without counting as evictions; open ones after the idle
 * timeout. Both lists are in order of last activity. */
static void expire_idle(struct nd_tcp_table *t, nd_ns now)
{
	while (t->lru[1].tail) {
		struct nd_tcp_flow *f = slot(t, t->lru[1].tail);
		if (now - f->s.last_ts <= t->cfg.closed_timeout)
			break;
		flow_retire(t, f, ND_TCP_END_OPEN);
	}
	while (t->lru[0].tail) {
		struct nd_tcp_flow *f = slot(t, t->lru[0].tail);
		if (now - f->s.last_ts <= t->cfg.idle_timeout)
			return;
		flow_retire(t, f, ND_TCP_END_IDLE);
	}
}

static struct nd_tcp_flow *slot_take(struct nd_tcp_table *t)
{
	if (t->free_head) {
		struct nd_tcp_flow *f = slot(t, t->free_head);
		t->free_head = f->hash_next;
		return f;
	}
	if (t->used_hw < t->cfg.max_flows)
		return &t->pool[t->used_hw++];
	if (t->lru[1].tail)
		flow_retire(t, slot(t, t->lru[1].tail), ND_TCP_END_OPEN);
	else
		flow_retire(t, slot(t, t->lru[0].tail), ND_TCP_END_TABLE_FULL);
	return slot_take(t);
}

/* The client is the SYN sender; without a SYN, the side on a well-known
 * port is taken as the server. Returns true when d's source is the client. */
static bool source_is_client(const struct nd_decoded *d)
{
	if (d->flags & ND_TCP_SYN)
		return !(d->flags & ND_TCP_ACK);
	bool src_wk = d->sport < 1024, dst_wk = d->dport < 1024;
	if (src_wk != dst_wk)
		return dst_wk;
	return true;
}

static struct nd_tcp_flow *flow_create(struct nd_tcp_table *t, const struct nd_decoded *d,
                                       uint32_t bucket, nd_ns ts, uint32_t file, uint64_t frame)
{
	struct nd_tcp_flow *f = slot_take(t);
	memset(f, 0, sizeof(*f));
	f->in_use = true;
	f->bucket = bucket;
	struct nd_tcp_flow_summary *s = &f->s;
	s->id = t->next_id++;
	s->ip_version = d->ip_version;
	int c = source_is_client(d) ? 0 : 1;
	memcpy(s->addr[c], d->src, 16);
	memcpy(s->addr[!c], d->dst, 16);
	s->port[c] = d->sport;
	s->port[!c] = d->dport;
	s->first_ts = ts;
	s->first_file = file;
	s->first_frame = frame;
	s->dir[0].wscale = s->dir[1].wscale = -1;
	nd_tcp_analysis_init(f);
	f->hash_next = t->buckets[bucket];
	t->buckets[bucket] = link_of(t, f);
	lru_push_head(t, f);
	t->n_active++;
	t->totals.flows++;
	if (t->n_active > t->totals.flows_active_max)
		t->totals.flows_active_max = t->n_active;
	return f;
}

static struct nd_tcp_flow *flow_find(struct nd_tcp_table *t, const struct nd_decoded *d,
                                     uint32_t bucket, int *dir)
{
	for (uint32_t l = t->buckets[bucket]; l; l = slot(t, l)->hash_next) {
		struct nd_tcp_flow *f = slot(t, l);
		int m = flow_match(f, d);
		if (m >= 0) {
			*dir = m;
			return f;
		}
	}
	return NULL;
}

struct nd_tcp_flow *nd_tcp_process(struct nd_tcp_table *t, const struct nd_decoded *d, nd_ns ts,
                                   uint32_t file_index, uint64_t frame, int *dir)
{
	expire_idle(t, ts);
	uint32_t bucket = pair_hash(d) & t->bucket_mask;
	struct nd_tcp_flow *f = flow_find(t, d, bucket, dir);
	if (f && nd_tcp_analysis_is_new_connection(f, d, *dir)) {
		t->totals.port_reuse++;
		flow_retire(t, f, ND_TCP_END_REUSED);
		f = NULL;
	}
	if (!f) {
		f = flow_create(t, d, bucket, ts, file_index, frame);
		*dir = flow_match(f, d);
	}
	f->s.last_ts = ts;
	t->totals.segments++;
	t->totals.payload_bytes += d->seglen;
	nd_tcp_analysis_segment(f, &t->cfg, &t->totals, d, *dir, ts);
	/* Most recently active first, on the list its state belongs to. */
	lru_unlink(t, f);
	f->closed = f->s.end == ND_TCP_END_RST || (f->s.dir[0].fin && f->s.dir[1].fin);
	lru_push_head(t, f);
	struct nd_tcp_chunk base = {
	        .ts = ts,
	        .file = file_index,
	        .frame = frame,
	        .data = d->payload,
	        .caplen = d->payload_caplen,
	        .len = d->seglen,
	};
	nd_tcp_stream_segment(t->has_ops ? &t->ops : NULL, f, d, *dir, &base);
	return f;
}

void nd_tcp_set_stream_consumer(struct nd_tcp_table *t, const struct nd_tcp_stream_ops *ops)
{
	t->has_ops = ops != NULL;
	if (ops)
		t->ops = *ops;
}

void **nd_tcp_flow_app(struct nd_tcp_flow *f)
{
	return &f->app;
}

static int report_cmp_desc(const void *a, const void *b)
{
	const struct nd_tcp_flow_summary *x = a, *y = b;
	if (report_less(x, y))
		return 1;
	if (report_less(y, x))
		return -1;
	return 0;
}

void nd_tcp_finish(struct nd_tcp_table *t)
{
	if (t->finished)
		return;
	for (int l = 0; l < 2; l++)
		while (t->lru[l].tail)
			flow_retire(t, slot(t, t->lru[l].tail), ND_TCP_END_OPEN);
	qsort(t->report, t->n_report, sizeof(*t->report), report_cmp_desc);
	t->finished = true;
}

const struct nd_tcp_totals *nd_tcp_get_totals(const struct nd_tcp_table *t)
{
	return &t->totals;
}

uint32_t nd_tcp_max_flows(const struct nd_tcp_table *t)
{
	return t->cfg.max_flows;
}

size_t nd_tcp_report_flows(const struct nd_tcp_table *t, const struct nd_tcp_flow_summary **flows)
{
	*flows = t->report;
	return t->n_report;
}

const struct nd_tcp_flow_summary *nd_tcp_flow_summary(const struct nd_tcp_flow *f)
{
	return &f->s;
}

uint32_t nd_tcp_active_flows(const struct nd_tcp_table *t)
{
	return t->n_active;
}
