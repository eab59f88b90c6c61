/* SPDX-License-Identifier: MIT */
/* decode: turns one captured frame into the header fields the analysis needs.
 * It never copies payload: nd_decoded points into the caller's frame. Every
 * read is bounded by the captured length; the reported (wire) length decides
 * what the packet was. */
#ifndef ND_DECODE_H
#define ND_DECODE_H

#include "common/common.h"

enum nd_decode_result {
	ND_DECODE_TCP = 0,     /* a TCP segment: the tcp fields are valid */
	ND_DECODE_OTHER_IP,    /* IPv4/IPv6 but not TCP (UDP, ICMP, ...) */
	ND_DECODE_IP_FRAGMENT, /* a fragment: counted, not reassembled */
	ND_DECODE_NOT_IP,      /* ARP, LLC, other ethertypes */
	ND_DECODE_TRUNCATED,   /* a header needed for decoding was cut by the snaplen */
	ND_DECODE_MALFORMED,   /* a header is inconsistent (bad version, length, ...) */
	ND_DECODE_UNSUPPORTED_LINK,
	ND_DECODE_RESULT_COUNT
};

enum nd_tcp_flag {
	ND_TCP_FIN = 0x01,
	ND_TCP_SYN = 0x02,
	ND_TCP_RST = 0x04,
	ND_TCP_PSH = 0x08,
	ND_TCP_ACK = 0x10,
	ND_TCP_URG = 0x20,
	ND_TCP_ECE = 0x40,
	ND_TCP_CWR = 0x80,
};

#define ND_TCP_MAX_SACK 4

/* TCP options, decoded (RFC 793, 7323, 2018, 7413). */
struct nd_tcp_options {
	bool has_mss, has_wscale, sack_permitted, has_timestamps, has_tfo, malformed;
	uint16_t mss;
	uint8_t wscale;
	uint8_t n_sack;
	uint32_t sack_left[ND_TCP_MAX_SACK], sack_right[ND_TCP_MAX_SACK];
	uint32_t ts_val, ts_ecr;
};

struct nd_decoded {
	/* link layer */
	uint8_t n_vlan;     /* 802.1Q / 802.1ad tags seen (up to 2 recorded) */
	uint16_t vlan[2];   /* VLAN ids, outer first */
	uint32_t l3_offset; /* offset of the IP header in the frame */

	/* network layer */
	uint8_t ip_version; /* 4 or 6, 0 when not IP */
	uint8_t ip_proto;   /* final upper-layer protocol */
	uint8_t src[16], dst[16];
	uint16_t ip_id;
	uint8_t ttl;
	bool ip_len_zero;          /* IPv4 total / IPv6 payload length of 0: TSO presumed */
	bool ip_len_exceeds_frame; /* IP length larger than the frame on the wire */
	bool ip_options;           /* IPv4 options or IPv6 extension headers present */
	uint32_t ip_payload_len;   /* from the IP length (or frame when 0/too long) */

	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;   /* enum nd_tcp_flag bits */
	uint16_t window; /* raw, unscaled */
	uint8_t tcp_hdr_len;
	struct nd_tcp_options opt;
	uint32_t seglen;         /* payload length the packet had on the wire */
	uint32_t payload_caplen; /* payload bytes present in the capture */
	const uint8_t *payload;  /* first payload byte (payload_caplen bytes valid) */

	bool truncated; /* the frame was cut by the snaplen (caplen < len) */
};

/* Per-run decode counters, owned by the caller. */
struct nd_decode_stats {
	uint64_t results[ND_DECODE_RESULT_COUNT];
	uint64_t ipv4, ipv6, tcp, udp, icmp, other_proto;
	uint64_t vlan_tagged;
	uint64_t ipv4_fragments, ipv6_fragments;
	uint64_t ipv4_options, ipv6_ext_headers;
	uint64_t ip_len_zero;
	uint64_t tcp_bad_options;
};

/* True for the link types netdiag decodes: Ethernet (with VLAN tags), Linux
 * cooked v1/v2, raw IP, IPv4, IPv6, BSD loopback (DLT_NULL and DLT_LOOP). */
bool nd_decode_linktype_supported(int dlt);

/* Human name of a DLT value ("EN10MB", "LINUX_SLL2", ...); never NULL. */
const char *nd_decode_linktype_name(int dlt);

/* Decodes one frame. data has caplen bytes; len is the wire length. Counters
 * in stats (may be NULL) are updated. */
enum nd_decode_result nd_decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t len,
                                      struct nd_decoded *out, struct nd_decode_stats *stats);

const char *nd_decode_result_name(enum nd_decode_result r);

#endif
