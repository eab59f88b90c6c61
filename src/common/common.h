/* SPDX-License-Identifier: MIT */
/* Small shared vocabulary for every netdiag module: time, byte order and
 * bounded counters. Nothing here allocates. */
#ifndef ND_COMMON_H
#define ND_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Nanoseconds since the Unix epoch. Captures are opened with nanosecond
 * precision so files of both precisions compare on one scale. */
typedef int64_t nd_ns;

#define ND_NS_PER_SEC INT64_C(1000000000)
#define ND_NS_PER_MS  INT64_C(1000000)
#define ND_NS_PER_US  INT64_C(1000)

#define ND_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ND_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define ND_MAX(a, b)    ((a) > (b) ? (a) : (b))

static inline double nd_ns_to_sec(nd_ns t)
{
	return (double)t / 1e9;
}
static inline double nd_ns_to_ms(nd_ns t)
{
	return (double)t / 1e6;
}

/* Unaligned big/little-endian loads: packet data has no alignment promise,
 * so memcpy is the only defined way to read it. */
static inline uint16_t nd_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t nd_be24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}
static inline uint32_t nd_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint16_t nd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t nd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}
static inline uint64_t nd_le64(const uint8_t *p)
{
	return (uint64_t)nd_le32(p) | ((uint64_t)nd_le32(p + 4) << 32);
}

/* Wrap-safe TCP sequence comparisons (RFC 1982 style). */
static inline bool nd_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool nd_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool nd_seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool nd_seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* 64-bit FNV-1a, used for flow and request hash tables. */
static inline uint64_t nd_hash_bytes(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}
#define ND_HASH_INIT UINT64_C(0xcbf29ce484222325)

/* Copies src into dst (size n > 0), cutting it if needed; always terminated. */
static inline void nd_str_copy(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = 0;
}

/* Growable arrays: returns arr with room for element n (doubling *cap from
 * first when n == *cap), or NULL when out of memory (arr is then unchanged
 * and still owned by the caller). */
void *nd_array_grow(void *arr, size_t *cap, size_t n, size_t esize, size_t first);

/* Formats an IPv4 or IPv6 address (16 bytes, v4 in the first 4) into buf. */
const char *nd_addr_format(int ip_version, const uint8_t addr[16], char *buf, size_t len);

/* Formats "a.b.c.d:p -> e.f.g.h:q" (IPv6 in brackets). */
const char *nd_endpoint_pair_format(int ip_version, const uint8_t a[16], uint16_t pa,
                                    const uint8_t b[16], uint16_t pb, char *buf, size_t len);

/* Log-linear bucketing: values below 2^sub_bits map 1:1; above, each power
 * of two is split into 2^sub_bits linear buckets. Shared by the latency and
 * RTT histograms. The index is capped at nbuckets - 1. */
unsigned nd_loglin_index(uint64_t v, unsigned sub_bits, unsigned nbuckets);
/* The largest value that lands in bucket idx. */
uint64_t nd_loglin_upper(unsigned idx, unsigned sub_bits);

/* A log-linear latency histogram: bounded memory, <= 6% bucket width, used
 * for percentiles instead of keeping every sample. Values are nanoseconds. */
#define ND_HIST_SUB_BITS 4 /* 16 sub-buckets per power of two: <= 6% bucket width */
#define ND_HIST_BUCKETS  (64 * (1 << ND_HIST_SUB_BITS))
struct nd_hist {
	uint64_t count;
	nd_ns min, max, sum;
	uint32_t buckets[ND_HIST_BUCKETS];
};
void nd_hist_add(struct nd_hist *h, nd_ns value);
/* q in [0,1]; returns an upper bound of the bucket holding the quantile,
 * clamped to [min, max]. 0 when empty. */
nd_ns nd_hist_quantile(const struct nd_hist *h, double q);
void nd_hist_merge(struct nd_hist *into, const struct nd_hist *from);

#endif
