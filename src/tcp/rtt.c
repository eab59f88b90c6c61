/* SPDX-License-Identifier: MIT */
/* RTT, one definition for the whole report (docs/tcp-analysis.md): Karn
 * samples per direction, taken from the list of unacknowledged segments and
 * kept in a log histogram; per flow, the samples of both directions plus the
 * handshake. The same list tells retx.c when a retransmitted segment was
 * first sent. */
#include "tcp/tcp_internal.h"

#define RTT_SUB_BITS 3 /* 8 buckets per octave: at most 12.5 % wide */

/* Microseconds, 8 buckets per octave. */
static unsigned rtt_index(nd_ns v)
{
	uint64_t us = v > 0 ? (uint64_t)v / 1000u : 0;
	return nd_loglin_index(us, RTT_SUB_BITS, ND_TCP_RTT_BUCKETS);
}

static nd_ns rtt_upper(unsigned idx)
{
	return (nd_ns)nd_loglin_upper(idx, RTT_SUB_BITS) * 1000;
}

/* Halving every bucket keeps the shape of the distribution when one would
 * overflow; rounding up keeps a bucket that had samples from emptying. */
static void hist_halve(struct nd_tcp_dir_state *st)
{
	for (unsigned i = 0; i < ND_TCP_RTT_BUCKETS; i++)
		st->rtt_hist[i] = (uint16_t)((st->rtt_hist[i] + 1u) / 2u);
	st->rtt_shift++;
}

static void rtt_sample(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds, nd_ns rtt)
{
	if (rtt < 0)
		return;
	unsigned i = rtt_index(rtt);
	if (st->rtt_hist[i] == UINT16_MAX)
		hist_halve(st);
	st->rtt_hist[i]++;
	if (!ds->rtt_samples || rtt < ds->rtt_min)
		ds->rtt_min = rtt;
	if (rtt > ds->rtt_max)
		ds->rtt_max = rtt;
	ds->rtt_samples++;
	st->rtt_sum += rtt;
}

/* --- unacknowledged segments: Karn-correct RTT ------------------------ */

static struct nd_tcp_unacked *ua_at(struct nd_tcp_dir_state *st, unsigned i)
{
	return &st->ua[(st->ua_head + i) % ND_TCP_UNACKED_MAX];
}

/* Widens the span of retransmitted data whose ACK is ambiguous, unless the
 * peer has acknowledged all of it already (a spurious retransmission). */
static void karn_extend(struct nd_tcp_dir_state *st, uint32_t seq, uint32_t end)
{
	if (st->acked_valid && nd_seq_le(end, st->acked_hi))
		return;
	if (!st->karn_active) {
		st->karn_active = true;
		st->karn_lo = seq;
		st->karn_hi = end;
		return;
	}
	if (nd_seq_lt(seq, st->karn_lo))
		st->karn_lo = seq;
	if (nd_seq_gt(end, st->karn_hi))
		st->karn_hi = end;
}

void nd_tcp_ua_push(struct nd_tcp_dir_state *st, struct nd_tcp_totals *tot, uint32_t seq,
                    uint32_t nextseq, nd_ns ts, bool copy)
{
	if (copy) { /* Karn: the original transmission's ACK is ambiguous too */
		karn_extend(st, seq, nextseq);
		for (unsigned i = 0; i < st->ua_n; i++) {
			struct nd_tcp_unacked *u = ua_at(st, i);
			if (nd_seq_lt(u->seq, nextseq) && nd_seq_gt(u->nextseq, seq))
				u->retransmitted = true;
		}
	}
	if (st->ua_n == ND_TCP_UNACKED_MAX) {
		st->ua_head = (uint8_t)((st->ua_head + 1) % ND_TCP_UNACKED_MAX);
		st->ua_n--;
		tot->unacked_overflow++;
	}
	*ua_at(st, st->ua_n++) = (struct nd_tcp_unacked){seq, nextseq, ts, copy, copy};
}

/* Strict Karn: an ACK that newly acknowledges any retransmitted byte gives
 * no sample at all. The segment it ends at may have been sent once, but the
 * ACK waited for the hole to be filled: after an RTO that is seconds. */
static bool karn_ambiguous(const struct nd_tcp_dir_state *st, uint32_t ack)
{
	if (!st->karn_active || !nd_seq_gt(ack, st->karn_lo))
		return false;
	return !st->acked_valid || nd_seq_gt(ack, st->acked_hi);
}

static void acked_advance(struct nd_tcp_dir_state *st, uint32_t ack)
{
	if (!st->acked_valid || nd_seq_gt(ack, st->acked_hi)) {
		st->acked_valid = true;
		st->acked_hi = ack;
	}
	if (st->karn_active && nd_seq_ge(st->acked_hi, st->karn_hi))
		st->karn_active = false;
}

void nd_tcp_ua_acked(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds,
                     struct nd_tcp_totals *tot, uint32_t ack, nd_ns ts)
{
	bool ambiguous = karn_ambiguous(st, ack);
	unsigned keep = 0;
	for (unsigned i = 0; i < st->ua_n; i++) {
		struct nd_tcp_unacked u = *ua_at(st, i);
		if (u.nextseq == ack && !u.retransmitted && !ambiguous) {
			rtt_sample(st, ds, ts - u.ts);
			tot->rtt_samples++;
		}
		if (nd_seq_le(u.nextseq, ack))
			continue;
		if (nd_seq_gt(ack, u.seq))
			u.seq = ack;
		*ua_at(st, keep++) = u;
	}
	st->ua_n = (uint8_t)keep;
	acked_advance(st, ack);
}

bool nd_tcp_ua_original(const struct nd_tcp_dir_state *st, uint32_t seq, uint32_t end, nd_ns *ts)
{
	bool found = false;
	for (unsigned i = 0; i < st->ua_n; i++) {
		const struct nd_tcp_unacked *u = &st->ua[(st->ua_head + i) % ND_TCP_UNACKED_MAX];
		if (u->copy || !nd_seq_lt(u->seq, end) || !nd_seq_gt(u->nextseq, seq))
			continue;
		if (!found || u->ts < *ts)
			*ts = u->ts;
		found = true;
	}
	return found;
}

/* --- percentiles ------------------------------------------------------ */

/* The histogram in samples: a bucket holds samples >> rtt_shift. */
static void hist_add_to(const struct nd_tcp_dir_state *st, uint64_t *h)
{
	for (unsigned i = 0; i < ND_TCP_RTT_BUCKETS; i++)
		h[i] += (uint64_t)st->rtt_hist[i] << st->rtt_shift;
}

/* The smallest bucket edge with at least pct % of the samples at or below
 * it, clamped to the exact min and max (a bucket is up to 12.5 % wide). */
static nd_ns hist_pct(const uint64_t *h, unsigned pct, nd_ns min, nd_ns max)
{
	uint64_t total = 0, seen = 0;
	for (unsigned i = 0; i < ND_TCP_RTT_BUCKETS; i++)
		total += h[i];
	uint64_t rank = (total * pct + 99) / 100;
	if (!rank)
		return 0;
	for (unsigned i = 0; i < ND_TCP_RTT_BUCKETS; i++) {
		seen += h[i];
		if (seen >= rank) {
			nd_ns v = rtt_upper(i);
			return v < min ? min : v > max ? max : v;
		}
	}
	return max;
}

static void dir_finish(const struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds)
{
	if (!ds->rtt_samples)
		return;
	uint64_t h[ND_TCP_RTT_BUCKETS] = {0};
	hist_add_to(st, h);
	ds->rtt_avg = st->rtt_sum / (nd_ns)ds->rtt_samples;
	ds->rtt_p50 = hist_pct(h, 50, ds->rtt_min, ds->rtt_max);
	ds->rtt_p90 = hist_pct(h, 90, ds->rtt_min, ds->rtt_max);
	ds->rtt_p95 = hist_pct(h, 95, ds->rtt_min, ds->rtt_max);
}

/* The handshake is one round trip (SYN -> SYN/ACK -> ACK, the irtt), unless
 * a SYN or SYN/ACK was sent twice: then its ACK is ambiguous (Karn). */
static bool handshake_sample(const struct nd_tcp_flow_summary *s)
{
	return s->irtt > 0 && s->dir[0].syn == 1 && s->dir[1].syn <= 1;
}

static void flow_extremes(struct nd_tcp_flow_summary *s, nd_ns v, uint64_t n)
{
	if (!n)
		return;
	if (!s->rtt_samples || v < s->rtt_min)
		s->rtt_min = v;
	s->rtt_samples += n;
}

static void flow_finish(struct nd_tcp_flow *f)
{
	struct nd_tcp_flow_summary *s = &f->s;
	uint64_t h[ND_TCP_RTT_BUCKETS] = {0};
	for (int d = 0; d < 2; d++) {
		hist_add_to(&f->st[d], h);
		flow_extremes(s, s->dir[d].rtt_min, s->dir[d].rtt_samples);
		s->rtt_max = ND_MAX(s->rtt_max, s->dir[d].rtt_max);
	}
	if (handshake_sample(s)) {
		h[rtt_index(s->irtt)]++;
		flow_extremes(s, s->irtt, 1);
		s->rtt_max = ND_MAX(s->rtt_max, s->irtt);
	}
	if (!s->rtt_samples)
		return;
	s->rtt_p50 = hist_pct(h, 50, s->rtt_min, s->rtt_max);
	s->rtt_p90 = hist_pct(h, 90, s->rtt_min, s->rtt_max);
}

void nd_tcp_rtt_finish(struct nd_tcp_flow *f)
{
	dir_finish(&f->st[0], &f->s.dir[0]);
	dir_finish(&f->st[1], &f->s.dir[1]);
	flow_finish(f);
}
