/* SPDX-License-Identifier: MIT */
/* What the verdict rests on beyond Wireshark's flags, one crafted trace per
 * case: the one RTT definition (strict Karn, percentiles, the handshake
 * sample), D-SACKs that prove retransmissions unnecessary, real
 * retransmissions, how long loss stalled a sender, retransmissions to a
 * silent peer, and zero-window stalls. docs/tcp-analysis.md defines each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp_trace.h"

#define D1 (ISN_A + 1) /* A's first data byte */
#define E1 (ISN_B + 1) /* B's first data byte */

/* A pure ACK from `from` carrying SACK blocks (left, right pairs). */
static uint32_t sack_ack(struct trace *tr, nd_ns ts, int from, uint32_t seq, uint32_t ack,
                         unsigned n, const uint32_t *blocks)
{
	struct nd_decoded d = tr_seg(tr, from, ND_TCP_ACK, seq, ack, WIN, 0);
	d.opt.n_sack = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		d.opt.sack_left[i] = blocks[2 * i];
		d.opt.sack_right[i] = blocks[2 * i + 1];
	}
	return tr_feed(tr, &d, from, ts);
}

/* ---- D-SACK ------------------------------------------------------------ */

/* The ACK of the original was late, so the sender's RTO fired; the receiver
 * then got the data twice and said so with a D-SACK below its ACK. Wireshark
 * calls it a plain retransmission; it was not needed. */
static void test_dsack_rto_retransmission_is_spurious(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(325), B, E1, D1 + 100, WIN), 0);
	const uint32_t dsack[] = {D1, D1 + 100};
	assert_flags(sack_ack(&tr, T0 + MS(330), B, E1, D1 + 100, 1, dsack), DUPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_counts *c = &s->dir[A].an;
	assert_int_equal(c->retransmission, 1);
	assert_int_equal(c->spurious_retransmission, 0);
	assert_int_equal(c->dsack_blocks, 1);
	assert_int_equal(c->dsack_spurious, 1);
	assert_int_equal(nd_tcp_real_retransmissions(c), 0);
	assert_int_equal(c->retransmitted_bytes, 100);
	assert_int_equal(c->real_retransmitted_bytes, 0);
	assert_int_equal(c->retransmitted_unacked, 0);
	assert_int_equal(s->dir[A].retx_stalls, 0);
	assert_int_equal(s->dir[A].retx_stall, 0);
	assert_int_equal(s->dir[B].an.dsack_blocks, 0);
	tr_free(&tr);
}

/* RFC 2883's other form: the first block lies inside the second (data above
 * the cumulative ACK arrived twice). That retransmission was unneeded; the
 * later one that filled the hole was real. */
static void test_dsack_inside_second_block(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	/* captured, then lost behind the capture point */
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(22), A, D1 + 200, E1, 100), 0);
	const uint32_t sack[] = {D1 + 100, D1 + 300};
	assert_flags(sack_ack(&tr, T0 + MS(32), B, E1, D1, 1, sack), DUPACK);
	assert_flags(tr_data(&tr, T0 + MS(50), A, D1 + 100, E1, 100), RETX);
	const uint32_t dsack[] = {D1 + 100, D1 + 200, D1 + 100, D1 + 300};
	assert_flags(sack_ack(&tr, T0 + MS(60), B, E1, D1, 2, dsack), DUPACK);
	assert_flags(tr_data(&tr, T0 + MS(300), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(310), B, E1, D1 + 300, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_counts *c = &s->dir[A].an;
	assert_int_equal(c->retransmission, 2);
	assert_int_equal(c->dsack_blocks, 1);
	assert_int_equal(c->dsack_spurious, 1);
	assert_int_equal(nd_tcp_real_retransmissions(c), 1);
	assert_int_equal(c->real_retransmitted_bytes, 100);
	/* the real one waited from 20 ms to 300 ms */
	assert_int_equal(s->dir[A].retx_stalls, 1);
	assert_int_equal(s->dir[A].retx_stall, MS(280));
	tr_free(&tr);
}

/* A D-SACK for a retransmission Wireshark already called spurious is counted
 * as a block but not again as dsack_spurious. */
static void test_dsack_of_wireshark_spurious_counted_once(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, WIN), 0);
	assert_flags(tr_data(&tr, T0 + MS(40), A, D1, E1, 100), RETX | SPUR);
	const uint32_t dsack[] = {D1, D1 + 100};
	assert_flags(sack_ack(&tr, T0 + MS(50), B, E1, D1 + 100, 1, dsack), DUPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_counts *c = &s->dir[A].an;
	assert_int_equal(c->spurious_retransmission, 1);
	assert_int_equal(c->dsack_blocks, 1);
	assert_int_equal(c->dsack_spurious, 0);
	assert_int_equal(nd_tcp_real_retransmissions(c), 0);
	assert_int_equal(c->real_retransmitted_bytes, 0);
	tr_free(&tr);
}

/* The receiver got a 200-byte retransmission as two packets: two D-SACK
 * blocks together prove it unneeded. A copy of a D-SACK frame (capture
 * artefact) counts once. */
static void test_dsack_split_and_duplicate_frame(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 200), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 200), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(321), B, E1, D1 + 200, WIN), 0);
	const uint32_t first[] = {D1, D1 + 100}, second[] = {D1 + 100, D1 + 200};
	assert_flags(sack_ack(&tr, T0 + MS(322), B, E1, D1 + 200, 1, first), DUPACK);
	assert_int_equal(tr_live(&tr)->dir[A].an.dsack_spurious, 0);
	struct nd_decoded d = tr_seg(&tr, B, ND_TCP_ACK, E1, D1 + 200, WIN, 0);
	d.opt.n_sack = 1;
	d.opt.sack_left[0] = second[0];
	d.opt.sack_right[0] = second[1];
	assert_flags(tr_feed(&tr, &d, B, T0 + MS(323)), DUPACK);
	assert_flags(tr_feed(&tr, &d, B, T0 + MS(323)), DUPACK); /* the same frame again */
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[B].duplicate_frames, 1);
	assert_int_equal(s->dir[A].an.dsack_blocks, 2);
	assert_int_equal(s->dir[A].an.dsack_spurious, 1);
	assert_int_equal(nd_tcp_real_retransmissions(&s->dir[A].an), 0);
	tr_free(&tr);
}

/* Two retransmissions of one segment and one D-SACK: one of them was needed. */
static void test_dsack_one_block_one_retransmission(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 100), RETX);
	assert_flags(tr_data(&tr, T0 + MS(920), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(921), B, E1, D1 + 100, WIN), 0);
	const uint32_t dsack[] = {D1, D1 + 100};
	assert_flags(sack_ack(&tr, T0 + MS(922), B, E1, D1 + 100, 1, dsack), DUPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.dsack_spurious, 1);
	assert_int_equal(nd_tcp_real_retransmissions(&s->dir[A].an), 1);
	assert_int_equal(s->dir[A].an.real_retransmitted_bytes, 100);
	tr_free(&tr);
}

/* SACK blocks that are no D-SACK: above the ACK and not inside the second
 * block, empty, or reversed. */
static void test_sack_blocks_that_are_not_dsack(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 100), 0);
	const uint32_t above[] = {D1 + 100, D1 + 200};
	sack_ack(&tr, T0 + MS(30), B, E1, D1, 1, above);
	const uint32_t outside[] = {D1 + 100, D1 + 200, D1 + 150, D1 + 300};
	sack_ack(&tr, T0 + MS(31), B, E1, D1, 2, outside);
	const uint32_t empty[] = {D1 - 50, D1 - 50};
	sack_ack(&tr, T0 + MS(32), B, E1, D1, 1, empty);
	const uint32_t reversed[] = {D1 - 10, D1 - 50};
	sack_ack(&tr, T0 + MS(33), B, E1, D1, 1, reversed);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.dsack_blocks, 0);
	tr_free(&tr);
}

/* ---- real loss, stalls ------------------------------------------------- */

/* The first segment is lost; the receiver SACKs the second; the RTO
 * retransmission fills the hole. A real retransmission that stalled the
 * sender 300 ms; the peer acknowledged it. */
static void test_real_loss(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0); /* lost after the tap */
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 100), 0);
	const uint32_t sack[] = {D1 + 100, D1 + 200};
	assert_flags(sack_ack(&tr, T0 + MS(31), B, E1, D1, 1, sack), DUPACK);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(330), B, E1, D1 + 200, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_counts *c = &s->dir[A].an;
	assert_int_equal(nd_tcp_real_retransmissions(c), 1);
	assert_int_equal(c->real_retransmitted_bytes, 100);
	assert_int_equal(c->dsack_blocks, 0);
	assert_int_equal(c->retransmitted_unacked, 0);
	assert_int_equal(s->dir[A].retx_stalls, 1);
	assert_int_equal(s->dir[A].retx_stall, MS(300));
	assert_int_equal(s->dir[A].retx_stall_max, MS(300));
	tr_free(&tr);
}

/* Repeated RTOs for one segment: the stall is the time from the original to
 * the last retransmission, counted once (not 200 + 600 ms); a later, separate
 * loss adds its own wait. */
static void test_retx_stall_repeated_and_separate(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(220), A, D1, E1, 100), RETX);
	assert_flags(tr_data(&tr, T0 + MS(620), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(630), B, E1, D1 + 100, WIN), 0);
	assert_flags(tr_data(&tr, T0 + MS(1000), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(1200), A, D1 + 100, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(1210), B, E1, D1 + 200, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(nd_tcp_real_retransmissions(&s->dir[A].an), 3);
	assert_int_equal(s->dir[A].retx_stalls, 3);
	assert_int_equal(s->dir[A].retx_stall, MS(800));
	assert_int_equal(s->dir[A].retx_stall_max, MS(600));
	assert_int_equal(s->dir[B].retx_stalls, 0);
	tr_free(&tr);
}

/* Two segments of one window lost and retransmitted together: the sender
 * waited once, 301 ms, not 600. */
static void test_retx_stall_parallel_losses(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 100), RETX);
	assert_flags(tr_data(&tr, T0 + MS(321), A, D1 + 100, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(330), B, E1, D1 + 200, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].retx_stalls, 2);
	assert_int_equal(s->dir[A].retx_stall, MS(301));
	assert_int_equal(s->dir[A].retx_stall_max, MS(300));
	tr_free(&tr);
}

/* ---- silent peer --------------------------------------------------------- */

/* A lease-break notification (448 bytes) retried four times to a client that
 * never answers, until the capture ends: retransmissions to a silent peer,
 * not network loss the ACKs would show. */
static void test_retransmissions_to_silent_peer(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), B, E1, D1 + 100, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), A, D1 + 100, E1 + 100, WIN), 0);
	const nd_ns at[] = {MS(100), MS(300), MS(700), MS(1500), MS(3100)};
	assert_flags(tr_data(&tr, T0 + at[0], B, E1 + 100, D1 + 100, 448), 0);
	for (int i = 1; i < 5; i++)
		assert_flags(tr_data(&tr, T0 + at[i], B, E1 + 100, D1 + 100, 448), RETX);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_counts *c = &s->dir[B].an;
	assert_int_equal(c->retransmission, 4);
	assert_int_equal(c->retransmitted_unacked, 4);
	assert_int_equal(nd_tcp_real_retransmissions(c), 4);
	assert_int_equal(c->real_retransmitted_bytes, 4 * 448);
	assert_int_equal(s->dir[B].retx_stall, MS(3000));
	assert_int_equal(s->dir[A].an.retransmitted_unacked, 0);
	assert_int_equal(nd_tcp_get_totals(tr.t)->an.retransmitted_unacked, 4);
	tr_free(&tr);
}

/* More retransmissions than the ring holds: the ones that left it still
 * count while unacknowledged, and stop counting once the peer ACKs them. */
static void silent_peer_retries(int retries, bool acked_at_end, uint64_t want)
{
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	for (int i = 1; i <= retries; i++)
		assert_flags(tr_data(&tr, T0 + MS(20) + i * MS(200), A, D1, E1, 100), RETX);
	if (acked_at_end)
		tr_ack(&tr, T0 + MS(20) + (retries + 1) * MS(200), B, E1, D1 + 100, WIN);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.retransmission, retries);
	assert_int_equal(s->dir[A].an.retransmitted_unacked, want);
	assert_int_equal(s->dir[A].retx_stalls, retries);
	tr_free(&tr);
}

static void test_silent_peer_beyond_ring(void **state)
{
	(void)state;
	silent_peer_retries(20, false, 20);
	silent_peer_retries(20, true, 0);
}

/* ---- RTT ----------------------------------------------------------------- */

/* Strict Karn: segment 1 is lost, 2..4 arrive, the RTO retransmission 1.8 s
 * later fills the hole. The ACK ends exactly at segment 4, which was sent
 * once, but it acknowledges retransmitted data too: no sample (the old rule
 * took 1.8 s here). A clean segment afterwards gives a sample again. */
static void test_strict_karn_after_hole_fill(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(1));
	for (uint32_t i = 0; i < 4; i++)
		tr_data(&tr, T0 + MS(10) + i * US(10), A, D1 + i * 100, E1, 100);
	const uint32_t sack[] = {D1 + 100, D1 + 400};
	sack_ack(&tr, T0 + MS(11), B, E1, D1, 1, sack);
	assert_flags(tr_data(&tr, T0 + MS(1810), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(1811), B, E1, D1 + 400, WIN), 0);
	assert_int_equal(tr_live(&tr)->dir[A].rtt_samples, 1); /* the SYN's */
	assert_flags(tr_data(&tr, T0 + MS(1900), A, D1 + 400, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(1901), B, E1, D1 + 500, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].rtt_samples, 2);
	assert_int_equal(s->dir[A].rtt_max, MS(1));
	assert_int_equal(s->rtt_max, MS(1));
	tr_free(&tr);
}

/* Percentiles, per direction and per flow. iRTT 10 ms: the SYN's sample is
 * 5 ms (A), the SYN/ACK's 5 ms (B), the handshake 10 ms (flow). Seven
 * segments of A take 1 ms each. A percentile is the upper edge of its
 * bucket (1 ms -> 1.023 ms, 5 ms -> 5.119 ms), clamped to min and max. */
static void test_rtt_percentiles_with_handshake(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	for (uint32_t i = 0; i < 7; i++) {
		nd_ns t = T0 + MS(20) + i * MS(10);
		tr_data(&tr, t, A, D1 + i * 100, E1, 100);
		tr_ack(&tr, t + MS(1), B, E1, D1 + (i + 1) * 100, WIN);
	}
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	const struct nd_tcp_dir_summary *a = &s->dir[A], *b = &s->dir[B];
	assert_int_equal(a->rtt_samples, 8);
	assert_int_equal(a->rtt_min, MS(1));
	assert_int_equal(a->rtt_p50, US(1023));
	assert_int_equal(a->rtt_p90, MS(5)); /* bucket edge 5.119 ms, clamped to max */
	assert_int_equal(a->rtt_max, MS(5));
	assert_int_equal(b->rtt_samples, 1);
	assert_int_equal(b->rtt_p50, MS(5));
	assert_int_equal(b->rtt_p90, MS(5));
	/* flow: 1 ms x 7, 5 ms x 2, 10 ms x 1 */
	assert_int_equal(s->rtt_samples, 10);
	assert_int_equal(s->rtt_min, MS(1));
	assert_int_equal(s->rtt_p50, US(1023));
	assert_int_equal(s->rtt_p90, US(5119));
	assert_int_equal(s->rtt_max, MS(10));
	tr_free(&tr);
}

/* A retransmitted SYN makes the handshake ambiguous (Karn): no handshake
 * sample and no SYN sample; the SYN/ACK's still counts. */
static void test_rtt_no_handshake_sample_after_syn_retransmission(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	assert_flags(tr_send(&tr, T0, A, ND_TCP_SYN, ISN_A, 0, WIN, 0), 0);
	assert_flags(tr_send(&tr, T0 + MS(1000), A, ND_TCP_SYN, ISN_A, 0, WIN, 0), RETX);
	tr_send(&tr, T0 + MS(1005), B, ND_TCP_SYN | ND_TCP_ACK, ISN_B, D1, WIN, 0);
	tr_ack(&tr, T0 + MS(1010), A, D1, E1, WIN);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->irtt, MS(10));
	assert_int_equal(s->dir[A].rtt_samples, 0);
	assert_int_equal(s->dir[B].rtt_samples, 1);
	assert_int_equal(s->rtt_samples, 1);
	assert_int_equal(s->rtt_max, MS(5));
	/* the SYN retransmission waited 1 s for a SYN/ACK */
	assert_int_equal(s->dir[A].retx_stall, MS(1000));
	tr_free(&tr);
}

/* Without any sample every RTT figure stays 0 (the JSON shows null). */
static void test_rtt_without_samples(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	assert_flags(tr_data(&tr, T0, A, D1, E1, 100), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->rtt_samples, 0);
	assert_int_equal(s->rtt_p50, 0);
	assert_int_equal(s->dir[A].rtt_samples, 0);
	assert_int_equal(s->dir[A].rtt_p90, 0);
	tr_free(&tr);
}

/* ---- zero window --------------------------------------------------------- */

/* Closed 100 ms, open, closed again until the flow's last packet (1 s
 * later): 1.1 s in all, the longest 1 s. */
static void test_zero_window_until_end_and_max(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, 0), ZW);
	assert_flags(tr_ack(&tr, T0 + MS(130), B, E1, D1 + 100, WIN), WUPD);
	assert_flags(tr_data(&tr, T0 + MS(140), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(200), B, E1, D1 + 200, 0), ZW);
	assert_flags(tr_data(&tr, T0 + MS(700), A, D1 + 200, E1, 1), ZWP);
	assert_flags(tr_data(&tr, T0 + MS(1200), A, D1 + 200, E1, 1), ZWP);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->zero_window_time[B], MS(1100));
	assert_int_equal(s->zero_window_max[B], MS(1000));
	assert_int_equal(s->zero_window_time[A], 0);
	assert_int_equal(s->zero_window_max[A], 0);
	tr_free(&tr);
}

/* A FIN with an open window ends the stall; a RST's window does not count
 * either way. */
static void test_zero_window_ended_by_fin_not_rst(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, 0), ZW);
	tr_send(&tr, T0 + MS(80), B, ND_TCP_FIN | ND_TCP_ACK, E1, D1 + 100, WIN, 0);
	tr_send(&tr, T0 + MS(90), A, ND_TCP_ACK, D1 + 100, E1 + 1, WIN, 0);
	tr_send(&tr, T0 + MS(95), A, ND_TCP_RST, D1 + 100, 0, 0, 0);
	tr_send(&tr, T0 + MS(500), A, ND_TCP_RST, D1 + 100, 0, 0, 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->zero_window_time[B], MS(50));
	assert_int_equal(s->zero_window_max[B], MS(50));
	assert_int_equal(s->zero_window_time[A], 0);
	tr_free(&tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dsack_rto_retransmission_is_spurious),
	        cmocka_unit_test(test_dsack_inside_second_block),
	        cmocka_unit_test(test_dsack_of_wireshark_spurious_counted_once),
	        cmocka_unit_test(test_dsack_split_and_duplicate_frame),
	        cmocka_unit_test(test_dsack_one_block_one_retransmission),
	        cmocka_unit_test(test_sack_blocks_that_are_not_dsack),
	        cmocka_unit_test(test_real_loss),
	        cmocka_unit_test(test_retx_stall_repeated_and_separate),
	        cmocka_unit_test(test_retx_stall_parallel_losses),
	        cmocka_unit_test(test_retransmissions_to_silent_peer),
	        cmocka_unit_test(test_silent_peer_beyond_ring),
	        cmocka_unit_test(test_strict_karn_after_hole_fill),
	        cmocka_unit_test(test_rtt_percentiles_with_handshake),
	        cmocka_unit_test(test_rtt_no_handshake_sample_after_syn_retransmission),
	        cmocka_unit_test(test_rtt_without_samples),
	        cmocka_unit_test(test_zero_window_until_end_and_max),
	        cmocka_unit_test(test_zero_window_ended_by_fin_not_rst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
