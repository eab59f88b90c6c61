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

/* Wireshark's per-direction sequence state (tcp_flow_t / tcp_analyze_seq_info)
 * plus netdiag's own. Sequence values of 0 mean "unset", as in Wireshark. */
#define ND_TCP_UNACKED_MAX 32
#define ND_TCP_GAPS_MAX    16
#define ND_TCP_RTT_BUCKETS 256
#define ND_TCP_RETX_RING   16

struct nd_tcp_unacked {
	uint32_t seq, nextseq;
	nd_ns ts;
	bool retransmitted; /* Karn: no RTT sample from it */
	bool copy;          /* itself sent as a retransmission or out of order */
};

/* A recent retransmission, kept until a D-SACK may prove it unnecessary.
 * Its real bytes and stall are committed when it leaves the ring (evicted
 * by a newer one, or the flow retires), so a late D-SACK can still take
 * it back. */
struct nd_tcp_retx {
	uint32_t seq, end;           /* the bytes that were sent before (SYN/FIN: one) */
	uint32_t dsack_lo, dsack_hi; /* the part D-SACKs reported so far; empty if equal */
	uint32_t bytes;              /* its share of retransmitted_bytes */
	bool ws_spurious;            /* Wireshark's rule called it spurious already */
	bool dsacked;                /* D-SACKs covered all of it */
	bool has_orig;               /* the original was still unacknowledged */
	nd_ns ts, orig_ts;           /* this retransmission, and the original */
};

struct nd_tcp_gap {
	uint32_t start, end;
	nd_ns ts;
	nd_ns acked_ts; /* the peer ACKed past it then; 0 = not yet */
	bool touched;   /* some bytes of it arrived later */
	bool reordered;
};

struct nd_tcp_dir_state {
	uint32_t nextseq, maxseqtobeacked, lastack;
	nd_ns nextseqtime, lastacktime;
	uint32_t window;   /* raw window of the last segment; UINT32_MAX = none yet */
	int32_t dupacknum; /* -1: neutralised after an ACKed-unseen; never >= 2 then */
	uint32_t lastsegmentflags;
	int8_t win_scale; /* -1 unknown, -2 not negotiated, 0..14 */
	bool is_first_ack;
	/* duplicate-ACK run (storm) bookkeeping, for ACKs sent in this direction */
	uint64_t run_len;
	nd_ns run_start, run_last;
	/* unacknowledged data segments sent in this direction (ring) */
	uint8_t ua_head, ua_n;
	struct nd_tcp_unacked ua[ND_TCP_UNACKED_MAX];
	/* sequence gaps in this direction's data */
	uint8_t n_gaps;
	struct nd_tcp_gap gaps[ND_TCP_GAPS_MAX];
	/* the last frame, to recognise exact duplicates */
	bool last_valid;
	uint8_t last_flags;
	uint16_t last_win, last_ipid;
	uint32_t last_seq, last_ack, last_len;
	nd_ns last_ts;
	/* an ACK from the peer that covered data we had not seen yet */
	bool unseen_ack_pending;
	uint32_t unseen_ack;
	nd_ns unseen_ack_ts;
	/* RTT of this direction's data: log histogram, 8 buckets per octave.
	 * When a bucket would overflow every bucket is halved and rtt_shift
	 * counts it, so a bucket holds samples >> rtt_shift. */
	uint16_t rtt_hist[ND_TCP_RTT_BUCKETS];
	uint8_t rtt_shift;
	bool zw_closed; /* advertising a zero window since zw_since */
	nd_ns zw_since;
	nd_ns rtt_sum;
	/* The highest ACK the peer sent for this direction's data. */
	bool acked_valid;
	uint32_t acked_hi;
	/* Strict Karn: the span of retransmitted (or out-of-order) data not yet
	 * acknowledged; an ACK that covers any of it gives no RTT sample. */
	bool karn_active;
	uint32_t karn_lo, karn_hi;
	/* recent retransmissions (ring, oldest at retx_head) */
	uint8_t retx_head, retx_n;
	struct nd_tcp_retx retx[ND_TCP_RETX_RING];
	/* retransmissions that left the ring while their data was unacknowledged:
	 * how many, and the highest end among them (cleared once ACKed) */
	uint64_t retx_gone_unacked;
	uint32_t retx_gone_end;
	nd_ns stall_until; /* the union of committed stall intervals ends here */
};

struct nd_tcp_flow {
	struct nd_tcp_flow_summary s;
	uint32_t hash_next; /* bucket chain, or free list; index + 1 */
	uint32_t lru_prev, lru_next;
	uint32_t bucket;
	bool in_use;
	bool closed; /* FIN both ways or RST: on the closed LRU list */
	bool isn_known[2];
	uint32_t isn[2];
	struct nd_tcp_stream_dir stream[2];
	struct nd_tcp_dir_state st[2];
	nd_ns ts_mru_syn;
	void *app; /* the stream consumer's per-flow state */
};

void nd_tcp_analysis_init(struct nd_tcp_flow *f);
void nd_tcp_analysis_segment(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg,
                             struct nd_tcp_totals *tot, const struct nd_decoded *d, int dir,
                             nd_ns ts);
/* Called once when the flow leaves the table, before its summary is kept;
 * adds its counters to the totals. */
void nd_tcp_analysis_retire(struct nd_tcp_flow *f, const struct nd_tcp_config *cfg,
                            struct nd_tcp_totals *tot);
/* A SYN that starts a new connection on the same 4-tuple (new ISN). */
bool nd_tcp_analysis_is_new_connection(const struct nd_tcp_flow *f, const struct nd_decoded *d,
                                       int dir);
/* Passes the segment's payload to the stream consumer (see tcp.h). */
void nd_tcp_stream_segment(const struct nd_tcp_stream_ops *ops, struct nd_tcp_flow *f,
                           const struct nd_decoded *d, int dir, const struct nd_tcp_chunk *base);

/* rtt.c: the unacknowledged segments of one direction. A segment sent in
 * that direction (copy: as a retransmission or out of order, so its ACK is
 * ambiguous); an ACK from the peer (takes a Karn RTT sample, drops what it
 * covers, raises acked_hi). */
void nd_tcp_ua_push(struct nd_tcp_dir_state *st, struct nd_tcp_totals *tot, uint32_t seq,
                    uint32_t nextseq, nd_ns ts, bool copy);
void nd_tcp_ua_acked(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds,
                     struct nd_tcp_totals *tot, uint32_t ack, nd_ns ts);
/* When the oldest unacknowledged first transmission overlapping [seq, end)
 * was sent; false when none is in the list. */
bool nd_tcp_ua_original(const struct nd_tcp_dir_state *st, uint32_t seq, uint32_t end, nd_ns *ts);
/* At retirement: per-direction and per-flow RTT figures. */
void nd_tcp_rtt_finish(struct nd_tcp_flow *f);

/* retx.c: a retransmission of [seq, end) (the part sent before; bytes of it
 * counted in retransmitted_bytes), before it enters the unacked list. */
void nd_tcp_retx_note(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds, uint32_t seq,
                      uint32_t end, uint32_t bytes, bool ws_spurious, nd_ns ts);
/* After an ACK raised st->acked_hi. */
void nd_tcp_retx_acked(struct nd_tcp_dir_state *st);
/* A segment from the peer of st's direction: counts its D-SACK block, if
 * any, and marks the retransmission it proves unnecessary. */
void nd_tcp_retx_dsack(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds,
                       const struct nd_decoded *d);
/* At retirement: commits the ring and sets retransmitted_unacked. */
void nd_tcp_retx_retire(struct nd_tcp_dir_state *st, struct nd_tcp_dir_summary *ds);

/* How notable a retired flow is for the report: higher is worse. */
uint64_t nd_tcp_flow_score(const struct nd_tcp_flow_summary *s);

#endif
