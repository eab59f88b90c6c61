/* SPDX-License-Identifier: MIT */
/* Per-segment analysis of a flow: the Wireshark cascade (analysis.c), then
 * what netdiag adds beyond it: oversized segments, duplicate-ACK storms, gap
 * classification (network loss, reordering, capture loss), capture
 * artefacts, Karn-correct RTT (rtt.c), D-SACKs, stalls and silent peers
 * (retx.c), zero-window time and a time series. */
#include "tcp/analysis.h"
#include "tcp/tcp_internal.h"

#define DEFAULT_MTU            1500u
#define DEFAULT_STORM          10u
#define DUP_FRAME_WINDOW       ND_NS_PER_MS
#define ACK_BEFORE_DATA_WINDOW ND_NS_PER_SEC

void nd_tcp_analysis_init(struct nd_tcp_flow *f)
{
	nd_tcp_ws_dir_init(&f->st[0]);
	nd_tcp_ws_dir_init(&f->st[1]);
	f->s.series.width = ND_NS_PER_SEC;
}

/* --- duplicate-ACK storms --------------------------------------------- */

static void storm_close(struct nd_tcp_flow *f, int dir, uint32_t threshold)
{
	struct nd_tcp_dir_state *st = &f->st[dir];
	struct nd_tcp_dir_summary *ds = &f->s.dir[dir];
	if (st->run_len > ds->longest_dup_ack_run)
		ds->longest_dup_ack_run = st->run_len;
	if (st->run_len >= threshold) {
		ds->an.dup_ack_storm++;
		f->s.dup_ack_storm_time[dir] += st->run_last - st->run_start;
	}
	st->run_len = 0;
}

static void storm_track(struct nd_tcp_flow *f, int dir, uint32_t fl, nd_ns ts)
{
	struct nd_tcp_dir_state *st = &f->st[dir];
	if (!(fl & ND_TA_DUPLICATE_ACK))
		return;
	if (st->run_len++ == 0)
		st->run_start = ts;
	st->run_last = ts;
}

/* --- gaps: network loss, reordering or capture loss -------------------- */

static void gap_drop(struct nd_tcp_dir_state *st, unsigned i)
{
	memmove(&st->gaps[i], &st->gaps[i + 1], sizeof(st->gaps[0]) * (st->n_gaps - i - 1u));
	st->n_gaps--;
}

static void gap_open(struct nd_tcp_dir_state *st, struct nd_tcp_loss *loss, uint32_t start,
                     uint32_t end, nd_ns ts)
{
	loss->gaps++;
	if (st->n_gaps == ND_TCP_GAPS_MAX) {
		loss->gaps_unresolved++;
		gap_drop(st, 0);
	}
	st->gaps[st->n_gaps++] = (struct nd_tcp_gap){.start = start, .end = end, .ts = ts};
}

/* Data of this direction arrived inside a gap: the network (or reordering)
 * explains it, not the capture. */
static void gap_data(struct nd_tcp_dir_state *st, struct nd_tcp_loss *loss, uint32_t seq,
                     uint32_t end, uint32_t fl)
{
	for (unsigned i = 0; i < st->n_gaps;) {
		struct nd_tcp_gap *g = &st->gaps[i];
		if (nd_seq_lt(seq, g->end) && nd_seq_gt(end, g->start)) {
			/* Data captured after the ACK that covered it is capture
			 * ordering, like an out-of-order segment: not loss. */
			if ((fl & ND_TA_OUT_OF_ORDER) || g->acked_ts)
				loss->gaps_reordered++;
			else
				loss->gaps_retransmitted++;
			gap_drop(st, i);
			continue;
		}
		i++;
	}
}

static void gap_capture(struct nd_tcp_dir_state *st, struct nd_tcp_loss *loss, unsigned i)
{
	loss->gaps_capture++;
	loss->gap_bytes_capture += st->gaps[i].end - st->gaps[i].start;
	gap_drop(st, i);
}

/* The peer ACKed past a gap: it got those bytes. If the capture still has
 * not seen them ACK_BEFORE_DATA_WINDOW later, the capture missed them (its
 * data may yet arrive late: capture ordering). */
static void gap_acked(struct nd_tcp_dir_state *st, struct nd_tcp_loss *loss, bool has_ack,
                      uint32_t ack, nd_ns ts)
{
	for (unsigned i = 0; i < st->n_gaps;) {
		struct nd_tcp_gap *g = &st->gaps[i];
		if (has_ack && !g->acked_ts && nd_seq_ge(ack, g->end))
			g->acked_ts = ts;
		if (g->acked_ts && ts - g->acked_ts > ACK_BEFORE_DATA_WINDOW) {
			gap_capture(st, loss, i);
			continue;
		}
		i++;
	}
}

/* --- capture artefacts ------------------------------------------------ */

static bool exact_duplicate(struct nd_tcp_dir_state *st, const struct nd_decoded *d, nd_ns ts)
{
	bool dup = st->last_valid && st->last_seq == d->seq && st->last_ack == d->ack &&
	           st->last_len == d->seglen && st->last_flags == d->flags &&
	           st->last_win == d->window && st->last_ipid == d->ip_id &&
	           ts - st->last_ts <= DUP_FRAME_WINDOW && ts >= st->last_ts;
	st->last_valid = true;
	st->last_seq = d->seq;
	st->last_ack = d->ack;
	st->last_len = d->seglen;
	st->last_flags = d->flags;
	st->last_win = d->window;
	st->last_ipid = d->ip_id;
	st->last_ts = ts;
	return dup;
}

static void ack_before_data(struct nd_tcp_dir_state *F, struct nd_tcp_loss *loss,
                            const struct nd_decoded *d, nd_ns ts)
{
	if (!F->unseen_ack_pending || d->seglen == 0)
		return;
	if (ts - F->unseen_ack_ts > ACK_BEFORE_DATA_WINDOW) {
		F->unseen_ack_pending = false;
		return;
	}
	if (nd_seq_lt(d->seq, F->unseen_ack))
		loss->ack_before_data++;
	if (nd_seq_ge(d->seq + d->seglen, F->unseen_ack))
		F->unseen_ack_pending = false;
}

/* --- time series ------------------------------------------------------ */

static void series_coarsen(struct nd_tcp_series *s)
{
	for (uint32_t i = 0; i < ND_TCP_SERIES_BUCKETS / 2; i++) {
		struct nd_tcp_series_bucket *a = &s->b[2 * i], *b = &s->b[2 * i + 1];
		struct nd_tcp_series_bucket m = {
		        .bytes = {a->bytes[0] + b->bytes[0], a->bytes[1] + b->bytes[1]},
		        .retransmissions = (uint16_t)ND_MIN(a->retransmissions + b->retransmissions,
		                                            UINT16_MAX),
		        .lost_segments =
		                (uint16_t)ND_MIN(a->lost_segments + b->lost_segments, UINT16_MAX),
		        .duplicate_acks =
		                (uint16_t)ND_MIN(a->duplicate_acks + b->duplicate_acks, UINT16_MAX),
		        .oversized_segments = (uint16_t)ND_MIN(
		                a->oversized_segments + b->oversized_segments, UINT16_MAX),
		};
		for (int d = 0; d < 2; d++) {
			m.oversized_by[d] = (uint16_t)ND_MIN(
			        a->oversized_by[d] + b->oversized_by[d], UINT16_MAX);
			m.loss_by[d] = (uint16_t)ND_MIN(a->loss_by[d] + b->loss_by[d], UINT16_MAX);
		}
		s->b[i] = m;
	}
	memset(&s->b[ND_TCP_SERIES_BUCKETS / 2], 0, sizeof(s->b[0]) * (ND_TCP_SERIES_BUCKETS / 2));
	s->n = (s->n + 1) / 2;
	s->width *= 2;
}

static void bump16(uint16_t *v)
{
	if (*v < UINT16_MAX)
		(*v)++;
}

static void series_add(struct nd_tcp_series *s, nd_ns ts, int dir, uint32_t bytes, uint32_t fl,
                       bool oversized)
{
	if (ts < s->start)
		ts = s->start;
	uint64_t idx = (uint64_t)(ts - s->start) / (uint64_t)s->width;
	while (idx >= ND_TCP_SERIES_BUCKETS) {
		series_coarsen(s);
		idx = (uint64_t)(ts - s->start) / (uint64_t)s->width;
	}
	struct nd_tcp_series_bucket *b = &s->b[idx];
	if (idx + 1 > s->n)
		s->n = (uint32_t)idx + 1;
	b->bytes[dir] += bytes;
	if (fl & ND_TA_RETRANSMISSION)
		bump16(&b->retransmissions);
	if (fl & ND_TA_LOST_SEGMENT)
		bump16(&b->lost_segments);
	if (fl & ND_TA_DUPLICATE_ACK)
		bump16(&b->duplicate_acks);
	if (oversized) {
		bump16(&b->oversized_segments);
		bump16(&b->oversized_by[dir]);
	}
	if (fl & (ND_TA_RETRANSMISSION | ND_TA_LOST_SEGMENT))
		bump16(&b->loss_by[dir]);
}

/* --- per-segment entry point ------------------------------------------- */

static void count_flags(struct nd_tcp_counts *c, uint32_t fl)
{
	c->zero_window_probe += !!(fl & ND_TA_ZERO_WINDOW_PROBE);
	c->zero_window += !!(fl & ND_TA_ZERO_WINDOW);
	c->lost_segment += !!(fl & ND_TA_LOST_SEGMENT);
	c->keep_alive += !!(fl & ND_TA_KEEP_ALIVE);
	c->window_update += !!(fl & ND_TA_WINDOW_UPDATE);
	c->window_full += !!(fl & ND_TA_WINDOW_FULL);
	c->keep_alive_ack += !!(fl & ND_TA_KEEP_ALIVE_ACK);
	c->zero_window_probe_ack += !!(fl & ND_TA_ZERO_WINDOW_PROBE_ACK);
	c->duplicate_ack += !!(fl & ND_TA_DUPLICATE_ACK);
	c->ack_lost_segment += !!(fl & ND_TA_ACK_LOST_SEGMENT);
	c->retransmission += !!(fl & ND_TA_RETRANSMISSION);
	c->fast_retransmission += !!(fl & ND_TA_FAST_RETRANSMISSION);
	c->spurious_retransmission += !!(fl & ND_TA_SPURIOUS_RETRANSMISSION);
	c->out_of_order += !!(fl & ND_TA_OUT_OF_ORDER);
}

static void note_syn_options(struct nd_tcp_dir_summary *ds, const struct nd_decoded *d)
{
	if (d->opt.has_mss)
		ds->mss = d->opt.mss;
	if (d->opt.has_wscale)
		ds->wscale = (int8_t)ND_MIN(d->opt.wscale, 14);
	ds->sack_permitted = d->opt.sack_permitted;
	ds->timestamps = d->opt.has_timestamps;
}

static void basic_counts(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir)
{
	struct nd_tcp_dir_summary *ds = &f->s.dir[dir];
	ds->packets++;
	ds->payload_bytes += d->seglen;
	ds->captured_bytes += d->payload_caplen;
	if (d->seglen > ds->max_segment)
		ds->max_segment = d->seglen;
	if (d->flags & ND_TCP_SYN) {
		ds->syn++;
		note_syn_options(ds, d);
		if (!f->isn_known[dir]) {
			f->isn_known[dir] = true;
			f->isn[dir] = d->seq;
		}
		if (dir == 0 && !(d->flags & ND_TCP_ACK))
			f->s.handshake_seen = true;
	}
	if (d->flags & ND_TCP_FIN) {
		ds->fin++;
		if (f->s.end == ND_TCP_END_OPEN)
			f->s.end = ND_TCP_END_FIN;
	}
}

/* The MSS this direction's segments are judged against: what the peer
 * announced, else the one the MTU implies. */
static uint32_t mss_limit(const struct nd_tcp_flow *f, const struct nd_tcp_config *cfg, int dir)
{
	uint16_t peer = f->s.dir[!dir].mss;
	if (peer)
		return peer;
	uint32_t mtu = cfg->mtu ? cfg->mtu : DEFAULT_MTU;
	uint32_t hdr = f->s.ip_version == 6 ? 60u : 40u;
	return mtu > hdr ? mtu - hdr : 1;
}

static bool oversized_check(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg, int dir,
                            const struct nd_decoded *d, nd_ns ts)
{
	uint32_t lim = mss_limit(f, cfg, dir);
	f->s.mss_used[dir] = lim;
	if (d->seglen <= lim)
		return false;
	f->s.dir[dir].an.oversized_segment++;
	if (!f->s.oversized_first[dir])
		f->s.oversized_first[dir] = ts;
	f->s.oversized_last[dir] = ts;
	return true;
}

static void zero_window_close(struct nd_tcp_flow *f, int dir, nd_ns ts)
{
	struct nd_tcp_dir_state *st = &f->st[dir];
	nd_ns len = ts > st->zw_since ? ts - st->zw_since : 0;
	f->s.zero_window_time[dir] += len;
	if (len > f->s.zero_window_max[dir])
		f->s.zero_window_max[dir] = len;
	st->zw_closed = false;
}

/* A window closes with a zero-window segment (Wireshark's zero_window: not
 * SYN, FIN or RST) and opens with any non-zero window, a FIN's too. A
 * reset's window means nothing. */
static void zero_window_track(struct nd_tcp_flow *f, int dir, const struct nd_decoded *d, nd_ns ts)
{
	struct nd_tcp_dir_state *st = &f->st[dir];
	if (d->flags & ND_TCP_RST)
		return;
	if (d->window == 0 && !(d->flags & (ND_TCP_SYN | ND_TCP_FIN)) && !st->zw_closed) {
		st->zw_closed = true;
		st->zw_since = ts;
	} else if (d->window != 0 && st->zw_closed) {
		zero_window_close(f, dir, ts);
	}
}

static void rst_check(struct nd_tcp_flow *f, const struct nd_decoded *d)
{
	if (!(d->flags & ND_TCP_RST))
		return;
	bool fins = f->s.dir[0].fin || f->s.dir[1].fin;
	bool payload = f->s.dir[0].payload_bytes || f->s.dir[1].payload_bytes;
	bool outstanding = f->st[0].ua_n || f->st[1].ua_n;
	if (!fins && payload && outstanding)
		f->s.rst_abort = true;
	f->s.end = ND_TCP_END_RST;
}

/* A retransmission: the bytes below the nextseq of the time were sent
 * before. They are counted, and the retransmission is remembered for
 * D-SACKs, stalls and silent peers. */
static void retx_account(struct nd_tcp_flow *f, int dir, const struct nd_decoded *d, nd_ns ts,
                         uint32_t fl, uint32_t prev_next)
{
	if (!(fl & ND_TA_RETRANSMISSION))
		return;
	uint32_t end = d->seq + d->seglen, bytes = 0;
	uint32_t rend = end + ((d->flags & (ND_TCP_SYN | ND_TCP_FIN)) ? 1u : 0u);
	if (prev_next && nd_seq_lt(d->seq, prev_next)) {
		bytes = nd_seq_le(end, prev_next) ? d->seglen : prev_next - d->seq;
		if (nd_seq_gt(rend, prev_next))
			rend = prev_next;
	}
	f->s.dir[dir].an.retransmitted_bytes += bytes;
	nd_tcp_retx_note(&f->st[dir], &f->s.dir[dir], d->seq, rend, bytes,
	                 fl & ND_TA_SPURIOUS_RETRANSMISSION, ts);
}

/* Gaps in this direction's data, and the peer's view of them. */
static void gaps_track(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir, nd_ns ts,
                       uint32_t fl, uint32_t prev_next)
{
	struct nd_tcp_dir_state *F = &f->st[dir], *R = &f->st[!dir];
	struct nd_tcp_loss *loss = &f->s.loss[dir];
	if (fl & ND_TA_LOST_SEGMENT)
		gap_open(F, loss, prev_next, d->seq, ts);
	else if (d->seglen && F->n_gaps)
		gap_data(F, loss, d->seq, d->seq + d->seglen, fl);
	if (R->n_gaps)
		gap_acked(R, &f->s.loss[!dir], d->flags & ND_TCP_ACK, d->ack, ts);
	if (fl & ND_TA_ACK_LOST_SEGMENT) {
		R->unseen_ack_pending = true;
		R->unseen_ack = d->ack;
		R->unseen_ack_ts = ts;
	}
	ack_before_data(F, loss, d, ts);
	if (d->seglen && d->payload_caplen < d->seglen)
		loss->header_only++;
}

/* Runs after the cascade: what it learned feeds netdiag's own counters. */
static void beyond_wireshark(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg,
                             struct nd_tcp_totals *tot, const struct nd_decoded *d, int dir,
                             nd_ns ts, uint32_t fl, uint32_t prev_next)
{
	struct nd_tcp_dir_state *F = &f->st[dir], *R = &f->st[!dir];
	retx_account(f, dir, d, ts, fl, prev_next);
	gaps_track(f, d, dir, ts, fl, prev_next);
	if (d->seglen || (d->flags & (ND_TCP_SYN | ND_TCP_FIN)))
		nd_tcp_ua_push(F, tot, d->seq,
		               d->seq + d->seglen +
		                       ((d->flags & (ND_TCP_SYN | ND_TCP_FIN)) ? 1u : 0u),
		               ts, fl & (ND_TA_RETRANSMISSION | ND_TA_OUT_OF_ORDER));
	if (d->flags & ND_TCP_ACK) {
		nd_tcp_ua_acked(R, &f->s.dir[!dir], tot, d->ack, ts);
		nd_tcp_retx_acked(R);
	}
	bool big = d->seglen && oversized_check(f, cfg, dir, d, ts);
	storm_track(f, dir, fl, ts);
	zero_window_track(f, dir, d, ts);
	series_add(&f->s.series, ts, dir, d->seglen, fl, big);
}

/* What Wireshark does after the cascade: iRTT, window scaling, first ACK. */
static void handshake_state(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir, nd_ns ts)
{
	uint8_t sa = d->flags & (ND_TCP_SYN | ND_TCP_ACK);
	if (sa == ND_TCP_SYN)
		f->ts_mru_syn = ts;
	if (d->flags & ND_TCP_SYN)
		nd_tcp_ws_syn_options(&f->st[dir], &f->st[!dir], d);
	if (sa == ND_TCP_ACK) {
		if (f->ts_mru_syn && !f->s.irtt)
			f->s.irtt = ts - f->ts_mru_syn;
		f->st[dir].is_first_ack = false;
	}
}

void nd_tcp_analysis_segment(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg,
                             struct nd_tcp_totals *tot, const struct nd_decoded *d, int dir,
                             nd_ns ts)
{
	struct nd_tcp_dir_state *F = &f->st[dir];
	if (!f->s.series.start)
		f->s.series.start = ts;
	basic_counts(f, d, dir);
	bool dup = exact_duplicate(F, d, ts);
	if (dup)
		f->s.loss[dir].duplicate_frames++;
	if (d->ack != F->lastack)
		storm_close(f, dir, cfg->dup_ack_storm ? cfg->dup_ack_storm : DEFAULT_STORM);
	uint32_t prev_next = F->nextseq;
	uint32_t fl = nd_tcp_ws_analyze(F, &f->st[!dir], d, ts, f->s.irtt);
	count_flags(&f->s.dir[dir].an, fl);
	beyond_wireshark(f, cfg, tot, d, dir, ts, fl, prev_next);
	if (!dup) /* a D-SACK captured twice was sent once */
		nd_tcp_retx_dsack(&f->st[!dir], &f->s.dir[!dir], d);
	rst_check(f, d);
	if (d->flags & ND_TCP_RST)
		f->s.dir[dir].rst++;
	handshake_state(f, d, dir, ts);
}

uint64_t nd_tcp_real_retransmissions(const struct nd_tcp_counts *c)
{
	uint64_t unneeded = c->spurious_retransmission + c->dsack_spurious;
	return c->retransmission > unneeded ? c->retransmission - unneeded : 0;
}

static void counts_add(struct nd_tcp_counts *a, const struct nd_tcp_counts *b)
{
	uint64_t *pa = (uint64_t *)a;
	const uint64_t *pb = (const uint64_t *)b;
	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		pa[i] += pb[i];
}

static void loss_add(struct nd_tcp_loss *a, const struct nd_tcp_loss *b)
{
	uint64_t *pa = (uint64_t *)a;
	const uint64_t *pb = (const uint64_t *)b;
	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		pa[i] += pb[i];
}

static void gaps_retire(struct nd_tcp_dir_state *st, struct nd_tcp_loss *loss)
{
	while (st->n_gaps) {
		if (st->gaps[0].acked_ts) {
			gap_capture(st, loss, 0);
		} else {
			loss->gaps_unresolved++;
			gap_drop(st, 0);
		}
	}
}

void nd_tcp_analysis_retire(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg,
                            struct nd_tcp_totals *tot)
{
	for (int dir = 0; dir < 2; dir++) {
		struct nd_tcp_dir_state *st = &f->st[dir];
		storm_close(f, dir, cfg->dup_ack_storm ? cfg->dup_ack_storm : DEFAULT_STORM);
		if (st->zw_closed) /* still closed: it stalled until the end */
			zero_window_close(f, dir, f->s.last_ts);
		gaps_retire(st, &f->s.loss[dir]);
		nd_tcp_retx_retire(st, &f->s.dir[dir]);
	}
	nd_tcp_rtt_finish(f);
	for (int dir = 0; dir < 2; dir++) {
		counts_add(&tot->an, &f->s.dir[dir].an);
		loss_add(&tot->loss, &f->s.loss[dir]);
	}
}

bool nd_tcp_analysis_is_new_connection(const struct nd_tcp_flow *f, const struct nd_decoded *d,
                                       int dir)
{
	if ((d->flags & (ND_TCP_SYN | ND_TCP_ACK)) != ND_TCP_SYN)
		return false;
	return f->isn_known[dir] && f->isn[dir] != d->seq;
}

uint64_t nd_tcp_flow_score(const struct nd_tcp_flow_summary *s)
{
	uint64_t problems = 0, bytes = 0;
	for (int i = 0; i < 2; i++) {
		const struct nd_tcp_counts *c = &s->dir[i].an;
		problems += c->lost_segment + c->ack_lost_segment + c->retransmission +
		            c->duplicate_ack + c->zero_window + c->oversized_segment +
		            c->out_of_order + 100 * c->dup_ack_storm;
		bytes += s->dir[i].payload_bytes;
	}
	if (problems > (UINT64_C(1) << 40))
		problems = UINT64_C(1) << 40;
	/* Flows with problems first, the biggest of them first; then by bytes. */
	return (problems << 20) + ND_MIN(bytes >> 10, (UINT64_C(1) << 20) - 1);
}
