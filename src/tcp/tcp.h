/* SPDX-License-Identifier: MIT */
/* tcp: the bounded flow table and everything per TCP connection. A flow is
 * keyed on both directions; [0] is the client (the SYN sender, else the
 * sender of the first packet seen) and [1] the server. Flows live in a
 * fixed-size pool; when it is full the least recently active flow is retired,
 * and idle flows are retired as capture time passes. A retired flow is folded
 * into the totals and offered to a bounded list of notable flows, so memory
 * depends on concurrent flows, never on capture size. */
#ifndef ND_TCP_H
#define ND_TCP_H

#include "common/common.h"
#include "decode/decode.h"

struct nd_tcp_config {
	uint32_t max_flows;        /* pool size; 0 = default (65536) */
	nd_ns idle_timeout;        /* 0 = default (10 minutes of capture time) */
	nd_ns closed_timeout;      /* after FIN both ways or RST; 0 = 10 s */
	uint32_t max_report_flows; /* notable flows kept for the report; 0 = 100 */
	uint32_t mtu;              /* MSS = MTU - 40 (v4) / 60 (v6) without a SYN; 0 = 1500 */
	uint32_t dup_ack_storm;    /* duplicate ACKs in a row that make a storm; 0 = 10 */
};

enum nd_tcp_flow_end {
	ND_TCP_END_OPEN = 0,   /* still open when the capture ended */
	ND_TCP_END_FIN,        /* closed by FIN */
	ND_TCP_END_RST,        /* reset */
	ND_TCP_END_IDLE,       /* retired after the idle timeout */
	ND_TCP_END_TABLE_FULL, /* retired early: the table was full */
	ND_TCP_END_REUSED,     /* a new SYN on the same ports started a new flow */
};

/* Per-direction analysis counters; the Wireshark-named ones follow
 * tcp.analysis.* of Wireshark 4.0 (docs/tcp-analysis.md says where netdiag
 * differs). Each counts segments sent in this direction. */
struct nd_tcp_counts {
	uint64_t lost_segment;     /* previous segment not captured */
	uint64_t ack_lost_segment; /* ACKed segment that was not captured */
	uint64_t retransmission;   /* superset: includes fast and spurious */
	uint64_t fast_retransmission;
	uint64_t spurious_retransmission;
	uint64_t out_of_order;
	uint64_t duplicate_ack;
	uint64_t zero_window;
	uint64_t zero_window_probe;
	uint64_t zero_window_probe_ack;
	uint64_t window_full;
	uint64_t window_update;
	uint64_t keep_alive;
	uint64_t keep_alive_ack;
	/* beyond Wireshark */
	uint64_t oversized_segment; /* payload above the peer's MSS (or MTU-derived MSS) */
	uint64_t dup_ack_storm;     /* runs of >= storm threshold duplicate ACKs */
	uint64_t retransmitted_bytes;
	/* D-SACK (RFC 2883) blocks the peer sent about this direction's data:
	 * each says some bytes arrived twice. */
	uint64_t dsack_blocks;
	/* Retransmissions a D-SACK later proved unnecessary that Wireshark's
	 * rule had not already called spurious (disjoint from
	 * spurious_retransmission). */
	uint64_t dsack_spurious;
	/* retransmitted_bytes of the retransmissions that were neither spurious
	 * nor D-SACKed. Final once the flow is retired. */
	uint64_t real_retransmitted_bytes;
	/* Retransmissions of data the peer had still not acknowledged when the
	 * flow ended (silent, reset or cut off by the capture's end). Final once
	 * the flow is retired. */
	uint64_t retransmitted_unacked;
	/* Only uint64_t members: the counts are summed as an array. */
};

/* Retransmissions that were needed: retransmission - spurious_retransmission
 * - dsack_spurious, never below 0. Exact duplicate frames are still in it
 * (struct nd_tcp_loss.duplicate_frames counts them). */
uint64_t nd_tcp_real_retransmissions(const struct nd_tcp_counts *c);

struct nd_tcp_dir_summary {
	uint64_t packets;
	uint64_t payload_bytes;  /* sum of segment lengths on the wire */
	uint64_t captured_bytes; /* payload bytes present in the capture */
	uint32_t syn, fin, rst;
	uint16_t mss;  /* announced in this direction's SYN; 0 = not seen */
	int8_t wscale; /* -1 = not seen */
	bool sack_permitted, timestamps;
	struct nd_tcp_counts an;
	uint32_t max_segment;         /* largest payload sent */
	uint64_t longest_dup_ack_run; /* in this direction's ACKs */
	/* RTT of this direction's data, measured at its ACKs (Karn: never from
	 * an ACK that acknowledges retransmitted data). Percentiles are the
	 * upper edges of log-histogram buckets (<= 12.5 % wide) clamped to the
	 * exact min and max; all 0 without samples. Final once retired. */
	uint64_t rtt_samples;
	nd_ns rtt_min, rtt_avg, rtt_p50, rtt_p90, rtt_p95, rtt_max;
	/* How long loss made this direction wait: for each real retransmission
	 * (neither spurious nor D-SACKed) whose original was still
	 * unacknowledged, the interval from the original to the retransmission.
	 * retx_stall is the time covered by the union of these intervals (so
	 * repeated and parallel retransmissions count once), retx_stall_max the
	 * longest interval, retx_stalls how many there were (0: both unknown).
	 * Final once retired. */
	uint64_t retx_stalls;
	nd_ns retx_stall, retx_stall_max;
};

/* Per-flow time series for plots: fixed buckets whose width doubles
 * whenever the flow outgrows them, so a flow of any length fits. */
#define ND_TCP_SERIES_BUCKETS 60
struct nd_tcp_series_bucket {
	uint64_t bytes[2]; /* payload per direction */
	uint16_t retransmissions, lost_segments, duplicate_acks, oversized_segments;
	/* by sender: oversized segments, and retransmissions or lost segments */
	uint16_t oversized_by[2], loss_by[2];
};
struct nd_tcp_series {
	nd_ns start; /* flow start */
	nd_ns width; /* bucket width, starts at one second */
	uint32_t n;  /* buckets in use */
	struct nd_tcp_series_bucket b[ND_TCP_SERIES_BUCKETS];
};

/* What the beyond-Wireshark analysis learned about gaps and artefacts. */
struct nd_tcp_loss {
	uint64_t gaps;               /* holes opened in the sequence space */
	uint64_t gaps_retransmitted; /* filled later by a retransmission: network loss */
	uint64_t gaps_reordered;     /* filled quickly by an out-of-order segment */
	uint64_t gaps_capture;       /* ACKed by the peer but never seen: capture loss */
	uint64_t gaps_unresolved;    /* neither, by the end */
	uint64_t gap_bytes_capture;  /* bytes in capture-loss gaps */
	uint64_t duplicate_frames;   /* exact copies of the previous frame (capture artefact) */
	uint64_t ack_before_data;    /* data that arrived after its ACK (capture ordering) */
	uint64_t header_only;        /* segments whose payload the snaplen cut */
};

struct nd_tcp_flow_summary {
	uint64_t id; /* 0-based in order of first packet, like tshark's tcp.stream */
	uint8_t ip_version;
	uint8_t addr[2][16];
	uint16_t port[2];
	bool handshake_seen; /* the client's SYN was captured */
	nd_ns irtt;          /* SYN to first ACK, 0 when unknown */
	nd_ns first_ts, last_ts;
	uint32_t first_file;
	uint64_t first_frame;
	enum nd_tcp_flow_end end;
	bool rst_abort; /* reset while data was still unacknowledged, without FINs */
	struct nd_tcp_dir_summary dir[2];
	struct nd_tcp_loss loss[2]; /* by data direction */
	/* oversized segments per direction: when first and last seen */
	nd_ns oversized_first[2], oversized_last[2];
	uint32_t mss_used[2]; /* the MSS each direction was judged against */
	/* Time this direction advertised a zero window, and its longest single
	 * closed period; a window still closed at the end counts until the
	 * flow's last packet. */
	nd_ns zero_window_time[2], zero_window_max[2];
	nd_ns dup_ack_storm_time[2];
	/* The flow's RTT, one definition: the Karn samples of both directions
	 * plus the handshake (SYN -> SYN/ACK -> ACK, the irtt) when no SYN was
	 * sent twice. Percentiles as in nd_tcp_dir_summary; all 0 without
	 * samples. Final once retired. */
	uint64_t rtt_samples;
	nd_ns rtt_min, rtt_p50, rtt_p90, rtt_max;
	struct nd_tcp_series series;
};

struct nd_tcp_totals {
	uint64_t segments;
	uint64_t payload_bytes;
	uint64_t flows;                /* flows created */
	uint64_t flows_active_max;     /* most flows alive at once */
	uint64_t evicted_idle;         /* retired by the idle timeout */
	uint64_t evicted_table_full;   /* retired early because the table was full */
	uint64_t port_reuse;           /* new connection on a 4-tuple still in the table */
	uint64_t report_flows_dropped; /* retired flows not kept in the notable list */
	struct nd_tcp_counts an;       /* sum over all flows and directions */
	struct nd_tcp_loss loss;       /* likewise */
	uint64_t rtt_samples;
	uint64_t unacked_overflow; /* segments not tracked for RTT: list full */
};

struct nd_tcp_table;
struct nd_tcp_flow;

/* In-order payload for a protocol decoder (the smb module), without copies:
 * data points into the packet being processed and is valid only during the
 * call. Offsets count payload bytes of one direction from the first byte
 * after the SYN (or from the first byte seen when the SYN was not captured). */
struct nd_tcp_chunk {
	nd_ns ts;
	uint32_t file;
	uint64_t frame;
	uint64_t offset; /* stream offset of data[0] */
	uint32_t len;    /* bytes on the wire from offset */
	uint32_t caplen; /* bytes present at data (< len when the snaplen cut them) */
	const uint8_t *data;
	/* The chunk lies below data already delivered: it is a late or
	 * retransmitted segment covering a hole that was skipped earlier (see
	 * struct nd_tcp_stream_ops.data). */
	bool fills_hole;
};

/* Delivery contract: for each direction, chunks with fills_hole == false
 * arrive in increasing offset order; a jump of the offset past the end of
 * the previous chunk is a hole (bytes not captured yet). Bytes that later
 * arrive inside a hole are delivered once, with fills_hole == true. Bytes
 * delivered before are never delivered again. At most ND_TCP_MAX_HOLES
 * holes are remembered per direction; older ones are forgotten (their bytes
 * are then never delivered). */
#define ND_TCP_MAX_HOLES 8

struct nd_tcp_stream_ops {
	void *ctx;
	void (*data)(void *ctx, struct nd_tcp_flow *f, int dir, const struct nd_tcp_chunk *c);
	/* The flow leaves the table; release per-flow state kept in its app slot. */
	void (*close)(void *ctx, struct nd_tcp_flow *f);
};

struct nd_tcp_table *nd_tcp_table_new(const struct nd_tcp_config *cfg);
void nd_tcp_table_free(struct nd_tcp_table *t);

/* Accounts one decoded TCP segment (result ND_DECODE_TCP) seen at ts.
 * Returns its flow and the direction (0 = client to server) in *dir. */
struct nd_tcp_flow *nd_tcp_process(struct nd_tcp_table *t, const struct nd_decoded *d, nd_ns ts,
                                   uint32_t file_index, uint64_t frame, int *dir);

/* Registers the payload consumer (at most one); NULL to remove. */
void nd_tcp_set_stream_consumer(struct nd_tcp_table *t, const struct nd_tcp_stream_ops *ops);

/* The consumer's per-flow pointer (NULL until it sets one). */
void **nd_tcp_flow_app(struct nd_tcp_flow *f);

/* Retires every flow still alive (end of input). */
void nd_tcp_finish(struct nd_tcp_table *t);

const struct nd_tcp_totals *nd_tcp_get_totals(const struct nd_tcp_table *t);
uint32_t nd_tcp_max_flows(const struct nd_tcp_table *t);
uint32_t nd_tcp_active_flows(const struct nd_tcp_table *t);

/* The notable flows, sorted worst first; valid after nd_tcp_finish. */
size_t nd_tcp_report_flows(const struct nd_tcp_table *t, const struct nd_tcp_flow_summary **flows);

const struct nd_tcp_flow_summary *nd_tcp_flow_summary(const struct nd_tcp_flow *f);

#endif
