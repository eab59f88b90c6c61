/* SPDX-License-Identifier: MIT */
/* Retransmissions beyond Wireshark's flags: which ones a D-SACK (RFC 2883)
 * proved unnecessary, how long the real ones made the sender wait, and which
 * ones the peer never acknowledged. A small ring per direction keeps the
 * recent ones; what leaves it is final. docs/tcp-analysis.md. */
#include "tcp/tcp_internal.h"

/* Longer D-SACK blocks are garbage: no window is larger (2^16 << 14). */
#define DSACK_MAX_LEN (UINT32_C(1) << 30)

static struct nd_tcp_retx *retx_at(struct nd_tcp_dir_state *st, unsigned i)
{
	return &st->retx[(st->retx_head + i) % ND_TCP_RETX_RING];
}

static uint32_t seq_max(uint32_t a, uint32_t b)
{
	return nd_seq_gt(a, b) ? a : b;
}

static uint32_t seq_min(uint32_t a, uint32_t b)
{
	return nd_seq_lt(a, b) ? a : b;
}

/* Adds [from, to] to the stall: its length for the max, and for the sum
 * only the part not covered yet. Intervals come in order of their end, so
 * one watermark suffices (a gap between earlier intervals that a later one
 * spans is not counted: the sum errs low). */
static void stall_add(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds, nd_ns from,
                      nd_ns to)
{
	if (to < from)
		to = from; /* the capture clock went backwards */
	ds->retx_stalls++;
	if (to - from > ds->retx_stall_max)
		ds->retx_stall_max = to - from;
	nd_ns start = ND_MAX(from, st->stall_until);
	if (to > start)
		ds->retx_stall += to - start;
	if (to > st->stall_until)
		st->stall_until = to;
}

static bool retx_unacked(const struct nd_tcp_dir_state *st, const struct nd_tcp_retx *r)
{
	return !st->acked_valid || nd_seq_gt(r->end, st->acked_hi);
}

/* The oldest retransmission leaves the ring: no D-SACK can take it back
 * now, so a real one counts. */
static void retx_pop(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds)
{
	const struct nd_tcp_retx *r = retx_at(st, 0);
	if (!r->ws_spurious && !r->dsacked) {
		ds->an.real_retransmitted_bytes += r->bytes;
		if (r->has_orig)
			stall_add(st, ds, r->orig_ts, r->ts);
	}
	if (retx_unacked(st, r)) {
		if (!st->retx_gone_unacked || nd_seq_gt(r->end, st->retx_gone_end))
			st->retx_gone_end = r->end;
		st->retx_gone_unacked++;
	}
	st->retx_head = (uint8_t)((st->retx_head + 1) % ND_TCP_RETX_RING);
	st->retx_n--;
}

void nd_tcp_retx_note(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds, uint32_t seq,
                      uint32_t end, uint32_t bytes, bool ws_spurious, nd_ns ts)
{
	if (st->retx_n == ND_TCP_RETX_RING)
		retx_pop(st, ds);
	struct nd_tcp_retx r = {
	        .seq = seq,
	        .end = end,
	        .dsack_lo = seq,
	        .dsack_hi = seq,
	        .bytes = bytes,
	        .ws_spurious = ws_spurious,
	        .ts = ts,
	};
	r.has_orig = nd_tcp_ua_original(st, seq, end, &r.orig_ts);
	*retx_at(st, st->retx_n++) = r;
}

void nd_tcp_retx_acked(struct nd_tcp_dir_state *st)
{
	if (st->retx_gone_unacked && st->acked_valid && nd_seq_ge(st->acked_hi, st->retx_gone_end))
		st->retx_gone_unacked = 0;
}

/* RFC 2883 as Linux reads it (tcp_check_dsack): the first SACK block is a
 * D-SACK when it starts below the ACK number, or lies inside the second
 * block. Empty and absurdly long blocks are ignored, as Linux does. */
static bool dsack_block(const struct nd_decoded *d, uint32_t *lo, uint32_t *hi)
{
	if (!(d->flags & ND_TCP_ACK) || !d->opt.n_sack)
		return false;
	uint32_t l = d->opt.sack_left[0], r = d->opt.sack_right[0];
	if (!nd_seq_lt(l, r) || r - l > DSACK_MAX_LEN)
		return false;
	bool below = nd_seq_lt(l, d->ack);
	bool inside = d->opt.n_sack > 1 && nd_seq_ge(l, d->opt.sack_left[1]) &&
	              nd_seq_le(r, d->opt.sack_right[1]);
	if (!below && !inside)
		return false;
	*lo = l;
	*hi = r;
	return true;
}

static bool overlaps(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi)
{
	return nd_seq_lt(a_lo, b_hi) && nd_seq_gt(a_hi, b_lo);
}

/* Adds the D-SACKed part [lo, hi) of r to what earlier D-SACKs reported (a
 * retransmission the receiver got as several packets gets several blocks);
 * r is unnecessary once all of it was reported. */
static void dsack_cover(struct nd_tcp_retx *r, uint32_t lo, uint32_t hi)
{
	uint32_t a = seq_max(lo, r->seq), b = seq_min(hi, r->end);
	if (r->dsack_lo == r->dsack_hi) {
		r->dsack_lo = a;
		r->dsack_hi = b;
	} else if (nd_seq_le(a, r->dsack_hi) && nd_seq_ge(b, r->dsack_lo)) {
		r->dsack_lo = seq_min(a, r->dsack_lo);
		r->dsack_hi = seq_max(b, r->dsack_hi);
	}
	r->dsacked = r->dsack_lo == r->seq && r->dsack_hi == r->end;
}

/* One D-SACK block reports each duplicated byte once: it goes to the oldest
 * retransmissions it overlaps, oldest first, never twice to the same bytes
 * (two retransmissions of one segment and one D-SACK: one was needed). */
static void dsack_apply(struct nd_tcp_dir_state *st, struct nd_tcp_counts *c, uint32_t lo,
                        uint32_t hi)
{
	bool used = false;
	uint32_t used_lo = 0, used_hi = 0;
	for (unsigned i = 0; i < st->retx_n; i++) {
		struct nd_tcp_retx *r = retx_at(st, i);
		if (r->dsacked || !overlaps(lo, hi, r->seq, r->end))
			continue;
		if (used && overlaps(used_lo, used_hi, r->seq, r->end))
			continue;
		dsack_cover(r, lo, hi);
		if (r->dsacked && !r->ws_spurious)
			c->dsack_spurious++;
		used_lo = used ? seq_min(used_lo, r->seq) : r->seq;
		used_hi = used ? seq_max(used_hi, r->end) : r->end;
		used = true;
	}
}

void nd_tcp_retx_dsack(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds,
                       const struct nd_decoded *d)
{
	uint32_t lo, hi;
	if (!dsack_block(d, &lo, &hi))
		return;
	ds->an.dsack_blocks++;
	dsack_apply(st, &ds->an, lo, hi);
}

void nd_tcp_retx_retire(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds)
{
	while (st->retx_n)
		retx_pop(st, ds);
	ds->an.retransmitted_unacked = st->retx_gone_unacked;
}
