/* SPDX-License-Identifier: MIT */
/* Wireshark-compatible TCP sequence analysis. The rules, their evaluation
 * order and their constants (20 ms fast-retransmission window, iRTT or 3 ms
 * out-of-order threshold, window-full edge equality) follow
 * tcp_analyze_sequence_number() of Wireshark 4.0 so that counts equal
 * tshark's; see docs/tcp-analysis.md. One deliberate difference: after an
 * "ACKed unseen segment" Wireshark 4.0 sets its unsigned dup-ACK counter to
 * -1, which wraps and makes the next retransmission a "fast" one; here -1
 * never satisfies the ">= 2 duplicate ACKs" test. */
#include "tcp/analysis.h"
#include "tcp/tcp_internal.h"

#define FAST_RETX_WINDOW      (20 * ND_NS_PER_MS)
#define OOO_DEFAULT_THRESHOLD (3 * ND_NS_PER_MS)

struct seg {
	uint32_t seq, ack, seglen, window;
	uint8_t flags;
	nd_ns ts;
};

static bool sfr(const struct seg *s)
{
	return s->flags & (ND_TCP_SYN | ND_TCP_FIN | ND_TCP_RST);
}

/* Rules 1-9 of the cascade (zero-window probe .. duplicate ACK). */
static uint32_t rules_forward(struct nd_tcp_dir_state *F, const struct nd_tcp_dir_state *R,
                              const struct seg *s)
{
	uint32_t fl = 0;
	if (s->seglen == 1 && s->seq == F->nextseq && R->window == 0)
		return ND_TA_ZERO_WINDOW_PROBE;
	if (s->window == 0 && !sfr(s))
		fl |= ND_TA_ZERO_WINDOW;
	if (F->nextseq && nd_seq_gt(s->seq, F->nextseq) && !(s->flags & ND_TCP_RST))
		fl |= ND_TA_LOST_SEGMENT;
	if (s->seglen <= 1 && s->seq == F->nextseq - 1 && !sfr(s))
		fl |= ND_TA_KEEP_ALIVE;
	bool same_pos = s->seq == F->nextseq && s->ack == F->lastack && !sfr(s);
	if (s->seglen == 0 && s->window && s->window != F->window && same_pos)
		fl |= ND_TA_WINDOW_UPDATE;
	if (s->seglen > 0 && R->win_scale != -1 && !sfr(s)) {
		int sh = R->is_first_ack || R->win_scale == -2 ? 0 : R->win_scale;
		if (s->seq + s->seglen == R->lastack + (R->window << sh))
			fl |= ND_TA_WINDOW_FULL;
	}
	if (s->seglen == 0 && s->window && s->window == F->window && same_pos &&
	    (R->lastsegmentflags & ND_TA_KEEP_ALIVE))
		return fl | ND_TA_KEEP_ALIVE_ACK;
	if (s->seglen == 0 && s->window == 0 && s->window == F->window && same_pos &&
	    (R->lastsegmentflags & ND_TA_ZERO_WINDOW_PROBE))
		return fl | ND_TA_ZERO_WINDOW_PROBE_ACK;
	if (s->seglen == 0 && s->window && s->window == F->window && same_pos) {
		F->dupacknum = F->dupacknum == -1 ? 1 : F->dupacknum + 1;
		fl |= ND_TA_DUPLICATE_ACK;
	}
	return fl;
}

/* Rule 10: this segment ACKs data the other direction never showed. */
static uint32_t rule_ack_unseen(struct nd_tcp_dir_state *R, const struct seg *s)
{
	if (!R->maxseqtobeacked || !nd_seq_gt(s->ack, R->maxseqtobeacked) ||
	    !(s->flags & ND_TCP_ACK))
		return 0;
	if (nd_seq_lt(R->maxseqtobeacked, R->nextseq)) {
		R->maxseqtobeacked = R->nextseq;
		return ND_TA_ACK_LOST_SEGMENT;
	}
	uint32_t fl = R->dupacknum == 0 ? ND_TA_ACK_LOST_SEGMENT : 0;
	R->dupacknum = -1;
	return fl;
}

/* Rule 11: retransmission, spurious, fast, out-of-order (fast first: the
 * tcp.fastrt_supersedes_ooo default). */
static uint32_t rule_retransmission(const struct nd_tcp_dir_state *F,
                                    const struct nd_tcp_dir_state *R, const struct seg *s,
                                    uint32_t fl, nd_ns irtt)
{
	if (!(s->seglen > 0 || (s->flags & (ND_TCP_SYN | ND_TCP_FIN))))
		return 0;
	if (fl & ND_TA_KEEP_ALIVE)
		return 0;
	bool not_advanced = F->nextseq && nd_seq_lt(s->seq, F->nextseq);
	if (s->seglen > 1 && F->nextseq - 1 == s->seq)
		not_advanced = false;
	if (s->seglen > 0 && R->lastack && nd_seq_le(s->seq + s->seglen, R->lastack))
		return ND_TA_SPURIOUS_RETRANSMISSION | ND_TA_RETRANSMISSION;
	/* Wireshark subtracts times as unsigned: a negative delta never matches. */
	nd_ns since_ack = s->ts - R->lastacktime, since_next = s->ts - F->nextseqtime;
	if (not_advanced && R->dupacknum >= 2 && R->lastack == s->seq && since_ack >= 0 &&
	    since_ack < FAST_RETX_WINDOW)
		return ND_TA_FAST_RETRANSMISSION | ND_TA_RETRANSMISSION;
	nd_ns thres = irtt ? irtt : OOO_DEFAULT_THRESHOLD;
	uint32_t end = s->seq + s->seglen + ((s->flags & (ND_TCP_SYN | ND_TCP_FIN)) ? 1u : 0u);
	if (not_advanced && since_next >= 0 && since_next < thres && F->nextseq != end)
		return ND_TA_OUT_OF_ORDER;
	return not_advanced ? ND_TA_RETRANSMISSION : 0;
}

/* Rule 12: bookkeeping of the highest and contiguous sequence numbers. */
static void advance_forward(struct nd_tcp_dir_state *F, const struct seg *s, uint32_t fl)
{
	uint32_t nextseq = s->seq + s->seglen;
	if (s->flags & (ND_TCP_SYN | ND_TCP_FIN))
		nextseq++;
	bool zwp = fl & ND_TA_ZERO_WINDOW_PROBE;
	if ((nd_seq_gt(nextseq, F->nextseq) || !F->nextseq) && !zwp) {
		F->nextseq = nextseq;
		F->nextseqtime = s->ts;
	}
	if ((s->seq == F->maxseqtobeacked || !F->maxseqtobeacked) && !zwp)
		F->maxseqtobeacked = F->nextseq;
	F->window = s->window;
	F->lastack = s->ack;
	F->lastacktime = s->ts;
	F->lastsegmentflags = fl;
}

uint32_t nd_tcp_ws_analyze(struct nd_tcp_dir_state *F, struct nd_tcp_dir_state *R,
                           const struct nd_decoded *d, nd_ns ts, nd_ns irtt)
{
	struct seg s = {.seq = d->seq,
	                .ack = d->ack,
	                .seglen = d->seglen,
	                .window = d->window,
	                .flags = d->flags,
	                .ts = ts};
	uint32_t fl = rules_forward(F, R, &s);
	if (s.ack != F->lastack)
		F->dupacknum = 0;
	fl |= rule_ack_unseen(R, &s);
	fl |= rule_retransmission(F, R, &s, fl, irtt);
	advance_forward(F, &s, fl);
	return fl;
}

/* Window scaling as Wireshark settles it from the SYN and SYN/ACK options. */
void nd_tcp_ws_syn_options(struct nd_tcp_dir_state *F, struct nd_tcp_dir_state *R,
                           const struct nd_decoded *d)
{
	if (d->opt.has_wscale)
		F->win_scale = (int8_t)ND_MIN(d->opt.wscale, 14);
	bool synack = d->flags & ND_TCP_ACK;
	if (F->win_scale == -1) {
		F->win_scale = -2;
		R->win_scale = -2;
	} else if (synack && R->win_scale == -2) {
		F->win_scale = -2;
	}
	F->is_first_ack = true;
}

void nd_tcp_ws_dir_init(struct nd_tcp_dir_state *st)
{
	memset(st, 0, sizeof(*st));
	st->window = UINT32_MAX;
	st->win_scale = -1;
}
