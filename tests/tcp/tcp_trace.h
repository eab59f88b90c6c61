/* SPDX-License-Identifier: MIT */
/* Test helper for the tcp suite: builds tiny TCP traces as struct nd_decoded
 * segments and feeds them through the public flow-table API
 * (nd_tcp_process / nd_tcp_finish / nd_tcp_report_flows). Include after
 * <cmocka.h>.
 *
 * Endpoints: A = 10.0.0.1:1000 (client, direction 0) and B = 10.0.0.2:445
 * (server, direction 1), or 2001:db8::1 / ::2 for IPv6. ISNs are 1000 (A)
 * and 5000 (B), so A's data starts at 1001 and B's at 5001.
 *
 * tr_send() returns the Wireshark flags the segment got, read as the
 * increments of its direction's counters in the live flow summary; this is
 * what tshark shows per frame. */
#ifndef ND_TEST_TCP_TRACE_H
#define ND_TEST_TCP_TRACE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcp.h"

#define A     0
#define B     1
#define MS(x) ((nd_ns)(x)*ND_NS_PER_MS)
#define US(x) ((nd_ns)(x)*ND_NS_PER_US)
/* A realistic, non-zero capture start: 2023-11-14T22:13:20Z. */
#define T0 ((nd_ns)1700000000 * ND_NS_PER_SEC)

#define ISN_A 1000u
#define ISN_B 5000u
#define WIN   65535u

/* One bit per counter of struct nd_tcp_counts. */
enum tr_flag {
	LOST = 1u << 0,
	ACKLOST = 1u << 1,
	RETX = 1u << 2,
	FAST = 1u << 3,
	SPUR = 1u << 4,
	OOO = 1u << 5,
	DUPACK = 1u << 6,
	ZW = 1u << 7,
	ZWP = 1u << 8,
	ZWPACK = 1u << 9,
	WFULL = 1u << 10,
	WUPD = 1u << 11,
	KA = 1u << 12,
	KAACK = 1u << 13,
	OVERSIZED = 1u << 14,
};

static const char *const tr_flag_names[] = {
        "lost_segment",
        "ack_lost_segment",
        "retransmission",
        "fast_retransmission",
        "spurious_retransmission",
        "out_of_order",
        "duplicate_ack",
        "zero_window",
        "zero_window_probe",
        "zero_window_probe_ack",
        "window_full",
        "window_update",
        "keep_alive",
        "keep_alive_ack",
        "oversized_segment",
};

static inline uint32_t tr_counts_mask(const struct nd_tcp_counts *before,
                                      const struct nd_tcp_counts *after)
{
	uint32_t m = 0;
#define TR_BIT(field, bit)                                                                         \
	do {                                                                                       \
		if (after->field != before->field)                                                 \
			m |= (bit);                                                                \
	} while (0)
	TR_BIT(lost_segment, LOST);
	TR_BIT(ack_lost_segment, ACKLOST);
	TR_BIT(retransmission, RETX);
	TR_BIT(fast_retransmission, FAST);
	TR_BIT(spurious_retransmission, SPUR);
	TR_BIT(out_of_order, OOO);
	TR_BIT(duplicate_ack, DUPACK);
	TR_BIT(zero_window, ZW);
	TR_BIT(zero_window_probe, ZWP);
	TR_BIT(zero_window_probe_ack, ZWPACK);
	TR_BIT(window_full, WFULL);
	TR_BIT(window_update, WUPD);
	TR_BIT(keep_alive, KA);
	TR_BIT(keep_alive_ack, KAACK);
	TR_BIT(oversized_segment, OVERSIZED);
#undef TR_BIT
	return m;
}

static inline void tr_flags_text(uint32_t m, char *buf, size_t len)
{
	buf[0] = '\0';
	size_t used = 0;
	for (unsigned i = 0; i < sizeof(tr_flag_names) / sizeof(tr_flag_names[0]); i++)
		if (m & (1u << i)) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? "+" : "",
			                 tr_flag_names[i]);
			if (n < 0 || (size_t)n >= len - used)
				return;
			used += (size_t)n;
		}
	if (!used)
		snprintf(buf, len, "(none)");
}

#define assert_flags(got, want) tr_assert_flags((got), (want), __FILE__, __LINE__)
static inline void tr_assert_flags(uint32_t got, uint32_t want, const char *file, int line)
{
	if (got == want)
		return;
	char g[256], w[256];
	tr_flags_text(got, g, sizeof(g));
	tr_flags_text(want, w, sizeof(w));
	print_error("%s:%d: segment flags: got %s, want %s\n", file, line, g, w);
	_fail(file, line);
}

struct trace {
	struct nd_tcp_config cfg;
	struct nd_tcp_table *t;
	int ipv;
	uint8_t addr[2][16];
	uint16_t port[2];
	uint16_t ipid[2];
	uint64_t frame;
	struct nd_tcp_flow *flow; /* of the last segment */
	int dir;                  /* of the last segment */
};

static uint8_t tr_payload[65536];

static inline void tr_init_cfg(struct trace *tr, int ipv, const struct nd_tcp_config *cfg)
{
	memset(tr, 0, sizeof(*tr));
	if (cfg)
		tr->cfg = *cfg;
	/* A small pool: the default 65536 slots are ~0.5 GB of address space,
	 * which MALLOC_PERTURB_ (set by meson test) writes on every free. */
	if (!tr->cfg.max_flows)
		tr->cfg.max_flows = 64;
	tr->ipv = ipv;
	if (ipv == 4) {
		const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
		memcpy(tr->addr[A], a, 4);
		memcpy(tr->addr[B], b, 4);
	} else {
		const uint8_t p[4] = {0x20, 0x01, 0x0d, 0xb8};
		memcpy(tr->addr[A], p, 4);
		memcpy(tr->addr[B], p, 4);
		tr->addr[A][15] = 1;
		tr->addr[B][15] = 2;
	}
	tr->port[A] = 1000;
	tr->port[B] = 445;
	tr->ipid[A] = 100;
	tr->ipid[B] = 7000;
	tr->t = nd_tcp_table_new(&tr->cfg);
	assert_non_null(tr->t);
}

static inline void tr_init(struct trace *tr)
{
	tr_init_cfg(tr, 4, NULL);
}

static inline void tr_free(struct trace *tr)
{
	nd_tcp_table_free(tr->t);
	tr->t = NULL;
}

/* A segment from `from`; the IP id increases per direction, so no two
 * segments are exact duplicates unless a test reuses one. */
static inline struct nd_decoded tr_seg(struct trace *tr, int from, uint8_t flags, uint32_t seq,
                                       uint32_t ack, uint32_t win, uint32_t len)
{
	struct nd_decoded d;
	memset(&d, 0, sizeof(d));
	assert_true(len <= sizeof(tr_payload));
	d.l3_offset = 14;
	d.ip_version = (uint8_t)tr->ipv;
	d.ip_proto = 6;
	memcpy(d.src, tr->addr[from], 16);
	memcpy(d.dst, tr->addr[!from], 16);
	d.ip_id = tr->ipid[from]++;
	d.ttl = 64;
	d.ip_payload_len = 20 + len;
	d.sport = tr->port[from];
	d.dport = tr->port[!from];
	d.seq = seq;
	d.ack = ack;
	d.flags = flags;
	d.window = (uint16_t)win;
	d.tcp_hdr_len = 20;
	d.seglen = len;
	d.payload_caplen = len;
	d.payload = tr_payload;
	return d;
}

/* Feeds d at ts; checks it lands in direction `from` and returns its flags. */
static inline uint32_t tr_feed(struct trace *tr, const struct nd_decoded *d, int from, nd_ns ts)
{
	struct nd_tcp_counts before;
	memset(&before, 0, sizeof(before));
	/* Every test trace has one 4-tuple: the flow of the last segment. */
	uint64_t prev_id = UINT64_MAX;
	if (tr->flow) {
		before = nd_tcp_flow_summary(tr->flow)->dir[from].an;
		prev_id = nd_tcp_flow_summary(tr->flow)->id;
	}
	int dir = -1;
	struct nd_tcp_flow *f = nd_tcp_process(tr->t, d, ts, 0, ++tr->frame, &dir);
	assert_non_null(f);
	assert_int_equal(dir, from);
	if (nd_tcp_flow_summary(f)->id != prev_id)
		memset(&before, 0, sizeof(before)); /* a new flow (port reuse) */
	tr->flow = f;
	tr->dir = dir;
	return tr_counts_mask(&before, &nd_tcp_flow_summary(f)->dir[from].an);
}

static inline uint32_t tr_send(struct trace *tr, nd_ns ts, int from, uint8_t flags, uint32_t seq,
                               uint32_t ack, uint32_t win, uint32_t len)
{
	struct nd_decoded d = tr_seg(tr, from, flags, seq, ack, win, len);
	return tr_feed(tr, &d, from, ts);
}

/* Data (ACK|PSH) and pure ACKs, the common cases. */
static inline uint32_t tr_data(struct trace *tr, nd_ns ts, int from, uint32_t seq, uint32_t ack,
                               uint32_t len)
{
	return tr_send(tr, ts, from, ND_TCP_ACK | ND_TCP_PSH, seq, ack, WIN, len);
}

static inline uint32_t tr_ack(struct trace *tr, nd_ns ts, int from, uint32_t seq, uint32_t ack,
                              uint32_t win)
{
	return tr_send(tr, ts, from, ND_TCP_ACK, seq, ack, win, 0);
}

/* Three-way handshake starting at t0: SYN at t0, SYN/ACK at t0 + irtt/2,
 * ACK at t0 + irtt (so the iRTT is irtt). wscale < 0 leaves the option
 * out; mss 0 leaves the MSS option out. No segment gets a flag. */
static inline void tr_handshake_opts(struct trace *tr, nd_ns t0, nd_ns irtt, uint32_t win_a,
                                     uint32_t win_b, int ws_a, int ws_b, uint16_t mss)
{
	struct nd_decoded syn = tr_seg(tr, A, ND_TCP_SYN, ISN_A, 0, win_a, 0);
	syn.opt.has_mss = mss != 0;
	syn.opt.mss = mss;
	syn.opt.has_wscale = ws_a >= 0;
	syn.opt.wscale = (uint8_t)(ws_a >= 0 ? ws_a : 0);
	syn.opt.sack_permitted = true;
	assert_flags(tr_feed(tr, &syn, A, t0), 0);
	struct nd_decoded sa = tr_seg(tr, B, ND_TCP_SYN | ND_TCP_ACK, ISN_B, ISN_A + 1, win_b, 0);
	sa.opt.has_mss = mss != 0;
	sa.opt.mss = mss;
	sa.opt.has_wscale = ws_b >= 0;
	sa.opt.wscale = (uint8_t)(ws_b >= 0 ? ws_b : 0);
	sa.opt.sack_permitted = true;
	assert_flags(tr_feed(tr, &sa, B, t0 + irtt / 2), 0);
	assert_flags(tr_ack(tr, t0 + irtt, A, ISN_A + 1, ISN_B + 1, win_a), 0);
	assert_int_equal(nd_tcp_flow_summary(tr->flow)->irtt, irtt);
}

/* The default: MSS 1460 both ways, no window scaling, 64 KiB windows. */
static inline void tr_handshake(struct trace *tr, nd_ns t0, nd_ns irtt)
{
	tr_handshake_opts(tr, t0, irtt, WIN, WIN, -1, -1, 1460);
}

static inline const struct nd_tcp_flow_summary *tr_live(const struct trace *tr)
{
	return nd_tcp_flow_summary(tr->flow);
}

/* Ends the trace; returns the only flow of the report. */
static inline const struct nd_tcp_flow_summary *tr_finish(struct trace *tr)
{
	nd_tcp_finish(tr->t);
	const struct nd_tcp_flow_summary *flows = NULL;
	size_t n = nd_tcp_report_flows(tr->t, &flows);
	assert_int_equal(n, 1);
	return &flows[0];
}

#endif
