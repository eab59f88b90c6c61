/* SPDX-License-Identifier: MIT */
#include "common/common.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

const char *nd_addr_format(int ip_version, const uint8_t addr[16], char *buf, size_t len)
{
	if (!inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *nd_endpoint_pair_format(int ip_version, const uint8_t a[16], uint16_t pa,
                                    const uint8_t b[16], uint16_t pb, char *buf, size_t len)
{
	char sa[INET6_ADDRSTRLEN], sb[INET6_ADDRSTRLEN];
	nd_addr_format(ip_version, a, sa, sizeof(sa));
	nd_addr_format(ip_version, b, sb, sizeof(sb));
	if (ip_version == 6)
		snprintf(buf, len, "[%s]:%u -> [%s]:%u", sa, pa, sb, pb);
	else
		snprintf(buf, len, "%s:%u -> %s:%u", sa, pa, sb, pb);
	return buf;
}

unsigned nd_loglin_index(uint64_t v, unsigned sub_bits, unsigned nbuckets)
{
	const unsigned sub = 1u << sub_bits;
	if (v < sub)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - sub_bits;
	unsigned idx = (shift + 1) * sub + (unsigned)((v >> shift) - sub);
	return idx < nbuckets ? idx : nbuckets - 1;
}

uint64_t nd_loglin_upper(unsigned idx, unsigned sub_bits)
{
	const unsigned sub = 1u << sub_bits;
	if (idx < sub)
		return idx;
	unsigned shift = idx / sub - 1;
	uint64_t base = (uint64_t)(sub + idx % sub) << shift;
	return base + ((UINT64_C(1) << shift) - 1);
}

void nd_hist_add(struct nd_hist *h, nd_ns value)
{
	if (value < 0)
		value = 0;
	if (h->count == 0 || value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	h->count++;
	h->sum += value;
	h->buckets[nd_loglin_index((uint64_t)value, ND_HIST_SUB_BITS, ND_HIST_BUCKETS)]++;
}

nd_ns nd_hist_quantile(const struct nd_hist *h, double q)
{
	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if ((double)rank < q * (double)h->count)
		rank++; /* ceil: the smallest value with at least q of samples at or below */
	uint64_t seen = 0;
	for (unsigned i = 0; i < ND_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			nd_ns v = (nd_ns)nd_loglin_upper(i, ND_HIST_SUB_BITS);
			return v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	return h->max;
}

void nd_hist_merge(struct nd_hist *into, const struct nd_hist *from)
{
	if (!from->count)
		return;
	if (!into->count || from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->sum += from->sum;
	for (unsigned i = 0; i < ND_HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
}

void *nd_array_grow(void *arr, size_t *cap, size_t n, size_t esize, size_t first)
{
	if (n < *cap)
		return arr;
	size_t nc = *cap ? *cap * 2 : first;
	void *p = realloc(arr, nc * esize);
	if (p)
		*cap = nc;
	return p;
}
