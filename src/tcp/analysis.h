/* SPDX-License-Identifier: MIT */
/* Private to tcp/: the Wireshark-compatible rule cascade and its flags. */
#ifndef ND_TCP_ANALYSIS_H
#define ND_TCP_ANALYSIS_H

#include "tcp/tcp_internal.h"

enum nd_tcp_analysis_flag {
	ND_TA_ZERO_WINDOW_PROBE = 1u << 0,
	ND_TA_ZERO_WINDOW = 1u << 1,
	ND_TA_LOST_SEGMENT = 1u << 2,
	ND_TA_KEEP_ALIVE = 1u << 3,
	ND_TA_WINDOW_UPDATE = 1u << 4,
	ND_TA_WINDOW_FULL = 1u << 5,
	ND_TA_KEEP_ALIVE_ACK = 1u << 6,
	ND_TA_ZERO_WINDOW_PROBE_ACK = 1u << 7,
	ND_TA_DUPLICATE_ACK = 1u << 8,
	ND_TA_ACK_LOST_SEGMENT = 1u << 9,
	ND_TA_RETRANSMISSION = 1u << 10, /* set with fast and spurious too */
	ND_TA_FAST_RETRANSMISSION = 1u << 11,
	ND_TA_SPURIOUS_RETRANSMISSION = 1u << 12,
	ND_TA_OUT_OF_ORDER = 1u << 13,
};

void nd_tcp_ws_dir_init(struct nd_tcp_dir_state *st);
/* Runs the cascade for one segment sent in direction F; returns its flags. */
uint32_t nd_tcp_ws_analyze(struct nd_tcp_dir_state *F, struct nd_tcp_dir_state *R,
                           const struct nd_decoded *d, nd_ns ts, nd_ns irtt);
/* Applies a SYN's window-scale option after the segment was analysed. */
void nd_tcp_ws_syn_options(struct nd_tcp_dir_state *F, struct nd_tcp_dir_state *R,
                           const struct nd_decoded *d);

#endif
