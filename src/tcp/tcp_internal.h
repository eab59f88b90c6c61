/* SPDX-License-Identifier: MIT */
/* Private to tcp/: the flow record and the hooks between the flow table and
 * the per-connection analysis. */
#ifndef ND_TCP_INTERNAL_H
#define ND_TCP_INTERNAL_H

#include "tcp/tcp.h"

struct nd_tcp_stream_dir {
	bool started;
	uint8_t n_holes;
	uint32_t next_seq;    /* sequence number of next_offset */
	uint64_t next_offset; /* end of the highest payload delivered */
	uint64_t holes_forgotten;
	struct {
		uint64_t start, end;
	} holes[ND_TCP_MAX_HOLES];
};

struct nd_tcp_flow {
	struct nd_tcp_flow_summary s;
	uint32_t hash_next; /* bucket chain, or free list; index + 1 */
	uint32_t lru_prev, lru_next;
	uint32_t bucket;
	bool in_use;
	bool isn_known[2];
	uint32_t isn[2];
	struct nd_tcp_stream_dir stream[2];
	void *app; /* the stream consumer's per-flow state */
};

void nd_tcp_analysis_init(struct nd_tcp_flow *f);
void nd_tcp_analysis_segment(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir, nd_ns ts,
                             uint64_t frame);
/* Called once when the flow leaves the table, before its summary is kept. */
void nd_tcp_analysis_retire(struct nd_tcp_flow *f);
/* A SYN that starts a new connection on the same 4-tuple (new ISN). */
bool nd_tcp_analysis_is_new_connection(const struct nd_tcp_flow *f, const struct nd_decoded *d,
                                       int dir);
/* Passes the segment's payload to the stream consumer (see tcp.h). */
void nd_tcp_stream_segment(const struct nd_tcp_stream_ops *ops, struct nd_tcp_flow *f,
			   const struct nd_decoded *d, int dir, const struct nd_tcp_chunk *base);

/* How notable a retired flow is for the report: higher is worse. */
uint64_t nd_tcp_flow_score(const struct nd_tcp_flow_summary *s);

#endif
