/* SPDX-License-Identifier: MIT */
#include "decode/decode.h"

#include <pcap/dlt.h>

/* Not every libpcap defines these; the values are the registered ones. */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ETH_P_IPV4     0x0800
#define ETH_P_IPV6     0x86DD
#define ETH_P_8021Q    0x8100
#define ETH_P_8021AD   0x88A8
#define ETH_P_QINQ_OLD 0x9100

#define IPPROTO_TCP_    6
#define IPPROTO_UDP_    17
#define IPPROTO_ICMP_   1
#define IPPROTO_ICMPV6_ 58

/* Where the network layer starts and what it is, as found by the link layer. */
struct link_result {
	uint32_t offset;
	int ip_version; /* 4, 6, or 0 for "not IP" */
};

bool nd_decode_linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

const char *nd_decode_linktype_name(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return "EN10MB";
	case DLT_LINUX_SLL:
		return "LINUX_SLL";
	case DLT_LINUX_SLL2:
		return "LINUX_SLL2";
	case DLT_RAW:
		return "RAW";
	case DLT_IPV4:
		return "IPV4";
	case DLT_IPV6:
		return "IPV6";
	case DLT_NULL:
		return "NULL";
	case DLT_LOOP:
		return "LOOP";
	default:
		return "unknown";
	}
}

const char *nd_decode_result_name(enum nd_decode_result r)
{
	static const char *const names[ND_DECODE_RESULT_COUNT] = {
	        [ND_DECODE_TCP] = "tcp",
	        [ND_DECODE_OTHER_IP] = "other_ip",
	        [ND_DECODE_IP_FRAGMENT] = "ip_fragment",
	        [ND_DECODE_NOT_IP] = "not_ip",
	        [ND_DECODE_TRUNCATED] = "truncated_header",
	        [ND_DECODE_MALFORMED] = "malformed",
	        [ND_DECODE_UNSUPPORTED_LINK] = "unsupported_link",
	};
	return (unsigned)r < ND_DECODE_RESULT_COUNT ? names[r] : "invalid";
}

static int ethertype_ip_version(uint16_t type)
{
	if (type == ETH_P_IPV4)
		return 4;
	if (type == ETH_P_IPV6)
		return 6;
	return 0;
}

/* Ethernet II with any number of 802.1Q/802.1ad tags. */
static enum nd_decode_result link_ethernet(const uint8_t *d, uint32_t caplen,
                                           struct nd_decoded *out, struct link_result *lr)
{
	uint32_t off = 12;
	if (caplen < 14)
		return ND_DECODE_TRUNCATED;
	uint16_t type = nd_be16(d + off);
	while (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ_OLD) {
		if (caplen < off + 6)
			return ND_DECODE_TRUNCATED;
		if (out->n_vlan < 2)
			out->vlan[out->n_vlan] = nd_be16(d + off + 2) & 0x0fff;
		if (out->n_vlan < UINT8_MAX)
			out->n_vlan++;
		off += 4;
		type = nd_be16(d + off);
	}
	lr->offset = off + 2;
	lr->ip_version = ethertype_ip_version(type);
	return ND_DECODE_TCP;
}

/* Linux cooked capture v1: 16-byte header, protocol at offset 14. */
static enum nd_decode_result link_sll(const uint8_t *d, uint32_t caplen, struct link_result *lr)
{
	if (caplen < 16)
		return ND_DECODE_TRUNCATED;
	lr->offset = 16;
	lr->ip_version = ethertype_ip_version(nd_be16(d + 14));
	return ND_DECODE_TCP;
}

/* Linux cooked capture v2: 20-byte header, protocol at offset 0. */
static enum nd_decode_result link_sll2(const uint8_t *d, uint32_t caplen, struct link_result *lr)
{
	if (caplen < 20)
		return ND_DECODE_TRUNCATED;
	lr->offset = 20;
	lr->ip_version = ethertype_ip_version(nd_be16(d));
	return ND_DECODE_TCP;
}

/* BSD loopback: a 4-byte address family, in the writer's byte order for
 * DLT_NULL and in network order for DLT_LOOP. IPv6 has several AF values
 * across BSDs (24, 28, 30). */
static enum nd_decode_result link_loopback(const uint8_t *d, uint32_t caplen, int dlt,
                                           struct link_result *lr)
{
	if (caplen < 4)
		return ND_DECODE_TRUNCATED;
	uint32_t af = nd_be32(d);
	if (dlt == DLT_NULL && (af & 0xffff) == 0)
		af = nd_le32(d);
	lr->offset = 4;
	if (af == 2)
		lr->ip_version = 4;
	else if (af == 24 || af == 28 || af == 30 || af == 10)
		lr->ip_version = 6;
	else
		lr->ip_version = 0;
	return ND_DECODE_TCP;
}

/* Raw IP: the version nibble says which. */
/* Raw IP: the version nibble says which; DLT_IPV4 and DLT_IPV6 promise one
 * (want), and a packet of the other version is malformed there. */
static enum nd_decode_result link_raw(const uint8_t *d, uint32_t caplen, int want,
                                      struct link_result *lr)
{
	if (caplen < 1)
		return ND_DECODE_TRUNCATED;
	lr->offset = 0;
	lr->ip_version = d[0] >> 4;
	if (lr->ip_version != 4 && lr->ip_version != 6)
		return ND_DECODE_MALFORMED;
	if (want && lr->ip_version != want)
		return ND_DECODE_MALFORMED;
	return ND_DECODE_TCP;
}

static enum nd_decode_result decode_link(int dlt, const uint8_t *d, uint32_t caplen,
                                         struct nd_decoded *out, struct link_result *lr)
{
	switch (dlt) {
	case DLT_EN10MB:
		return link_ethernet(d, caplen, out, lr);
	case DLT_LINUX_SLL:
		return link_sll(d, caplen, lr);
	case DLT_LINUX_SLL2:
		return link_sll2(d, caplen, lr);
	case DLT_NULL:
	case DLT_LOOP:
		return link_loopback(d, caplen, dlt, lr);
	case DLT_RAW:
		return link_raw(d, caplen, 0, lr);
	case DLT_IPV4:
		return link_raw(d, caplen, 4, lr);
	case DLT_IPV6:
		return link_raw(d, caplen, 6, lr);
	default:
		return ND_DECODE_UNSUPPORTED_LINK;
	}
}

/* Payload length the IP header claims, reconciled with the frame: a length
 * of 0 (TSO, as Wireshark presumes) or one longer than the frame on the wire
 * falls back to what the frame carried. */
static uint32_t reconcile_ip_len(uint32_t claimed_total, uint32_t wire_avail,
                                 struct nd_decoded *out)
{
	if (claimed_total == 0) {
		out->ip_len_zero = true;
		return wire_avail;
	}
	if (claimed_total > wire_avail) {
		out->ip_len_exceeds_frame = true;
		return wire_avail;
	}
	return claimed_total;
}

static enum nd_decode_result decode_ipv4(const uint8_t *ip, uint32_t cap, uint32_t wire,
                                         struct nd_decoded *out, struct nd_decode_stats *st,
                                         uint32_t *l4_off)
{
	if (cap < 20)
		return ND_DECODE_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return ND_DECODE_MALFORMED;
	uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20)
		return ND_DECODE_MALFORMED;
	/* Inconsistent lengths are malformed whatever the snaplen kept. */
	uint32_t total = reconcile_ip_len(nd_be16(ip + 2), wire, out);
	if (total < ihl)
		return ND_DECODE_MALFORMED;
	if (cap < ihl)
		return ND_DECODE_TRUNCATED;
	out->ip_version = 4;
	if (st)
		st->ipv4++;
	out->ip_options = ihl > 20;
	if (out->ip_options && st)
		st->ipv4_options++;
	out->ip_id = nd_be16(ip + 4);
	out->ttl = ip[8];
	out->ip_proto = ip[9];
	memcpy(out->src, ip + 12, 4);
	memcpy(out->dst, ip + 16, 4);
	out->ip_payload_len = total - ihl;
	uint16_t frag = nd_be16(ip + 6);
	if ((frag & 0x2000) || (frag & 0x1fff)) {
		if (st)
			st->ipv4_fragments++;
		return ND_DECODE_IP_FRAGMENT;
	}
	*l4_off = ihl;
	return ND_DECODE_TCP;
}

/* Walks IPv6 extension headers up to the upper-layer protocol. */
static enum nd_decode_result ipv6_walk_ext(const uint8_t *ip, uint32_t cap, struct nd_decoded *out,
                                           struct nd_decode_stats *st, uint32_t *l4_off)
{
	uint8_t next = ip[6];
	uint32_t off = 40;
	for (int guard = 0; guard < 16; guard++) {
		switch (next) {
		case 0:   /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility */
		case 139: /* HIP */
		case 140: /* shim6 */
			if (cap < off + 8)
				return ND_DECODE_TRUNCATED;
			out->ip_options = true;
			next = ip[off];
			off += 8 + (uint32_t)ip[off + 1] * 8;
			break;
		case 51: /* AH: length in 4-byte units, minus 2 */
			if (cap < off + 8)
				return ND_DECODE_TRUNCATED;
			out->ip_options = true;
			next = ip[off];
			off += ((uint32_t)ip[off + 1] + 2) * 4;
			break;
		case 44: /* fragment */
			if (cap < off + 8)
				return ND_DECODE_TRUNCATED;
			if (st)
				st->ipv6_fragments++;
			out->ip_proto = ip[off];
			return ND_DECODE_IP_FRAGMENT;
		default:
			if (out->ip_options && st)
				st->ipv6_ext_headers++;
			out->ip_proto = next;
			*l4_off = off;
			return ND_DECODE_TCP;
		}
	}
	return ND_DECODE_MALFORMED;
}

static enum nd_decode_result decode_ipv6(const uint8_t *ip, uint32_t cap, uint32_t wire,
                                         struct nd_decoded *out, struct nd_decode_stats *st,
                                         uint32_t *l4_off)
{
	if (cap < 40)
		return ND_DECODE_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return ND_DECODE_MALFORMED;
	out->ip_version = 6;
	if (st)
		st->ipv6++;
	out->ttl = ip[7];
	memcpy(out->src, ip + 8, 16);
	memcpy(out->dst, ip + 24, 16);
	uint32_t plen = nd_be16(ip + 4);
	uint32_t total = reconcile_ip_len(plen == 0 ? 0 : plen + 40, wire, out);
	if (total < 40)
		return ND_DECODE_MALFORMED;
	enum nd_decode_result r = ipv6_walk_ext(ip, cap, out, st, l4_off);
	if (r != ND_DECODE_TCP)
		return r;
	if (*l4_off > total)
		return ND_DECODE_MALFORMED;
	out->ip_payload_len = total - *l4_off;
	return ND_DECODE_TCP;
}

static bool tcp_option_fits(uint8_t kind, uint8_t len)
{
	switch (kind) {
	case 2:
		return len == 4;
	case 3:
		return len == 3;
	case 4:
		return len == 2;
	case 5:
		return len >= 10 && (len - 2) % 8 == 0;
	case 8:
		return len == 10;
	default:
		return len >= 2;
	}
}

static void tcp_option_store(uint8_t kind, uint8_t len, const uint8_t *o,
                             struct nd_tcp_options *opt)
{
	switch (kind) {
	case 2:
		opt->has_mss = true;
		opt->mss = nd_be16(o + 2);
		break;
	case 3:
		opt->has_wscale = true;
		opt->wscale = o[2];
		break;
	case 4:
		opt->sack_permitted = true;
		break;
	case 5:
		for (uint32_t i = 2; i + 8 <= len && opt->n_sack < ND_TCP_MAX_SACK; i += 8) {
			opt->sack_left[opt->n_sack] = nd_be32(o + i);
			opt->sack_right[opt->n_sack] = nd_be32(o + i + 4);
			opt->n_sack++;
		}
		break;
	case 8:
		opt->has_timestamps = true;
		opt->ts_val = nd_be32(o + 2);
		opt->ts_ecr = nd_be32(o + 6);
		break;
	case 34:
		opt->has_tfo = true;
		break;
	default:
		break;
	}
}

/* Parses the option area; on a malformed option it stops and keeps what was
 * decoded before it, as the segment itself is still valid. */
static void decode_tcp_options(const uint8_t *o, uint32_t len, struct nd_tcp_options *opt)
{
	uint32_t i = 0;
	while (i < len) {
		uint8_t kind = o[i];
		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len ||
		    !tcp_option_fits(kind, o[i + 1])) {
			opt->malformed = true;
			return;
		}
		tcp_option_store(kind, o[i + 1], o + i, opt);
		i += o[i + 1];
	}
}

static enum nd_decode_result decode_tcp(const uint8_t *t, uint32_t cap, struct nd_decoded *out,
                                        struct nd_decode_stats *st)
{
	if (out->ip_payload_len < 20)
		return ND_DECODE_MALFORMED; /* no room for a TCP header, whatever was captured */
	if (cap < 20)
		return ND_DECODE_TRUNCATED;
	uint32_t hlen = (uint32_t)(t[12] >> 4) * 4;
	if (hlen < 20 || hlen > out->ip_payload_len)
		return ND_DECODE_MALFORMED;
	out->sport = nd_be16(t);
	out->dport = nd_be16(t + 2);
	out->seq = nd_be32(t + 4);
	out->ack = nd_be32(t + 8);
	out->flags = t[13];
	out->window = nd_be16(t + 14);
	out->tcp_hdr_len = (uint8_t)hlen;
	if (cap < hlen)
		return ND_DECODE_TRUNCATED;
	decode_tcp_options(t + 20, hlen - 20, &out->opt);
	if (out->opt.malformed && st)
		st->tcp_bad_options++;
	out->seglen = out->ip_payload_len - hlen;
	out->payload = t + hlen;
	out->payload_caplen = ND_MIN(cap - hlen, out->seglen);
	if (st)
		st->tcp++;
	return ND_DECODE_TCP;
}

static void count_proto(uint8_t proto, struct nd_decode_stats *st)
{
	if (!st)
		return;
	if (proto == IPPROTO_UDP_)
		st->udp++;
	else if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_)
		st->icmp++;
	else
		st->other_proto++;
}

static enum nd_decode_result decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
                                          uint32_t len, struct nd_decoded *out,
                                          struct nd_decode_stats *st)
{
	struct link_result lr = {0};
	enum nd_decode_result r = decode_link(dlt, data, caplen, out, &lr);
	if (r != ND_DECODE_TCP)
		return r;
	if (out->n_vlan && st)
		st->vlan_tagged++;
	out->l3_offset = lr.offset;
	if (lr.ip_version == 0)
		return ND_DECODE_NOT_IP;
	if (caplen < lr.offset)
		return ND_DECODE_TRUNCATED;
	const uint8_t *ip = data + lr.offset;
	uint32_t cap = caplen - lr.offset;
	uint32_t wire = len > lr.offset ? len - lr.offset : 0;
	uint32_t l4 = 0;
	r = lr.ip_version == 4 ? decode_ipv4(ip, cap, wire, out, st, &l4)
	                       : decode_ipv6(ip, cap, wire, out, st, &l4);
	if (r != ND_DECODE_TCP)
		return r;
	if (out->ip_len_zero && st)
		st->ip_len_zero++;
	if (out->ip_proto != IPPROTO_TCP_) {
		count_proto(out->ip_proto, st);
		return ND_DECODE_OTHER_IP;
	}
	if (cap < l4)
		return ND_DECODE_TRUNCATED;
	return decode_tcp(ip + l4, cap - l4, out, st);
}

enum nd_decode_result nd_decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t len,
                                      struct nd_decoded *out, struct nd_decode_stats *st)
{
	memset(out, 0, sizeof(*out));
	if (len < caplen)
		len = caplen; /* a writer bug; the bytes we have are real */
	out->truncated = caplen < len;
	enum nd_decode_result r = decode_frame(dlt, data, caplen, len, out, st);
	if (st)
		st->results[r]++;
	return r;
}
