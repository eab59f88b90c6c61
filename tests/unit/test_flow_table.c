/* SPDX-License-Identifier: MIT */
/* Unit tests for the TCP flow table: direction and client choice, port
 * reuse, the bounded pool (LRU eviction), idle expiry and the bounded list
 * of notable flows. Segments are struct nd_decoded values filled directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tcp/tcp.h"

#define SEC ND_NS_PER_SEC

static const uint8_t payload_bytes[1500];

/* A host address: IPv4 10.0.hi.lo, or IPv6 2001:db8::hi:lo. */
struct host {
	int v;
	uint8_t a[16];
};

static struct host v4(uint8_t hi, uint8_t lo)
{
	struct host h = {.v = 4, .a = {10, 0, hi, lo}};
	return h;
}

static struct host v6(uint8_t hi, uint8_t lo)
{
	struct host h = {.v = 6,
	                 .a = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, hi, lo}};
	return h;
}

static struct nd_decoded seg(const struct host *src, uint16_t sport, const struct host *dst,
                             uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                             uint32_t len)
{
	struct nd_decoded d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(src->v, dst->v);
	assert_true(len <= sizeof(payload_bytes));
	d.l3_offset = 14;
	d.ip_version = (uint8_t)src->v;
	d.ip_proto = 6;
	memcpy(d.src, src->a, 16);
	memcpy(d.dst, dst->a, 16);
	d.ttl = 64;
	d.ip_payload_len = 20 + len;
	d.sport = sport;
	d.dport = dport;
	d.seq = seq;
	d.ack = ack;
	d.flags = flags;
	d.window = 65535;
	d.tcp_hdr_len = 20;
	d.seglen = len;
	d.payload_caplen = len;
	d.payload = payload_bytes;
	return d;
}

static struct nd_tcp_table *table(uint32_t max_flows, nd_ns idle, uint32_t report)
{
	struct nd_tcp_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_flows = max_flows;
	cfg.idle_timeout = idle;
	cfg.max_report_flows = report;
	struct nd_tcp_table *t = nd_tcp_table_new(&cfg);
	assert_non_null(t);
	return t;
}

/* Processes d and returns the flow's id; *dir gets the direction. */
static uint64_t feed(struct nd_tcp_table *t, const struct nd_decoded *d, nd_ns ts, int *dir)
{
	int dd = -7;
	struct nd_tcp_flow *f = nd_tcp_process(t, d, ts, 0, 1, &dd);
	assert_non_null(f);
	assert_true(dd == 0 || dd == 1);
	if (dir)
		*dir = dd;
	return nd_tcp_flow_summary(f)->id;
}

/* A data segment of a simple client->server flow (client port cport on host
 * c, server s:445), k-th of its kind so sequence numbers stay in order. */
static uint64_t feed_data(struct nd_tcp_table *t, const struct host *c, uint16_t cport,
                          const struct host *s, uint32_t k, uint32_t len, nd_ns ts)
{
	struct nd_decoded d =
	        seg(c, cport, s, 445, ND_TCP_ACK | ND_TCP_PSH, 1000 + k * len, 7000, len);
	int dir;
	uint64_t id = feed(t, &d, ts, &dir);
	assert_int_equal(dir, 0);
	return id;
}

static const struct nd_tcp_flow_summary *report_find(const struct nd_tcp_table *t, uint64_t id)
{
	const struct nd_tcp_flow_summary *fs;
	size_t n = nd_tcp_report_flows(t, &fs);
	for (size_t i = 0; i < n; i++)
		if (fs[i].id == id)
			return &fs[i];
	return NULL;
}

/* ---- directions ------------------------------------------------------- */

static void test_handshake_directions(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v4(0, 1), s = v4(0, 2);
	struct nd_decoded syn = seg(&c, 50000, &s, 445, ND_TCP_SYN, 1000, 0, 0);
	syn.opt.has_mss = true;
	syn.opt.mss = 1460;
	struct nd_decoded synack = seg(&s, 445, &c, 50000, ND_TCP_SYN | ND_TCP_ACK, 5000, 1001, 0);
	struct nd_decoded ack = seg(&c, 50000, &s, 445, ND_TCP_ACK, 1001, 5001, 0);
	struct nd_decoded data = seg(&c, 50000, &s, 445, ND_TCP_ACK | ND_TCP_PSH, 1001, 5001, 100);
	struct nd_decoded reply = seg(&s, 445, &c, 50000, ND_TCP_ACK | ND_TCP_PSH, 5001, 1101, 40);

	int dir;
	struct nd_tcp_flow *f = nd_tcp_process(t, &syn, 10 * SEC, 3, 17, &dir);
	assert_non_null(f);
	assert_int_equal(dir, 0);
	assert_ptr_equal(nd_tcp_process(t, &synack, 11 * SEC, 3, 18, &dir), f);
	assert_int_equal(dir, 1);
	assert_ptr_equal(nd_tcp_process(t, &ack, 12 * SEC, 3, 19, &dir), f);
	assert_int_equal(dir, 0);
	assert_ptr_equal(nd_tcp_process(t, &data, 13 * SEC, 3, 20, &dir), f);
	assert_int_equal(dir, 0);
	assert_ptr_equal(nd_tcp_process(t, &reply, 14 * SEC, 3, 21, &dir), f);
	assert_int_equal(dir, 1);

	const struct nd_tcp_flow_summary *sm = nd_tcp_flow_summary(f);
	assert_int_equal(sm->id, 0);
	assert_int_equal(sm->ip_version, 4);
	assert_memory_equal(sm->addr[0], c.a, 16);
	assert_memory_equal(sm->addr[1], s.a, 16);
	assert_int_equal(sm->port[0], 50000);
	assert_int_equal(sm->port[1], 445);
	assert_true(sm->handshake_seen);
	assert_int_equal(sm->first_ts, 10 * SEC);
	assert_int_equal(sm->last_ts, 14 * SEC);
	assert_int_equal(sm->first_file, 3);
	assert_int_equal(sm->first_frame, 17);
	assert_int_equal(sm->dir[0].packets, 3);
	assert_int_equal(sm->dir[1].packets, 2);
	assert_int_equal(sm->dir[0].payload_bytes, 100);
	assert_int_equal(sm->dir[1].payload_bytes, 40);
	assert_int_equal(sm->dir[0].syn, 1);
	assert_int_equal(sm->dir[1].syn, 1);
	assert_int_equal(sm->dir[0].mss, 1460);

	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->flows, 1);
	assert_int_equal(tot->segments, 5);
	assert_int_equal(tot->payload_bytes, 140);
	assert_int_equal(tot->flows_active_max, 1);
	nd_tcp_table_free(t);
}

static void test_syn_sender_is_client_whatever_the_ports(void **state)
{
	(void)state;
	/* The SYN comes from port 445 towards a high port: the SYN sender is
	 * the client all the same. */
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host a = v4(1, 1), b = v4(1, 2);
	struct nd_decoded syn = seg(&a, 445, &b, 60000, ND_TCP_SYN, 1, 0, 0);
	struct nd_decoded synack = seg(&b, 60000, &a, 445, ND_TCP_SYN | ND_TCP_ACK, 9, 2, 0);
	int dir;
	struct nd_tcp_flow *f = nd_tcp_process(t, &syn, SEC, 0, 1, &dir);
	assert_int_equal(dir, 0);
	assert_ptr_equal(nd_tcp_process(t, &synack, SEC, 0, 2, &dir), f);
	assert_int_equal(dir, 1);
	const struct nd_tcp_flow_summary *sm = nd_tcp_flow_summary(f);
	assert_int_equal(sm->port[0], 445);
	assert_int_equal(sm->port[1], 60000);
	assert_memory_equal(sm->addr[0], a.a, 16);
	nd_tcp_table_free(t);
}

static void test_synack_first_makes_sender_server(void **state)
{
	(void)state;
	/* The SYN was not captured: the SYN-ACK's sender is the server. */
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v4(2, 1), s = v4(2, 2);
	struct nd_decoded synack = seg(&s, 8080, &c, 40000, ND_TCP_SYN | ND_TCP_ACK, 9, 2, 0);
	struct nd_decoded ack = seg(&c, 40000, &s, 8080, ND_TCP_ACK, 2, 10, 0);
	int dir;
	struct nd_tcp_flow *f = nd_tcp_process(t, &synack, SEC, 0, 1, &dir);
	assert_int_equal(dir, 1);
	assert_ptr_equal(nd_tcp_process(t, &ack, SEC, 0, 2, &dir), f);
	assert_int_equal(dir, 0);
	const struct nd_tcp_flow_summary *sm = nd_tcp_flow_summary(f);
	assert_int_equal(sm->port[0], 40000);
	assert_int_equal(sm->port[1], 8080);
	assert_memory_equal(sm->addr[0], c.a, 16);
	assert_memory_equal(sm->addr[1], s.a, 16);
	assert_false(sm->handshake_seen);
	nd_tcp_table_free(t);
}

static void test_no_syn_well_known_port_is_server(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v4(3, 1), s = v4(3, 2);
	/* First packet seen: from the server (port 445) to the client. */
	struct nd_decoded from_srv = seg(&s, 445, &c, 51000, ND_TCP_ACK | ND_TCP_PSH, 1, 1, 100);
	struct nd_decoded from_cli = seg(&c, 51000, &s, 445, ND_TCP_ACK, 1, 101, 0);
	int dir;
	struct nd_tcp_flow *f = nd_tcp_process(t, &from_srv, SEC, 0, 1, &dir);
	assert_int_equal(dir, 1);
	assert_ptr_equal(nd_tcp_process(t, &from_cli, SEC, 0, 2, &dir), f);
	assert_int_equal(dir, 0);
	const struct nd_tcp_flow_summary *sm = nd_tcp_flow_summary(f);
	assert_int_equal(sm->port[0], 51000);
	assert_int_equal(sm->port[1], 445);
	assert_memory_equal(sm->addr[0], c.a, 16);
	assert_int_equal(sm->dir[1].payload_bytes, 100);
	assert_false(sm->handshake_seen);

	/* Both ports high: the first sender is taken as the client. */
	struct nd_decoded hi = seg(&s, 40001, &c, 40002, ND_TCP_ACK, 1, 1, 10);
	f = nd_tcp_process(t, &hi, SEC, 0, 3, &dir);
	assert_int_equal(dir, 0);
	assert_int_equal(nd_tcp_flow_summary(f)->port[0], 40001);
	assert_memory_equal(nd_tcp_flow_summary(f)->addr[0], s.a, 16);
	nd_tcp_table_free(t);
}

static void test_distinct_tuples_distinct_flows(void **state)
{
	(void)state;
	/* Same addresses, ports swapped on one side only, or one address
	 * different: all different flows. */
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host a = v4(4, 1), b = v4(4, 2), c = v4(4, 3);
	struct nd_decoded d1 = seg(&a, 50000, &b, 445, ND_TCP_ACK, 1, 1, 0);
	struct nd_decoded d2 = seg(&a, 50001, &b, 445, ND_TCP_ACK, 1, 1, 0);
	struct nd_decoded d3 = seg(&a, 50000, &c, 445, ND_TCP_ACK, 1, 1, 0);
	struct nd_decoded d4 = seg(&a, 445, &b, 50000, ND_TCP_ACK, 1, 1, 0);
	uint64_t i1 = feed(t, &d1, SEC, NULL), i2 = feed(t, &d2, SEC, NULL);
	uint64_t i3 = feed(t, &d3, SEC, NULL), i4 = feed(t, &d4, SEC, NULL);
	assert_int_equal(i1, 0);
	assert_int_equal(i2, 1);
	assert_int_equal(i3, 2);
	assert_int_equal(i4, 3);
	assert_int_equal(feed(t, &d1, SEC, NULL), 0);
	assert_int_equal(nd_tcp_get_totals(t)->flows, 4);
	nd_tcp_table_free(t);
}

/* ---- port reuse ------------------------------------------------------- */

static void test_port_reuse_new_isn(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v4(5, 1), s = v4(5, 2);
	struct nd_decoded syn1 = seg(&c, 50000, &s, 445, ND_TCP_SYN, 1000, 0, 0);
	struct nd_decoded synack1 = seg(&s, 445, &c, 50000, ND_TCP_SYN | ND_TCP_ACK, 5000, 1001, 0);
	struct nd_decoded data1 = seg(&c, 50000, &s, 445, ND_TCP_ACK, 1001, 5001, 200);
	assert_int_equal(feed(t, &syn1, 1 * SEC, NULL), 0);
	assert_int_equal(feed(t, &synack1, 1 * SEC, NULL), 0);
	assert_int_equal(feed(t, &data1, 2 * SEC, NULL), 0);
	/* A retransmitted SYN (same ISN) is the same connection. */
	assert_int_equal(feed(t, &syn1, 3 * SEC, NULL), 0);
	assert_int_equal(nd_tcp_get_totals(t)->port_reuse, 0);

	/* A SYN with a new ISN on the same 4-tuple: a new connection. */
	struct nd_decoded syn2 = seg(&c, 50000, &s, 445, ND_TCP_SYN, 900000, 0, 0);
	int dir;
	assert_int_equal(feed(t, &syn2, 4 * SEC, &dir), 1);
	assert_int_equal(dir, 0);
	struct nd_decoded synack2 =
	        seg(&s, 445, &c, 50000, ND_TCP_SYN | ND_TCP_ACK, 77000, 900001, 0);
	assert_int_equal(feed(t, &synack2, 4 * SEC, &dir), 1);
	assert_int_equal(dir, 1);

	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->port_reuse, 1);
	assert_int_equal(tot->flows, 2);
	assert_int_equal(tot->evicted_idle, 0);
	assert_int_equal(tot->evicted_table_full, 0);
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *old = report_find(t, 0), *cur = report_find(t, 1);
	assert_non_null(old);
	assert_non_null(cur);
	assert_int_equal(old->end, ND_TCP_END_REUSED);
	assert_int_equal(old->dir[0].payload_bytes, 200);
	assert_int_equal(old->dir[0].packets, 3);
	assert_int_equal(cur->end, ND_TCP_END_OPEN);
	assert_int_equal(cur->first_ts, 4 * SEC);
	assert_int_equal(cur->dir[0].packets, 1);
	assert_true(cur->handshake_seen);
	nd_tcp_table_free(t);
}

/* ---- bounded pool ----------------------------------------------------- */

static void test_table_full_evicts_least_recent(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(4, 0, 32);
	assert_int_equal(nd_tcp_max_flows(t), 4);
	struct host c = v4(6, 1), s = v4(6, 2);
	/* Flows 0..3 (client ports 50000..50003) at t = 1..4 s. */
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(feed_data(t, &c, (uint16_t)(50000 + i), &s, 0, 100, (i + 1) * SEC),
		                 i);
	/* Flow 0 becomes the most recently active. */
	assert_int_equal(feed_data(t, &c, 50000, &s, 1, 100, 5 * SEC), 0);
	/* Two more flows: 1 and 2 are now the least recently active. */
	assert_int_equal(feed_data(t, &c, 50004, &s, 0, 100, 6 * SEC), 4);
	assert_int_equal(feed_data(t, &c, 50005, &s, 0, 100, 7 * SEC), 5);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->evicted_table_full, 2);
	assert_int_equal(tot->flows, 6);
	assert_int_equal(tot->flows_active_max, 4);
	/* Flows 0 and 3 survived: their packets still find them. */
	assert_int_equal(feed_data(t, &c, 50000, &s, 2, 100, 8 * SEC), 0);
	assert_int_equal(feed_data(t, &c, 50003, &s, 1, 100, 9 * SEC), 3);
	assert_int_equal(tot->flows, 6);
	/* Flow 1's 4-tuple comes back as a new flow, retiring flow 4. */
	assert_int_equal(feed_data(t, &c, 50001, &s, 1, 100, 10 * SEC), 6);
	assert_int_equal(tot->evicted_table_full, 3);
	assert_int_equal(tot->flows_active_max, 4);

	nd_tcp_finish(t);
	static const enum nd_tcp_flow_end want[] = {
	        ND_TCP_END_OPEN, ND_TCP_END_TABLE_FULL, ND_TCP_END_TABLE_FULL,
	        ND_TCP_END_OPEN, ND_TCP_END_TABLE_FULL, ND_TCP_END_OPEN,
	        ND_TCP_END_OPEN,
	};
	for (uint64_t id = 0; id < ND_ARRAY_LEN(want); id++) {
		const struct nd_tcp_flow_summary *sm = report_find(t, id);
		assert_non_null(sm);
		if (sm->end != want[id])
			fail_msg("flow %llu: end %d, want %d", (unsigned long long)id, sm->end,
			         want[id]);
	}
	assert_int_equal(report_find(t, 0)->dir[0].packets, 3);
	assert_int_equal(tot->evicted_table_full, 3);
	assert_int_equal(tot->evicted_idle, 0);
	nd_tcp_table_free(t);
}

static void test_table_one_slot(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(1, 0, 8);
	struct host c = v4(7, 1), s = v4(7, 2);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(feed_data(t, &c, (uint16_t)(40000 + i % 2), &s, i, 10, i * SEC),
		                 i);
	assert_int_equal(nd_tcp_get_totals(t)->evicted_table_full, 4);
	assert_int_equal(nd_tcp_get_totals(t)->flows_active_max, 1);
	nd_tcp_table_free(t);
}

/* Random traffic over more 4-tuples than slots, checked against a plain
 * model of an LRU table: catches hash chain, free list and LRU list slips. */
static void test_table_matches_lru_model(void **state)
{
	(void)state;
	enum { TUPLES = 48, SLOTS = 16, PACKETS = 20000 };
	struct nd_tcp_table *t = table(SLOTS, 0, 8);
	struct host c = v4(8, 1), s = v4(8, 2), c6 = v6(8, 1), s6 = v6(8, 2);
	int64_t model_id[TUPLES];  /* flow id while active, -1 when not */
	uint64_t last_use[TUPLES]; /* packet index of last activity */
	uint32_t k[TUPLES];
	for (int i = 0; i < TUPLES; i++) {
		model_id[i] = -1;
		k[i] = 0;
		last_use[i] = 0;
	}
	uint64_t next_id = 0, evicted = 0, active = 0;
	uint64_t x = 12345;
	for (uint64_t p = 1; p <= PACKETS; p++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		int i = (int)((x >> 33) % TUPLES);
		if (model_id[i] < 0) {
			if (active == SLOTS) {
				int lru = -1;
				for (int j = 0; j < TUPLES; j++)
					if (model_id[j] >= 0 &&
					    (lru < 0 || last_use[j] < last_use[lru]))
						lru = j;
				model_id[lru] = -1;
				active--;
				evicted++;
			}
			model_id[i] = (int64_t)next_id++;
			active++;
		}
		last_use[i] = p;
		bool reply = (x >> 20) & 1;
		const struct host *cl = i % 3 == 0 ? &c6 : &c, *sv = i % 3 == 0 ? &s6 : &s;
		uint16_t cport = (uint16_t)(30000 + i);
		struct nd_decoded d =
		        reply ? seg(sv, 445, cl, cport, ND_TCP_ACK, 7000, 1000 + k[i], 0)
		              : seg(cl, cport, sv, 445, ND_TCP_ACK, 1000 + k[i], 7000, 10);
		if (!reply)
			k[i] += 10;
		int dir;
		uint64_t id = feed(t, &d, (nd_ns)p * 1000, &dir);
		if (id != (uint64_t)model_id[i])
			fail_msg("packet %llu tuple %d: flow %llu, model %lld",
			         (unsigned long long)p, i, (unsigned long long)id,
			         (long long)model_id[i]);
		assert_int_equal(dir, reply ? 1 : 0);
	}
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->flows, next_id);
	assert_int_equal(tot->evicted_table_full, evicted);
	assert_int_equal(tot->flows_active_max, SLOTS);
	assert_int_equal(tot->segments, PACKETS);
	nd_tcp_finish(t);
	assert_int_equal(tot->report_flows_dropped + 8, next_id);
	nd_tcp_table_free(t);
}

/* ---- idle expiry ------------------------------------------------------ */

static void test_idle_timeout(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(16, 10 * SEC, 16);
	struct host c = v4(9, 1), s = v4(9, 2);
	assert_int_equal(feed_data(t, &c, 50000, &s, 0, 10, 0), 0);       /* A at 0 s */
	assert_int_equal(feed_data(t, &c, 50001, &s, 0, 10, 5 * SEC), 1); /* B at 5 s */
	/* Exactly the timeout: A is not idle *longer* than it yet. */
	assert_int_equal(feed_data(t, &c, 50001, &s, 1, 10, 10 * SEC), 1);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->evicted_idle, 0);
	/* One nanosecond later A goes. */
	assert_int_equal(feed_data(t, &c, 50001, &s, 2, 10, 10 * SEC + 1), 1);
	assert_int_equal(tot->evicted_idle, 1);
	/* A's 4-tuple again: a new flow. B (idle 2 s) stays. */
	assert_int_equal(feed_data(t, &c, 50000, &s, 1, 10, 12 * SEC), 2);
	assert_int_equal(feed_data(t, &c, 50001, &s, 3, 10, 12 * SEC), 1);
	assert_int_equal(tot->evicted_idle, 1);
	assert_int_equal(tot->flows, 3);
	assert_int_equal(tot->flows_active_max, 2);
	assert_int_equal(tot->evicted_table_full, 0);

	/* A long silence retires everything still open. */
	assert_int_equal(feed_data(t, &c, 50002, &s, 0, 10, 100 * SEC), 3);
	assert_int_equal(tot->evicted_idle, 3);
	nd_tcp_finish(t);
	assert_int_equal(report_find(t, 0)->end, ND_TCP_END_IDLE);
	assert_int_equal(report_find(t, 0)->last_ts, 0);
	assert_int_equal(report_find(t, 1)->end, ND_TCP_END_IDLE);
	assert_int_equal(report_find(t, 1)->dir[0].packets, 4);
	assert_int_equal(report_find(t, 2)->end, ND_TCP_END_IDLE);
	assert_int_equal(report_find(t, 3)->end, ND_TCP_END_OPEN);
	assert_int_equal(tot->evicted_idle, 3); /* finishing is not idling */
	nd_tcp_table_free(t);
}

static void test_flows_active_max(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(64, 1 * SEC, 64);
	struct host c = v4(10, 1), s = v4(10, 2);
	/* Three at once, then all idle out, then two at once. */
	for (uint16_t i = 0; i < 3; i++)
		feed_data(t, &c, (uint16_t)(50000 + i), &s, 0, 10, 0);
	for (uint16_t i = 0; i < 2; i++)
		feed_data(t, &c, (uint16_t)(51000 + i), &s, 0, 10, 5 * SEC);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->flows, 5);
	assert_int_equal(tot->evicted_idle, 3);
	assert_int_equal(tot->flows_active_max, 3);
	/* Seven at once raises it. */
	for (uint16_t i = 0; i < 5; i++)
		feed_data(t, &c, (uint16_t)(52000 + i), &s, 0, 10, 5 * SEC);
	assert_int_equal(tot->flows_active_max, 7);
	nd_tcp_table_free(t);
}

/* ---- closed flows ----------------------------------------------------- */

static void test_closed_flow_retires_after_closed_timeout(void **state)
{
	(void)state;
	/* Default closed timeout (10 s) and idle timeout (10 min). */
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v4(14, 1), s = v4(14, 2);
	struct nd_decoded syn = seg(&c, 50000, &s, 445, ND_TCP_SYN, 100, 0, 0);
	struct nd_decoded synack = seg(&s, 445, &c, 50000, ND_TCP_SYN | ND_TCP_ACK, 900, 101, 0);
	struct nd_decoded fin1 = seg(&c, 50000, &s, 445, ND_TCP_FIN | ND_TCP_ACK, 101, 901, 0);
	struct nd_decoded fin2 = seg(&s, 445, &c, 50000, ND_TCP_FIN | ND_TCP_ACK, 901, 102, 0);
	assert_int_equal(feed(t, &syn, 0, NULL), 0);
	assert_int_equal(feed(t, &synack, 0, NULL), 0);
	assert_int_equal(feed(t, &fin1, 1 * SEC, NULL), 0);
	assert_int_equal(feed(t, &fin2, 1 * SEC, NULL), 0); /* closed both ways at 1 s */
	assert_int_equal(feed_data(t, &c, 50001, &s, 0, 10, 1 * SEC), 1);
	/* 10 s after the close: not yet. */
	assert_int_equal(feed_data(t, &c, 50001, &s, 1, 10, 11 * SEC), 1);
	/* The closed flow's own late ACK still finds it. */
	struct nd_decoded last_ack = seg(&c, 50000, &s, 445, ND_TCP_ACK, 102, 902, 0);
	assert_int_equal(feed(t, &last_ack, 11 * SEC, NULL), 0);
	/* Later than 10 s after its last packet, it is retired; the open flow
	 * (idle 1 s) is not. Retiring a closed flow is no idle eviction. */
	assert_int_equal(feed_data(t, &c, 50001, &s, 2, 10, 21 * SEC + 1), 1);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->evicted_idle, 0);
	assert_int_equal(tot->evicted_table_full, 0);
	/* The same 4-tuple again: a new flow, not a port reuse. */
	struct nd_decoded syn2 = seg(&c, 50000, &s, 445, ND_TCP_SYN, 5000, 0, 0);
	assert_int_equal(feed(t, &syn2, 22 * SEC, NULL), 2);
	assert_int_equal(tot->port_reuse, 0);
	assert_int_equal(tot->flows, 3);
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *a = report_find(t, 0);
	assert_non_null(a);
	assert_int_equal(a->end, ND_TCP_END_FIN);
	assert_int_equal(a->dir[0].fin, 1);
	assert_int_equal(a->dir[1].fin, 1);
	assert_int_equal(a->last_ts, 11 * SEC);
	assert_int_equal(report_find(t, 1)->end, ND_TCP_END_OPEN);
	nd_tcp_table_free(t);
}

static void test_table_full_retires_closed_first(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(2, 0, 8);
	struct host c = v4(15, 1), s = v4(15, 2);
	assert_int_equal(feed_data(t, &c, 50000, &s, 0, 10, 0), 0); /* open, oldest */
	assert_int_equal(feed_data(t, &c, 50001, &s, 0, 10, 1 * SEC), 1);
	struct nd_decoded rst = seg(&s, 445, &c, 50001, ND_TCP_RST | ND_TCP_ACK, 7000, 1010, 0);
	assert_int_equal(feed(t, &rst, 2 * SEC, NULL), 1); /* flow 1 reset */
	/* A third flow: the reset one makes room although flow 0 is older. */
	assert_int_equal(feed_data(t, &c, 50002, &s, 0, 10, 3 * SEC), 2);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->evicted_table_full, 0);
	assert_int_equal(feed_data(t, &c, 50000, &s, 1, 10, 4 * SEC), 0);
	/* With only open flows left, the least recently active goes. */
	assert_int_equal(feed_data(t, &c, 50003, &s, 0, 10, 5 * SEC), 3);
	assert_int_equal(tot->evicted_table_full, 1);
	nd_tcp_finish(t);
	assert_int_equal(report_find(t, 1)->end, ND_TCP_END_RST);
	assert_int_equal(report_find(t, 2)->end, ND_TCP_END_TABLE_FULL);
	assert_int_equal(report_find(t, 0)->end, ND_TCP_END_OPEN);
	nd_tcp_table_free(t);
}

/* ---- notable flows ---------------------------------------------------- */

static void test_report_sorted_and_bounded(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(64, 0, 3);
	struct host c = v4(11, 1), s = v4(11, 2);
	/* Six clean flows of 1000-byte segments: 5, 50, 20, 80, 1 and 30 kB. */
	static const uint32_t segs[] = {5, 50, 20, 80, 1, 30};
	for (uint32_t i = 0; i < ND_ARRAY_LEN(segs); i++)
		for (uint32_t k = 0; k < segs[i]; k++)
			feed_data(t, &c, (uint16_t)(50000 + i), &s, k, 1000, (nd_ns)(i * 100 + k));
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *fs;
	size_t n = nd_tcp_report_flows(t, &fs);
	assert_int_equal(n, 3);
	assert_int_equal(fs[0].id, 3);
	assert_int_equal(fs[0].dir[0].payload_bytes, 80000);
	assert_int_equal(fs[1].id, 1);
	assert_int_equal(fs[1].dir[0].payload_bytes, 50000);
	assert_int_equal(fs[2].id, 5);
	assert_int_equal(fs[2].dir[0].payload_bytes, 30000);
	const struct nd_tcp_totals *tot = nd_tcp_get_totals(t);
	assert_int_equal(tot->report_flows_dropped, 3);
	assert_int_equal(tot->flows, 6);
	assert_int_equal(tot->payload_bytes, 186000);
	/* Finishing twice changes nothing. */
	nd_tcp_finish(t);
	assert_int_equal(nd_tcp_report_flows(t, &fs), 3);
	assert_int_equal(fs[0].id, 3);
	assert_int_equal(tot->report_flows_dropped, 3);
	nd_tcp_table_free(t);
}

static void test_report_keeps_all_when_room(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(64, 0, 10);
	struct host c = v4(12, 1), s = v4(12, 2);
	static const uint32_t segs[] = {3, 9, 6};
	for (uint32_t i = 0; i < ND_ARRAY_LEN(segs); i++)
		for (uint32_t k = 0; k < segs[i]; k++)
			feed_data(t, &c, (uint16_t)(50000 + i), &s, k, 1400, (nd_ns)(i * 100 + k));
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *fs;
	assert_int_equal(nd_tcp_report_flows(t, &fs), 3);
	assert_int_equal(fs[0].id, 1);
	assert_int_equal(fs[1].id, 2);
	assert_int_equal(fs[2].id, 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(fs[i].end, ND_TCP_END_OPEN);
	assert_int_equal(nd_tcp_get_totals(t)->report_flows_dropped, 0);
	nd_tcp_table_free(t);
}

/* ---- IPv6 ------------------------------------------------------------- */

static void test_ipv6_flows(void **state)
{
	(void)state;
	struct nd_tcp_table *t = table(16, 0, 16);
	struct host c = v6(0, 1), s = v6(0, 2);
	/* Same low 32 bits as c, different elsewhere. */
	struct host c_far = c;
	c_far.a[6] = 0x77;
	/* An IPv4 host whose 4 bytes equal the start of c's address. */
	struct host c4 = {.v = 4, .a = {0x20, 0x01, 0x0d, 0xb8}};
	struct host s4 = {.v = 4, .a = {0x20, 0x01, 0x0d, 0xb8}};

	struct nd_decoded syn = seg(&c, 50000, &s, 445, ND_TCP_SYN, 1, 0, 0);
	struct nd_decoded synack = seg(&s, 445, &c, 50000, ND_TCP_SYN | ND_TCP_ACK, 100, 2, 0);
	struct nd_decoded far = seg(&c_far, 50000, &s, 445, ND_TCP_SYN, 1, 0, 0);
	struct nd_decoded v4seg = seg(&c4, 50000, &s4, 445, ND_TCP_SYN, 1, 0, 0);
	int dir;
	assert_int_equal(feed(t, &syn, SEC, &dir), 0);
	assert_int_equal(dir, 0);
	assert_int_equal(feed(t, &synack, SEC, &dir), 0);
	assert_int_equal(dir, 1);
	assert_int_equal(feed(t, &far, SEC, &dir), 1);
	assert_int_equal(dir, 0);
	assert_int_equal(feed(t, &v4seg, SEC, &dir), 2);
	assert_int_equal(feed(t, &synack, 2 * SEC, &dir), 0);
	assert_int_equal(dir, 1);
	assert_int_equal(nd_tcp_get_totals(t)->flows, 3);
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *f0 = report_find(t, 0), *f1 = report_find(t, 1);
	assert_non_null(f0);
	assert_non_null(f1);
	assert_int_equal(f0->ip_version, 6);
	assert_memory_equal(f0->addr[0], c.a, 16);
	assert_memory_equal(f0->addr[1], s.a, 16);
	assert_int_equal(f0->dir[1].packets, 2);
	assert_true(f0->handshake_seen);
	assert_memory_equal(f1->addr[0], c_far.a, 16);
	assert_int_equal(report_find(t, 2)->ip_version, 4);
	nd_tcp_table_free(t);
}

static void test_ipv6_upper_bytes_matter(void **state)
{
	(void)state;
	/* 100 IPv6 clients differing only in one byte in the middle of the
	 * address, same ports, in a table small enough that hash buckets are
	 * shared: each must keep its own flow, in both directions. */
	enum { N = 100 };
	struct nd_tcp_table *t = table(N, 0, N);
	struct host s = v6(0, 2);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			struct host c = v6(0, 1);
			c.a[6] = (uint8_t)i;
			struct nd_decoded d =
			        round == 1 ? seg(&s, 445, &c, 50000, ND_TCP_ACK, 1, 1, 0)
			                   : seg(&c, 50000, &s, 445, ND_TCP_ACK, 1, 1, 0);
			int dir;
			assert_int_equal(feed(t, &d, SEC, &dir), i);
			assert_int_equal(dir, round == 1 ? 1 : 0);
		}
	}
	assert_int_equal(nd_tcp_get_totals(t)->flows, N);
	nd_tcp_table_free(t);
}

static void test_defaults(void **state)
{
	(void)state;
	/* Zeros in the configuration select the documented defaults. */
	struct nd_tcp_table *t = table(0, 0, 0);
	assert_int_equal(nd_tcp_max_flows(t), 65536);
	struct host c = v4(13, 1), s = v4(13, 2);
	/* 599 s of silence is within the default 10 minutes; 601 s is not. */
	feed_data(t, &c, 50000, &s, 0, 10, 0);
	feed_data(t, &c, 50001, &s, 0, 10, 599 * SEC);
	assert_int_equal(nd_tcp_get_totals(t)->evicted_idle, 0);
	feed_data(t, &c, 50001, &s, 1, 10, 601 * SEC);
	assert_int_equal(nd_tcp_get_totals(t)->evicted_idle, 1);
	/* 150 flows: the default report list keeps 100. */
	for (uint16_t i = 0; i < 150; i++)
		feed_data(t, &c, (uint16_t)(10000 + i), &s, 0, 10, 700 * SEC);
	nd_tcp_finish(t);
	const struct nd_tcp_flow_summary *fs;
	assert_int_equal(nd_tcp_report_flows(t, &fs), 100);
	assert_int_equal(nd_tcp_get_totals(t)->report_flows_dropped, 152 - 100);
	nd_tcp_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_handshake_directions),
	        cmocka_unit_test(test_syn_sender_is_client_whatever_the_ports),
	        cmocka_unit_test(test_synack_first_makes_sender_server),
	        cmocka_unit_test(test_no_syn_well_known_port_is_server),
	        cmocka_unit_test(test_distinct_tuples_distinct_flows),
	        cmocka_unit_test(test_port_reuse_new_isn),
	        cmocka_unit_test(test_table_full_evicts_least_recent),
	        cmocka_unit_test(test_table_one_slot),
	        cmocka_unit_test(test_table_matches_lru_model),
	        cmocka_unit_test(test_idle_timeout),
	        cmocka_unit_test(test_flows_active_max),
	        cmocka_unit_test(test_closed_flow_retires_after_closed_timeout),
	        cmocka_unit_test(test_table_full_retires_closed_first),
	        cmocka_unit_test(test_report_sorted_and_bounded),
	        cmocka_unit_test(test_report_keeps_all_when_room),
	        cmocka_unit_test(test_ipv6_flows),
	        cmocka_unit_test(test_ipv6_upper_bytes_matter),
	        cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
