/* SPDX-License-Identifier: MIT */
/* Private to tcp/: the flow record and the hooks between the flow table and
 * the per-connection analysis. */
#ifndef ND_TCP_INTERNAL_H
#define ND_TCP_INTERNAL_H

#include "tcp/tcp.h"

struct nd_tcp_flow {
	struct nd_tcp_flow_summary s;
	uint32_t hash_next; /* bucket chain, or free list; index + 1 */
	uint32_t lru_prev, lru_next;
	uint32_t bucket;
	bool in_use;
	bool isn_known[2];
	uint32_t isn[2];
};

void nd_tcp_analysis_init(struct nd_tcp_flow *f);
void nd_tcp_analysis_segment(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir, nd_ns ts,
                             uint64_t frame);
/* Called once when the flow leaves the table, before its summary is kept. */
void nd_tcp_analysis_retire(struct nd_tcp_flow *f);
/* A SYN that starts a new connection on the same 4-tuple (new ISN). */
bool nd_tcp_analysis_is_new_connection(const struct nd_tcp_flow *f, const struct nd_decoded *d,
                                       int dir);
/* How notable a retired flow is for the report: higher is worse. */
uint64_t nd_tcp_flow_score(const struct nd_tcp_flow_summary *s);

#endif
