/* SPDX-License-Identifier: MIT */
/* The TCP analysis rules, one tiny crafted trace per rule and per
 * evaluation-order interaction. The Wireshark-named cases reproduce the
 * micro-traces of the research note (§1.7: A=10.0.0.1:1000 -> B=:445, MSS-only
 * handshake, iRTT 10 ms) and expect the flags tshark 4.0.17 gives there; the
 * rest checks netdiag's own analysis (oversized segments, dup-ACK storms, gap
 * classification, capture artefacts, Karn RTT, retransmitted bytes,
 * zero-window time, RST aborts, port reuse). docs/tcp-analysis.md describes
 * every rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp_trace.h"

#define D1 (ISN_A + 1) /* A's first data byte */
#define E1 (ISN_B + 1) /* B's first data byte */

/* ---- duplicate ACKs ----------------------------------------------------- */

/* §1.7 dupack: two repeats are dup ACK #1 and #2; the same ACK with a new
 * window is a window update, not a dup ACK. */
static void test_dupack_then_window_update(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 100, WIN), 0);
	assert_flags(tr_ack(&tr, T0 + MS(22), B, E1, D1 + 100, WIN), DUPACK);
	assert_flags(tr_ack(&tr, T0 + MS(23), B, E1, D1 + 100, WIN), DUPACK);
	assert_flags(tr_ack(&tr, T0 + MS(24), B, E1, D1 + 100, 60000), WUPD);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[B].an.duplicate_ack, 2);
	assert_int_equal(s->dir[B].an.window_update, 1);
	assert_int_equal(s->dir[B].longest_dup_ack_run, 2);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 0);
	tr_free(&tr);
}

/* §1.7 dupack_after_fin: a pure ACK after a FIN/ACK with the same ACK number
 * is a dup ACK in Wireshark (FINs are not looked at). */
static void test_dupack_after_fin(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_send(&tr, T0 + MS(21), B, ND_TCP_FIN | ND_TCP_ACK, E1, D1 + 100, WIN, 0),
	             0);
	assert_flags(tr_ack(&tr, T0 + MS(22), B, E1 + 1, D1 + 100, WIN), DUPACK);
	tr_free(&tr);
}

/* Segments with data, or with a different ACK, window or position, are no
 * dup ACKs. */
static void test_dupack_negatives(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 100, WIN), 0);
	/* data with the same ACK */
	assert_flags(tr_data(&tr, T0 + MS(22), B, E1, D1 + 100, 10), 0);
	/* a pure ACK at the new nextseq with the same ACK is a dup ACK ... */
	assert_flags(tr_ack(&tr, T0 + MS(23), B, E1 + 10, D1 + 100, WIN), DUPACK);
	/* ... one at an old seq is not */
	assert_flags(tr_ack(&tr, T0 + MS(24), B, E1, D1 + 100, WIN), 0);
	/* a zero window repeated is not (zero_window each time) */
	assert_flags(tr_ack(&tr, T0 + MS(25), B, E1 + 10, D1 + 100, 0), ZW);
	assert_flags(tr_ack(&tr, T0 + MS(26), B, E1 + 10, D1 + 100, 0), ZW);
	tr_free(&tr);
}

/* ---- zero window ------------------------------------------------------- */

/* §1.7 zerowindow: zero_window; zero_window_probe; zero_window +
 * zero_window_probe_ack; window_update. Zero-window time is measured from
 * the first zero window to the reopening. */
static void test_zero_window_sequence(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 100, 0), ZW);
	assert_flags(tr_data(&tr, T0 + MS(221), A, D1 + 100, E1, 1), ZWP);
	assert_flags(tr_ack(&tr, T0 + MS(222), B, E1, D1 + 100, 0), ZW | ZWPACK);
	/* the probe did not advance nextseq: a second probe is a probe again */
	assert_flags(tr_data(&tr, T0 + MS(321), A, D1 + 100, E1, 1), ZWP);
	assert_flags(tr_ack(&tr, T0 + MS(322), B, E1, D1 + 100, 0), ZW | ZWPACK);
	assert_flags(tr_ack(&tr, T0 + MS(421), B, E1, D1 + 100, WIN), WUPD);
	/* the data after the window opened is ordinary */
	assert_flags(tr_data(&tr, T0 + MS(422), A, D1 + 100, E1, 100), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[B].an.zero_window, 3);
	assert_int_equal(s->dir[A].an.zero_window_probe, 2);
	assert_int_equal(s->dir[B].an.zero_window_probe_ack, 2);
	assert_int_equal(s->dir[B].an.window_update, 1);
	assert_int_equal(s->zero_window_time[B], MS(400));
	assert_int_equal(s->zero_window_time[A], 0);
	assert_int_equal(s->dir[A].an.retransmission, 0);
	tr_free(&tr);
}

/* A window still closed at the end of the capture counts until the flow's
 * last packet. */
static void test_zero_window_time_open_at_end(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, 0), ZW);
	assert_flags(tr_data(&tr, T0 + MS(230), A, D1 + 100, E1, 1), ZWP);
	assert_flags(tr_ack(&tr, T0 + MS(1030), B, E1, D1 + 100, 0), ZW | ZWPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->zero_window_time[B], MS(1000));
	tr_free(&tr);
}

/* Evaluation order: a zero-window probe skips every later forward rule
 * (goto finished_fwd), so a probe that itself carries a zero window is only
 * a probe; a probe ACK skips the dup-ACK rule. */
static void test_order_zero_window_probe_first(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 100, 0), ZW);
	assert_flags(tr_send(&tr, T0 + MS(221), A, ND_TCP_ACK, D1 + 100, E1, 0, 1), ZWP);
	uint32_t f = tr_ack(&tr, T0 + MS(222), B, E1, D1 + 100, 0);
	assert_flags(f, ZW | ZWPACK);
	assert_false(f & DUPACK);
	tr_free(&tr);
}

/* ---- keep-alive -------------------------------------------------------- */

static void keepalive_case(uint32_t len)
{
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 100, WIN), 0);
	/* seq = nextseq - 1; with 1 byte it would be a spurious retransmission:
	 * keep-alive overrides the whole retransmission family */
	uint32_t f = tr_send(&tr, T0 + MS(1000), A, ND_TCP_ACK, D1 + 99, E1, WIN, len);
	assert_flags(f, KA);
	/* the answer would be a dup ACK; it is a keep-alive ACK instead */
	assert_flags(tr_ack(&tr, T0 + MS(1001), B, E1, D1 + 100, WIN), KAACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.keep_alive, 1);
	assert_int_equal(s->dir[B].an.keep_alive_ack, 1);
	assert_int_equal(s->dir[A].an.retransmission, 0);
	assert_int_equal(s->dir[A].an.retransmitted_bytes, 0);
	assert_int_equal(s->dir[B].an.duplicate_ack, 0);
	tr_free(&tr);
}

/* §1.7 keepalive, len 0 */
static void test_keepalive_len0(void **state)
{
	(void)state;
	keepalive_case(0);
}

/* §1.7 keepalive, len 1; also: keep-alive overrides the retransmission
 * family (evaluation order). */
static void test_keepalive_len1_overrides_retransmission(void **state)
{
	(void)state;
	keepalive_case(1);
}

/* ---- window full ------------------------------------------------------- */

/* §1.7 windowfull: window 300, 100 + 200 bytes: window_full on the segment
 * that ends exactly at the right edge. */
static void test_window_full(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake_opts(&tr, T0, MS(10), WIN, 300, -1, -1, 1460);
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 200), WFULL);
	tr_free(&tr);
}

/* The test is equality with the edge: a segment that overshoots it is not
 * flagged. */
static void test_window_full_overshoot_not_flagged(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake_opts(&tr, T0, MS(10), WIN, 300, -1, -1, 1460);
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 250), 0);
	tr_free(&tr);
}

/* With window scaling negotiated (A shift 2, B shift 3), B's window 100
 * after its first pure ACK means 800 bytes: the unscaled edge is not the
 * edge, the scaled one is. */
static void test_window_full_scaled(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake_opts(&tr, T0, MS(10), WIN, WIN, 2, 3, 1460);
	assert_flags(tr_ack(&tr, T0 + MS(11), B, E1, D1, 100), WUPD);
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0); /* 1001 + 100: unscaled edge */
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 700), WFULL); /* 1001 + 100 << 3 */
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].wscale, 2);
	assert_int_equal(s->dir[B].wscale, 3);
	tr_free(&tr);
}

/* The SYN/ACK's window is never scaled (is_first_ack), even with scaling
 * negotiated: window 300 in the SYN/ACK is 300 bytes. Checked against
 * tshark 4.0.17 with a crafted pcap (window_full on the 200-byte segment). */
static void test_window_full_first_ack_unscaled(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake_opts(&tr, T0, MS(10), WIN, 300, 2, 3, 1460);
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 200), WFULL);
	tr_free(&tr);
}

/* Without a captured SYN the window scale is unknown and window_full never
 * fires, even at the exact edge. */
static void test_window_full_never_without_scale(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	assert_flags(tr_data(&tr, T0, A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(1), B, E1, D1 + 100, 300), 0);
	/* ends at B's ACK + window exactly */
	assert_flags(tr_data(&tr, T0 + MS(2), A, D1 + 100, E1, 300), 0);
	assert_flags(tr_ack(&tr, T0 + MS(3), B, E1, D1 + 400, 300), 0);
	assert_flags(tr_data(&tr, T0 + MS(4), A, D1 + 400, E1, 300), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.window_full, 0);
	assert_false(s->handshake_seen);
	tr_free(&tr);
}

/* ---- lost segments and gap classification ---------------------------- */

/* §1.7 lost: a hole is lost_segment, the ACK beyond it ack_lost_segment. As
 * no data ever fills the hole and the receiver ACKed it, netdiag calls it
 * capture loss. */
static void test_lost_then_acked_is_capture_loss(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20100), A, D1 + 200, E1, 100), LOST);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 300, WIN), ACKLOST);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].gaps, 1);
	assert_int_equal(s->loss[A].gaps_capture, 1);
	assert_int_equal(s->loss[A].gap_bytes_capture, 100);
	assert_int_equal(s->loss[A].gaps_retransmitted, 0);
	assert_int_equal(s->loss[A].gaps_reordered, 0);
	assert_int_equal(s->loss[A].gaps_unresolved, 0);
	assert_int_equal(s->dir[B].an.ack_lost_segment, 1);
	tr_free(&tr);
}

/* A hole nobody fills or ACKs stays unresolved. */
static void test_gap_unresolved(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 200, E1, 100), LOST);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].gaps, 1);
	assert_int_equal(s->loss[A].gaps_unresolved, 1);
	assert_int_equal(s->loss[A].gaps_capture, 0);
	tr_free(&tr);
}

/* A hole, then its data: out_of_order when it comes within the threshold
 * (iRTT, else 3 ms) of the segment that raised nextseq, else
 * retransmission. Returns the filling segment's flags. */
static uint32_t reorder_case(bool handshake, nd_ns delay, struct nd_tcp_loss *loss)
{
	struct trace tr;
	tr_init(&tr);
	if (handshake)
		tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20100), A, D1 + 200, E1, 100), LOST);
	uint32_t f = tr_data(&tr, T0 + US(20100) + delay, A, D1 + 100, E1, 100);
	*loss = tr_finish(&tr)->loss[A];
	tr_free(&tr);
	return f;
}

/* §1.7 ooo (0.8 ms, iRTT 10 ms) */
static void test_ooo_0_8ms(void **state)
{
	(void)state;
	struct nd_tcp_loss loss;
	assert_flags(reorder_case(true, US(800), &loss), OOO);
	assert_int_equal(loss.gaps, 1);
	assert_int_equal(loss.gaps_reordered, 1);
	assert_int_equal(loss.gaps_retransmitted, 0);
}

/* §1.7 ooo_5ms_irtt10 */
static void test_ooo_5ms_irtt10(void **state)
{
	(void)state;
	struct nd_tcp_loss loss;
	assert_flags(reorder_case(true, MS(5), &loss), OOO);
	assert_int_equal(loss.gaps_reordered, 1);
}

/* §1.7 ooo_5ms_no_handshake: the 3 ms default makes it a retransmission;
 * 2 ms is still out of order. */
static void test_ooo_no_handshake_3ms_default(void **state)
{
	(void)state;
	struct nd_tcp_loss loss;
	assert_flags(reorder_case(false, MS(5), &loss), RETX);
	assert_int_equal(loss.gaps_retransmitted, 1);
	assert_flags(reorder_case(false, MS(2), &loss), OOO);
	assert_int_equal(loss.gaps_reordered, 1);
}

/* §1.7 ooo_late: 50 ms is a retransmission; the hole is network loss. */
static void test_ooo_late_is_retransmission(void **state)
{
	(void)state;
	struct nd_tcp_loss loss;
	assert_flags(reorder_case(true, MS(50), &loss), RETX);
	assert_int_equal(loss.gaps, 1);
	assert_int_equal(loss.gaps_retransmitted, 1);
	assert_int_equal(loss.gaps_reordered, 0);
	assert_int_equal(loss.gaps_capture, 0);
}

/* ---- retransmission family ------------------------------------------- */

/* A hole after segment 1, segments 3 and 4, then B's ACK and `dups`
 * duplicate ACKs 1 ms apart from t_ack; the hole is resent `after` the last
 * of B's ACKs. Returns the resend's flags. */
static uint32_t fast_case(nd_ns irtt, nd_ns t_data, int dups, nd_ns after)
{
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, irtt);
	assert_flags(tr_data(&tr, T0 + t_data, A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + t_data + US(200), A, D1 + 200, E1, 100), LOST);
	assert_flags(tr_data(&tr, T0 + t_data + US(300), A, D1 + 300, E1, 100), 0);
	nd_ns t = T0 + t_data + MS(1);
	assert_flags(tr_ack(&tr, t, B, E1, D1 + 100, WIN), 0);
	for (int i = 0; i < dups; i++) {
		t += MS(1);
		assert_flags(tr_ack(&tr, t, B, E1, D1 + 100, WIN), DUPACK);
	}
	uint32_t f = tr_data(&tr, t + after, A, D1 + 100, E1, 100);
	tr_free(&tr);
	return f;
}

/* §1.7 fastretx: 2 dup ACKs, resend 5 ms later */
static void test_fast_retransmission(void **state)
{
	(void)state;
	assert_flags(fast_case(MS(10), MS(20), 2, MS(5)), RETX | FAST);
	/* three dup ACKs too */
	assert_flags(fast_case(MS(10), MS(20), 3, MS(5)), RETX | FAST);
}

/* Not fast 25 ms after the last dup ACK (20 ms window), nor after one dup
 * ACK only. */
static void test_fast_retransmission_limits(void **state)
{
	(void)state;
	assert_flags(fast_case(MS(10), MS(20), 2, MS(25)), RETX);
	assert_flags(fast_case(MS(10), MS(20), 2, MS(20)), RETX); /* < 20 ms, strictly */
	/* one dup ACK (and past the iRTT, so not out of order either) */
	assert_flags(fast_case(MS(10), MS(20), 1, MS(15)), RETX);
}

/* Evaluation order: fast retransmission before out-of-order (the
 * tcp.fastrt_supersedes_ooo default). With iRTT 100 ms the resend is also
 * within the out-of-order threshold; with 2 dup ACKs it is fast, with one
 * it is out of order. */
static void test_order_fast_before_ooo(void **state)
{
	(void)state;
	uint32_t f = fast_case(MS(100), MS(120), 2, MS(2));
	assert_flags(f, RETX | FAST);
	assert_false(f & OOO);
	assert_flags(fast_case(MS(100), MS(120), 1, MS(2)), OOO);
}

/* §1.7 spurious: a resend of data already ACKed */
static void test_spurious(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, WIN), 0);
	assert_flags(tr_data(&tr, T0 + MS(300), A, D1, E1, 100), RETX | SPUR);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.retransmission, 1);
	assert_int_equal(s->dir[A].an.spurious_retransmission, 1);
	assert_int_equal(s->dir[A].an.retransmitted_bytes, 100);
	tr_free(&tr);
}

/* Evaluation order: spurious before fast. After two dup ACKs of 1201 within
 * 20 ms, resending [1101,1201) (already ACKed) is spurious, not fast;
 * resending [1201,1301) in the same state is fast. (Fast needs seq ==
 * the peer's ACK, spurious needs seq + len <= it: for data they exclude
 * each other, and spurious is tested first.) */
static void test_order_spurious_before_fast(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20100), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20200), A, D1 + 200, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 200, WIN), 0);
	assert_flags(tr_ack(&tr, T0 + MS(31), B, E1, D1 + 200, WIN), DUPACK);
	assert_flags(tr_ack(&tr, T0 + MS(32), B, E1, D1 + 200, WIN), DUPACK);
	uint32_t f = tr_data(&tr, T0 + MS(33), A, D1 + 100, E1, 100);
	assert_flags(f, RETX | SPUR);
	assert_false(f & FAST);
	assert_flags(tr_data(&tr, T0 + MS(34), A, D1 + 200, E1, 100), RETX | FAST);
	tr_free(&tr);
}

/* Evaluation order: spurious before out-of-order. The hole's data arrives
 * within the iRTT (out-of-order conditions hold) but after an ACK that
 * covers it: spurious. */
static void test_order_spurious_before_ooo(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20100), A, D1 + 200, E1, 100), LOST);
	assert_flags(tr_ack(&tr, T0 + US(20500), B, E1, D1 + 200, WIN), ACKLOST);
	uint32_t f = tr_data(&tr, T0 + US(20900), A, D1 + 100, E1, 100);
	assert_flags(f, RETX | SPUR);
	assert_false(f & OOO);
	tr_free(&tr);
}

/* §1.7 rto: a resend of un-ACKed data 300 ms later is a plain
 * retransmission, all of it retransmitted bytes. */
static void test_rto_retransmission(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(330), B, E1, D1 + 100, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.retransmission, 1);
	assert_int_equal(s->dir[A].an.fast_retransmission, 0);
	assert_int_equal(s->dir[A].an.spurious_retransmission, 0);
	assert_int_equal(s->dir[A].an.retransmitted_bytes, 100);
	tr_free(&tr);
}

/* A SYN retransmitted with the same ISN: retransmission (tshark 4.0.17, no
 * reused_ports), same flow. */
static void test_syn_retransmission_same_flow(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	assert_flags(tr_send(&tr, T0, A, ND_TCP_SYN, ISN_A, 0, WIN, 0), 0);
	uint64_t id = tr_live(&tr)->id;
	assert_flags(tr_send(&tr, T0 + MS(1000), A, ND_TCP_SYN, ISN_A, 0, WIN, 0), RETX);
	assert_int_equal(tr_live(&tr)->id, id);
	nd_tcp_finish(tr.t);
	assert_int_equal(nd_tcp_get_totals(tr.t)->flows, 1);
	assert_int_equal(nd_tcp_get_totals(tr.t)->port_reuse, 0);
	tr_free(&tr);
}

/* ---- Karn-correct RTT --------------------------------------------------- */

/* §1.7 karn: the ACK after an RTO retransmission gives no RTT sample (tshark
 * would report 350 ms from the original); a clean segment gives an exact
 * one. No handshake, so no SYN sample either. */
static void test_karn_rtt(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	assert_flags(tr_data(&tr, T0, A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(300), A, D1, E1, 100), RETX);
	assert_flags(tr_ack(&tr, T0 + MS(350), B, E1, D1 + 100, WIN), 0);
	assert_int_equal(tr_live(&tr)->dir[A].rtt_samples, 0);
	assert_flags(tr_data(&tr, T0 + MS(400), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(412), B, E1, D1 + 200, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].rtt_samples, 1);
	assert_int_equal(s->dir[A].rtt_min, MS(12));
	assert_int_equal(s->dir[A].rtt_max, MS(12));
	assert_int_equal(s->dir[A].rtt_avg, MS(12));
	assert_int_equal(s->dir[B].rtt_samples, 0);
	assert_int_equal(nd_tcp_get_totals(tr.t)->rtt_samples, 1);
	tr_free(&tr);
}

/* The handshake gives one sample each way (SYN, SYN/ACK); a cumulative ACK
 * gives a sample only for the segment it ends exactly. */
static void test_rtt_handshake_and_cumulative(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10)); /* SYN->SYN/ACK 5 ms, SYN/ACK->ACK 5 ms */
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(51), B, E1, D1 + 200, WIN), 0); /* 30 ms for seg 2 */
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].rtt_samples, 2);
	assert_int_equal(s->dir[A].rtt_min, MS(5));
	assert_int_equal(s->dir[A].rtt_max, MS(30));
	assert_int_equal(s->dir[B].rtt_samples, 1);
	assert_int_equal(s->dir[B].rtt_min, MS(5));
	tr_free(&tr);
}

/* ---- capture artefacts ------------------------------------------------- */

/* §1.7 ack_before_data: the ACK of 1201 is captured before [1101,1201):
 * ack_lost_segment, then retransmission + spurious on the data; netdiag
 * counts it as ack_before_data (and not as a gap). */
static void test_ack_before_data(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 200, WIN), ACKLOST);
	assert_flags(tr_data(&tr, T0 + US(21500), A, D1 + 100, E1, 100), RETX | SPUR);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].ack_before_data, 1);
	assert_int_equal(s->loss[A].gaps, 0);
	assert_int_equal(s->dir[A].an.lost_segment, 0);
	tr_free(&tr);
}

/* The data must come within a second of the ACK to be called ACK-before-
 * data. */
static void test_ack_before_data_window(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 200, WIN), ACKLOST);
	assert_flags(tr_data(&tr, T0 + MS(2021), A, D1 + 100, E1, 100), RETX | SPUR);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].ack_before_data, 0);
	tr_free(&tr);
}

/* Regression test for a fixed bug (src/tcp/flow_analysis.c, ack_before_data()): a super-segment that
 * straddles the unseen ACK is not counted. smb3_multichannel.pcap frame 110
 * ACKs 40455 and frame 111, 2 us later, is [37535,52135): all 11 ACKed-unseen
 * segments of that capture are this capture-ordering artefact (research
 * note §0, §2.2), yet netdiag counts ack_before_data = 0 there because it
 * requires the segment to END at or below the ACK. Expected: counted.
 * */
static void test_ack_before_data_straddling_supersegment(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 1460), 0);
	/* B ACKs 2920 bytes more than captured ... */
	assert_flags(tr_ack(&tr, T0 + MS(21), B, E1, D1 + 4380, WIN), ACKLOST);
	/* ... then the 14600-byte super-segment that carries them arrives */
	assert_flags(tr_data(&tr, T0 + US(21002), A, D1 + 1460, E1, 14600), OVERSIZED);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].ack_before_data, 1);
	assert_int_equal(s->loss[A].gaps, 0);
	tr_free(&tr);
}

/* Regression test for a fixed bug (src/tcp/flow_analysis.c, gap_acked()/gap_data()): a hole whose data
 * is captured just after the ACK that covers it is classified as capture
 * loss the moment the ACK is seen, and stays so when the data arrives
 * 0.5 ms later (which is also counted as ack_before_data): the same bytes are
 * both "never captured" and "captured after their ACK", and capture.loss
 * fires on a capture that missed nothing. Expected: not capture loss.
 * */
static void test_gap_filled_after_its_ack_is_not_capture_loss(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 1000), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 2000, E1, 1000), LOST);
	assert_flags(tr_ack(&tr, T0 + MS(22), B, E1, D1 + 3000, WIN), ACKLOST);
	assert_flags(tr_data(&tr, T0 + US(22500), A, D1 + 1000, E1, 1000), RETX | SPUR);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].gaps, 1);
	assert_int_equal(s->loss[A].ack_before_data, 1);
	assert_int_equal(s->loss[A].gaps_capture, 0);
	assert_int_equal(s->loss[A].gap_bytes_capture, 0);
	tr_free(&tr);
}

/* Exact copies of a frame (same IP id, seq, ack, length, flags, window,
 * within 1 ms): Wireshark calls the copy a retransmission; netdiag counts
 * it as a duplicate frame. A resend 2 ms later is not a copy. */
static void test_exact_duplicate_frames(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	struct nd_decoded d = tr_seg(&tr, A, ND_TCP_ACK | ND_TCP_PSH, D1, E1, WIN, 100);
	assert_flags(tr_feed(&tr, &d, A, T0 + MS(20)), 0);
	assert_flags(tr_feed(&tr, &d, A, T0 + MS(20)), RETX);
	assert_int_equal(tr_live(&tr)->loss[A].duplicate_frames, 1);
	assert_flags(tr_feed(&tr, &d, A, T0 + MS(22)), RETX);
	/* a different IP id is a real resend */
	struct nd_decoded d2 = tr_seg(&tr, A, ND_TCP_ACK | ND_TCP_PSH, D1, E1, WIN, 100);
	assert_flags(tr_feed(&tr, &d2, A, T0 + US(22100)), RETX);
	/* duplicate pure ACKs too */
	struct nd_decoded k = tr_seg(&tr, B, ND_TCP_ACK, E1, D1 + 100, WIN, 0);
	assert_flags(tr_feed(&tr, &k, B, T0 + MS(30)), 0);
	assert_flags(tr_feed(&tr, &k, B, T0 + MS(30)), DUPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].duplicate_frames, 1);
	assert_int_equal(s->loss[B].duplicate_frames, 1);
	assert_int_equal(s->dir[A].an.retransmission, 3);
	tr_free(&tr);
}

/* Header-only segments (the snaplen cut the payload) are counted; sequence
 * analysis uses the wire length, so there is no lost segment. */
static void test_header_only(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	struct nd_decoded d = tr_seg(&tr, A, ND_TCP_ACK | ND_TCP_PSH, D1, E1, WIN, 1000);
	d.payload_caplen = 0;
	d.truncated = true;
	assert_flags(tr_feed(&tr, &d, A, T0 + MS(20)), 0);
	d = tr_seg(&tr, A, ND_TCP_ACK | ND_TCP_PSH, D1 + 1000, E1, WIN, 1000);
	d.payload_caplen = 54;
	assert_flags(tr_feed(&tr, &d, A, T0 + MS(21)), 0);
	assert_flags(tr_data(&tr, T0 + MS(22), A, D1 + 2000, E1, 1000), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 3000, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->loss[A].header_only, 2);
	assert_int_equal(s->dir[A].payload_bytes, 3000);
	assert_int_equal(s->dir[A].captured_bytes, 1054);
	assert_int_equal(s->dir[A].an.lost_segment, 0);
	assert_int_equal(s->loss[A].gaps, 0);
	tr_free(&tr);
}

/* ---- retransmitted bytes ----------------------------------------------- */

/* Only the overlap with data already sent counts: a resend of [1151,1251)
 * after [1001,1201) adds 50, a full resend of [1001,1101) adds 100, new
 * data adds nothing. */
static void test_retransmitted_bytes_overlap(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + US(20100), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, D1 + 150, E1, 100), RETX);
	assert_int_equal(tr_live(&tr)->dir[A].an.retransmitted_bytes, 50);
	assert_flags(tr_data(&tr, T0 + MS(330), A, D1, E1, 100), RETX);
	assert_flags(tr_data(&tr, T0 + MS(340), A, D1 + 250, E1, 100), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.retransmission, 2);
	assert_int_equal(s->dir[A].an.retransmitted_bytes, 150);
	assert_int_equal(s->dir[A].payload_bytes, 500);
	tr_free(&tr);
}

/* ---- the dup-ACK counter wrap (research note §1.6) --------------------- */

/* After an ACKed-unseen segment whose direction had no outstanding data,
 * Wireshark 4.0 sets its unsigned dup-ACK counter to -1; it wraps and makes
 * the next repeated FIN/ACK a "Fast Retransmission" (reassembly.pcap frames
 * 8, 10, 12). netdiag must not copy that: the repeats are plain
 * retransmissions. */
static void test_dupack_counter_wrap_not_copied(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	const uint8_t finack = ND_TCP_FIN | ND_TCP_ACK;
	/* B ACKs 100 bytes A never showed: ACKed unseen, A's counter -> -1 */
	assert_flags(tr_send(&tr, T0 + MS(21), B, finack, E1, D1 + 200, WIN, 0), ACKLOST);
	/* repeats within 20 ms of A's last ACK, seq == A's ACK: Wireshark 4.0
	 * says RETX | FAST here */
	assert_flags(tr_send(&tr, T0 + MS(25), B, finack, E1, D1 + 200, WIN, 0), RETX);
	assert_flags(tr_send(&tr, T0 + MS(29), B, finack, E1, D1 + 200, WIN, 0), RETX);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[B].an.retransmission, 2);
	assert_int_equal(s->dir[B].an.fast_retransmission, 0);
	assert_int_equal(s->dir[B].an.ack_lost_segment, 1);
	tr_free(&tr);
}

/* ---- oversized segments ------------------------------------------------ */

/* §1.7 supersegment: 5000 bytes with MSS 1460: no Wireshark flag, but
 * oversized. */
static void test_supersegment_with_handshake(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 1460), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), A, D1 + 1460, E1, 5000), OVERSIZED);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 6460, WIN), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[A].an.oversized_segment, 1);
	assert_int_equal(s->mss_used[A], 1460);
	assert_int_equal(s->dir[A].max_segment, 5000);
	assert_int_equal(s->oversized_first[A], T0 + MS(21));
	assert_int_equal(s->oversized_last[A], T0 + MS(21));
	tr_free(&tr);
}

/* The peer's MSS is the limit, not the sender's own. */
static void test_supersegment_peer_mss(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	struct nd_decoded syn = tr_seg(&tr, A, ND_TCP_SYN, ISN_A, 0, WIN, 0);
	syn.opt.has_mss = true;
	syn.opt.mss = 1452;
	assert_flags(tr_feed(&tr, &syn, A, T0), 0);
	struct nd_decoded sa = tr_seg(&tr, B, ND_TCP_SYN | ND_TCP_ACK, ISN_B, D1, WIN, 0);
	sa.opt.has_mss = true;
	sa.opt.mss = 1430;
	assert_flags(tr_feed(&tr, &sa, B, T0 + MS(5)), 0);
	assert_flags(tr_ack(&tr, T0 + MS(10), A, D1, E1, WIN), 0);
	/* B may send 1446 > its own MSS 1430, as in retransmit-fast009 */
	assert_flags(tr_data(&tr, T0 + MS(20), B, E1, D1, 1446), 0);
	assert_flags(tr_data(&tr, T0 + MS(21), B, E1 + 1446, D1, 1453), OVERSIZED);
	assert_flags(tr_data(&tr, T0 + MS(22), A, D1, E1 + 2899, 1430), 0);
	assert_flags(tr_data(&tr, T0 + MS(23), A, D1 + 1430, E1 + 2899, 1431), OVERSIZED);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->mss_used[B], 1452);
	assert_int_equal(s->mss_used[A], 1430);
	assert_int_equal(s->dir[A].mss, 1452);
	assert_int_equal(s->dir[B].mss, 1430);
	tr_free(&tr);
}

/* Without a handshake the MSS comes from the MTU: 1500 - 40 (IPv4) or
 * 1500 - 60 (IPv6); cfg.mtu changes it. */
static void mtu_case(int ipv, uint32_t mtu, uint32_t limit)
{
	struct nd_tcp_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mtu = mtu;
	struct trace tr;
	tr_init_cfg(&tr, ipv, &cfg);
	assert_flags(tr_data(&tr, T0, A, D1, E1, limit), 0);
	assert_int_equal(tr.dir, A);
	assert_flags(tr_data(&tr, T0 + MS(1), A, D1 + limit, E1, limit + 1), OVERSIZED);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->ip_version, ipv);
	assert_int_equal(s->mss_used[A], limit);
	assert_int_equal(s->dir[A].an.oversized_segment, 1);
	tr_free(&tr);
}

static void test_supersegment_mtu_derived(void **state)
{
	(void)state;
	mtu_case(4, 0, 1460);
	mtu_case(6, 0, 1440);
	mtu_case(4, 9000, 8960);
	mtu_case(6, 9000, 8940);
	/* and the 5000-byte segment of §1.7 is fine with jumbo frames */
	struct nd_tcp_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mtu = 9000;
	struct trace tr;
	tr_init_cfg(&tr, 4, &cfg);
	assert_flags(tr_data(&tr, T0, A, D1, E1, 5000), 0);
	tr_free(&tr);
}

/* ---- duplicate-ACK storms ---------------------------------------------- */

/* A hole after A's first segment, then `n` more segments from A, each
 * answered by a dup ACK from B 1 ms apart; then the hole is resent and B
 * ACKs everything. */
static const struct nd_tcp_flow_summary *storm_trace(struct trace *tr, int n, uint32_t threshold)
{
	struct nd_tcp_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.dup_ack_storm = threshold;
	tr_init_cfg(tr, 4, &cfg);
	tr_handshake(tr, T0, MS(10));
	assert_flags(tr_data(tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(tr, T0 + US(20500), B, E1, D1 + 100, WIN), 0);
	nd_ns t = T0 + MS(21);
	for (int i = 0; i < n; i++) {
		uint32_t want = i == 0 ? LOST : 0;
		assert_flags(tr_data(tr, t, A, D1 + 200 + 100 * (uint32_t)i, E1, 100), want);
		assert_flags(tr_ack(tr, t + US(500), B, E1, D1 + 100, WIN), DUPACK);
		t += MS(1);
	}
	uint32_t f = tr_data(tr, t, A, D1 + 100, E1, 100);
	assert_true(f & RETX);
	assert_flags(tr_ack(tr, t + MS(1), B, E1, D1 + 200 + 100 * (uint32_t)n, WIN), 0);
	return tr_finish(tr);
}

/* 12 dup ACKs in a row: one storm (threshold 10). */
static void test_dup_ack_storm_12(void **state)
{
	(void)state;
	struct trace tr;
	const struct nd_tcp_flow_summary *s = storm_trace(&tr, 12, 0);
	assert_int_equal(s->dir[B].an.duplicate_ack, 12);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 1);
	assert_int_equal(s->dir[B].longest_dup_ack_run, 12);
	assert_int_equal(s->dup_ack_storm_time[B], MS(11));
	assert_int_equal(s->dir[A].an.dup_ack_storm, 0);
	assert_int_equal(nd_tcp_get_totals(tr.t)->an.dup_ack_storm, 1);
	tr_free(&tr);
}

/* 9 in a row is below the threshold; exactly 10 is a storm. */
static void test_dup_ack_storm_threshold(void **state)
{
	(void)state;
	struct trace tr;
	const struct nd_tcp_flow_summary *s = storm_trace(&tr, 9, 0);
	assert_int_equal(s->dir[B].an.duplicate_ack, 9);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 0);
	assert_int_equal(s->dir[B].longest_dup_ack_run, 9);
	assert_int_equal(s->dup_ack_storm_time[B], 0);
	tr_free(&tr);
	s = storm_trace(&tr, 10, 0);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 1);
	tr_free(&tr);
}

/* cfg.dup_ack_storm sets the threshold. */
static void test_dup_ack_storm_configurable(void **state)
{
	(void)state;
	struct trace tr;
	const struct nd_tcp_flow_summary *s = storm_trace(&tr, 9, 5);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 1);
	tr_free(&tr);
	s = storm_trace(&tr, 12, 13);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 0);
	assert_int_equal(s->dir[B].longest_dup_ack_run, 12);
	tr_free(&tr);
}

/* A run still open at the end of the capture is closed when the flow is
 * retired; two runs separated by a new ACK are two storms. */
static void test_dup_ack_storm_runs(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	nd_ns t = T0 + MS(21);
	assert_flags(tr_ack(&tr, t, B, E1, D1 + 100, WIN), 0);
	for (int i = 0; i < 11; i++)
		assert_flags(tr_ack(&tr, t += MS(1), B, E1, D1 + 100, WIN), DUPACK);
	assert_flags(tr_data(&tr, t += MS(1), A, D1 + 100, E1, 100), 0);
	assert_flags(tr_ack(&tr, t += MS(1), B, E1, D1 + 200, WIN), 0);
	for (int i = 0; i < 10; i++)
		assert_flags(tr_ack(&tr, t += MS(1), B, E1, D1 + 200, WIN), DUPACK);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_int_equal(s->dir[B].an.dup_ack_storm, 2);
	assert_int_equal(s->dir[B].longest_dup_ack_run, 11);
	assert_int_equal(s->dup_ack_storm_time[B], MS(10) + MS(9));
	tr_free(&tr);
}

/* ---- RST aborts -------------------------------------------------------- */

static void test_rst_abort_with_outstanding_data(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_send(&tr, T0 + MS(21), B, ND_TCP_RST, E1, 0, 0, 0), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_true(s->rst_abort);
	assert_int_equal(s->end, ND_TCP_END_RST);
	assert_int_equal(s->dir[B].rst, 1);
	tr_free(&tr);
}

/* Not after a FIN exchange, even with the FIN still unacknowledged. */
static void test_rst_after_fin_is_not_abort(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_send(&tr, T0 + MS(21), A, ND_TCP_FIN | ND_TCP_ACK, D1 + 100, E1, WIN, 0),
	             0);
	assert_flags(tr_send(&tr, T0 + MS(22), B, ND_TCP_FIN | ND_TCP_ACK, E1, D1 + 100, WIN, 0),
	             0);
	assert_flags(tr_send(&tr, T0 + MS(23), B, ND_TCP_RST, E1 + 1, 0, 0, 0), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_false(s->rst_abort);
	assert_int_equal(s->end, ND_TCP_END_RST);
	tr_free(&tr);
}

/* Not when everything sent was acknowledged. */
static void test_rst_when_all_acked_is_not_abort(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_ack(&tr, T0 + MS(30), B, E1, D1 + 100, WIN), 0);
	assert_flags(tr_send(&tr, T0 + MS(40), A, ND_TCP_RST | ND_TCP_ACK, D1 + 100, E1, 0, 0), 0);
	const struct nd_tcp_flow_summary *s = tr_finish(&tr);
	assert_false(s->rst_abort);
	tr_free(&tr);
}

/* ---- port reuse -------------------------------------------------------- */

/* A new SYN with a new ISN on the same 4-tuple starts a new flow; the old
 * one is retired. */
static void test_port_reuse_new_isn(void **state)
{
	(void)state;
	struct trace tr;
	tr_init(&tr);
	tr_handshake(&tr, T0, MS(10));
	assert_flags(tr_data(&tr, T0 + MS(20), A, D1, E1, 100), 0);
	assert_flags(tr_send(&tr, T0 + MS(21), A, ND_TCP_RST | ND_TCP_ACK, D1 + 100, E1, 0, 0), 0);
	uint64_t first = tr_live(&tr)->id;
	assert_flags(tr_send(&tr, T0 + MS(1000), A, ND_TCP_SYN, 90000, 0, WIN, 0), 0);
	assert_int_not_equal(tr_live(&tr)->id, first);
	assert_true(tr_live(&tr)->handshake_seen);
	/* the new flow's analysis starts from scratch: data at 90001 is no
	 * lost segment even though it is far from the old nextseq */
	assert_flags(tr_send(&tr, T0 + MS(1005), B, ND_TCP_SYN | ND_TCP_ACK, 70000, 90001, WIN, 0),
	             0);
	assert_flags(tr_ack(&tr, T0 + MS(1010), A, 90001, 70001, WIN), 0);
	assert_flags(tr_data(&tr, T0 + MS(1011), A, 90001, 70001, 100), 0);
	nd_tcp_finish(tr.t);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(tr.t);
	assert_int_equal(tot->flows, 2);
	assert_int_equal(tot->port_reuse, 1);
	assert_int_equal(tot->an.retransmission, 0);
	assert_int_equal(tot->an.lost_segment, 0);
	const struct nd_tcp_flow_summary *flows;
	assert_int_equal(nd_tcp_report_flows(tr.t, &flows), 2);
	for (int i = 0; i < 2; i++) {
		if (flows[i].id == first)
			assert_int_equal(flows[i].end, ND_TCP_END_RST);
		else
			assert_int_equal(flows[i].end, ND_TCP_END_OPEN);
		assert_int_equal(flows[i].dir[A].payload_bytes, 100);
	}
	tr_free(&tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dupack_then_window_update),
	        cmocka_unit_test(test_dupack_after_fin),
	        cmocka_unit_test(test_dupack_negatives),
	        cmocka_unit_test(test_zero_window_sequence),
	        cmocka_unit_test(test_zero_window_time_open_at_end),
	        cmocka_unit_test(test_order_zero_window_probe_first),
	        cmocka_unit_test(test_keepalive_len0),
	        cmocka_unit_test(test_keepalive_len1_overrides_retransmission),
	        cmocka_unit_test(test_window_full),
	        cmocka_unit_test(test_window_full_overshoot_not_flagged),
	        cmocka_unit_test(test_window_full_scaled),
	        cmocka_unit_test(test_window_full_first_ack_unscaled),
	        cmocka_unit_test(test_window_full_never_without_scale),
	        cmocka_unit_test(test_lost_then_acked_is_capture_loss),
	        cmocka_unit_test(test_gap_unresolved),
	        cmocka_unit_test(test_ooo_0_8ms),
	        cmocka_unit_test(test_ooo_5ms_irtt10),
	        cmocka_unit_test(test_ooo_no_handshake_3ms_default),
	        cmocka_unit_test(test_ooo_late_is_retransmission),
	        cmocka_unit_test(test_fast_retransmission),
	        cmocka_unit_test(test_fast_retransmission_limits),
	        cmocka_unit_test(test_order_fast_before_ooo),
	        cmocka_unit_test(test_spurious),
	        cmocka_unit_test(test_order_spurious_before_fast),
	        cmocka_unit_test(test_order_spurious_before_ooo),
	        cmocka_unit_test(test_rto_retransmission),
	        cmocka_unit_test(test_syn_retransmission_same_flow),
	        cmocka_unit_test(test_karn_rtt),
	        cmocka_unit_test(test_rtt_handshake_and_cumulative),
	        cmocka_unit_test(test_ack_before_data),
	        cmocka_unit_test(test_ack_before_data_window),
	        cmocka_unit_test(test_ack_before_data_straddling_supersegment),
	        cmocka_unit_test(test_gap_filled_after_its_ack_is_not_capture_loss),
	        cmocka_unit_test(test_exact_duplicate_frames),
	        cmocka_unit_test(test_header_only),
	        cmocka_unit_test(test_retransmitted_bytes_overlap),
	        cmocka_unit_test(test_dupack_counter_wrap_not_copied),
	        cmocka_unit_test(test_supersegment_with_handshake),
	        cmocka_unit_test(test_supersegment_peer_mss),
	        cmocka_unit_test(test_supersegment_mtu_derived),
	        cmocka_unit_test(test_dup_ack_storm_12),
	        cmocka_unit_test(test_dup_ack_storm_threshold),
	        cmocka_unit_test(test_dup_ack_storm_configurable),
	        cmocka_unit_test(test_dup_ack_storm_runs),
	        cmocka_unit_test(test_rst_abort_with_outstanding_data),
	        cmocka_unit_test(test_rst_after_fin_is_not_abort),
	        cmocka_unit_test(test_rst_when_all_acked_is_not_abort),
	        cmocka_unit_test(test_port_reuse_new_isn),
	};
	return cmocka_run_group_tests_name("tcp_rules", tests, NULL, NULL);
}
