/* SPDX-License-Identifier: MIT */
/* Unit tests for common/: byte order loads, sequence arithmetic, address
 * formatting, the latency histogram and bounded string copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"

/* ---- byte order ------------------------------------------------------- */

static void test_byte_order(void **state)
{
	(void)state;
	/* One leading byte so every load is unaligned. */
	static const uint8_t b[] = {0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};
	const uint8_t *p = b + 1;
	assert_int_equal(nd_be16(p), 0x1234);
	assert_int_equal(nd_be24(p), 0x123456);
	assert_int_equal(nd_be32(p), 0x12345678);
	assert_int_equal(nd_le16(p), 0x3412);
	assert_int_equal(nd_le32(p), 0x78563412);
	assert_true(nd_le64(p) == UINT64_C(0xf0debc9a78563412));
}

static void test_byte_order_high_bits(void **state)
{
	(void)state;
	/* Bytes >= 0x80 catch sign extension through int promotion. */
	static const uint8_t b[] = {0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8};
	assert_int_equal(nd_be16(b), 0xfffe);
	assert_int_equal(nd_be24(b), 0xfffefd);
	assert_true(nd_be32(b) == UINT32_C(0xfffefdfc));
	assert_int_equal(nd_le16(b), 0xfeff);
	assert_true(nd_le32(b) == UINT32_C(0xfcfdfeff));
	assert_true(nd_le64(b) == UINT64_C(0xf8f9fafbfcfdfeff));
	static const uint8_t z[] = {0x80, 0, 0, 0, 0, 0, 0, 0x80};
	assert_true(nd_be32(z) == UINT32_C(0x80000000));
	assert_true(nd_le64(z) == UINT64_C(0x8000000000000080));
}

/* ---- sequence numbers ------------------------------------------------- */

static void test_seq_wraparound(void **state)
{
	(void)state;
	const uint32_t a = 0xFFFFFFF0u, b = 0x10u;
	/* b is 32 after a once the sequence space wraps. */
	assert_true(nd_seq_lt(a, b));
	assert_true(nd_seq_le(a, b));
	assert_false(nd_seq_gt(a, b));
	assert_false(nd_seq_ge(a, b));
	assert_true(nd_seq_gt(b, a));
	assert_true(nd_seq_ge(b, a));
	assert_false(nd_seq_lt(b, a));
	assert_false(nd_seq_le(b, a));
	/* Equal values. */
	assert_true(nd_seq_le(a, a));
	assert_true(nd_seq_ge(a, a));
	assert_false(nd_seq_lt(a, a));
	assert_false(nd_seq_gt(a, a));
	/* Plain, non-wrapping order. */
	assert_true(nd_seq_lt(100, 200));
	assert_true(nd_seq_gt(200, 100));
	/* Across the 2^31 boundary without wrapping. */
	assert_true(nd_seq_lt(0x7FFFFFF0u, 0x80000010u));
	assert_true(nd_seq_gt(0x80000010u, 0x7FFFFFF0u));
	/* Just under half the space apart: still ordered forward. */
	assert_true(nd_seq_lt(0, 0x7FFFFFFFu));
}

/* ---- hashing ---------------------------------------------------------- */

static void test_hash_fnv1a(void **state)
{
	(void)state;
	assert_true(nd_hash_bytes(ND_HASH_INIT, "", 0) == UINT64_C(0xcbf29ce484222325));
	/* Published FNV-1a 64-bit test vectors. */
	assert_true(nd_hash_bytes(ND_HASH_INIT, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	assert_true(nd_hash_bytes(ND_HASH_INIT, "foobar", 6) == UINT64_C(0x85944171f73967e8));
	/* Incremental hashing equals one call over the concatenation. */
	uint64_t h = nd_hash_bytes(ND_HASH_INIT, "foo", 3);
	assert_true(nd_hash_bytes(h, "bar", 3) == UINT64_C(0x85944171f73967e8));
}

/* ---- time conversions ------------------------------------------------- */

static void test_time_conversions(void **state)
{
	(void)state;
	assert_true(nd_ns_to_sec(1500 * ND_NS_PER_MS) == 1.5);
	assert_true(nd_ns_to_ms(2500 * ND_NS_PER_US) == 2.5);
	assert_true(ND_NS_PER_SEC == 1000 * ND_NS_PER_MS);
	assert_true(ND_NS_PER_MS == 1000 * ND_NS_PER_US);
}

/* ---- address formatting ----------------------------------------------- */

static void test_addr_format_v4(void **state)
{
	(void)state;
	uint8_t a[16] = {192, 168, 100, 200};
	char buf[64];
	assert_ptr_equal(nd_addr_format(4, a, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "192.168.100.200");
	uint8_t z[16] = {0};
	assert_string_equal(nd_addr_format(4, z, buf, sizeof(buf)), "0.0.0.0");
	/* Too small a buffer: a marker, still terminated. */
	char small[8];
	assert_string_equal(nd_addr_format(4, a, small, sizeof(small)), "?");
}

static void test_addr_format_v6(void **state)
{
	(void)state;
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	char buf[64];
	assert_string_equal(nd_addr_format(6, a, buf, sizeof(buf)), "2001:db8::1");
	uint8_t b[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
	                 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
	assert_string_equal(nd_addr_format(6, b, buf, sizeof(buf)), "fe80::211:22ff:fe33:4455");
	uint8_t c[16] = {0};
	assert_string_equal(nd_addr_format(6, c, buf, sizeof(buf)), "::");
}

static void test_endpoint_pair_format(void **state)
{
	(void)state;
	uint8_t a[16] = {10, 0, 0, 1}, b[16] = {10, 0, 0, 2};
	char buf[128];
	assert_ptr_equal(nd_endpoint_pair_format(4, a, 49152, b, 445, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "10.0.0.1:49152 -> 10.0.0.2:445");

	uint8_t c[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	uint8_t d[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};
	assert_string_equal(nd_endpoint_pair_format(6, c, 1234, d, 445, buf, sizeof(buf)),
	                    "[2001:db8::1]:1234 -> [2001:db8::2]:445");
	assert_string_equal(nd_endpoint_pair_format(4, a, 0, b, 65535, buf, sizeof(buf)),
	                    "10.0.0.1:0 -> 10.0.0.2:65535");

	/* A short buffer is cut, terminated, and nothing past it is written. */
	char small[12];
	memset(small, 'X', sizeof(small));
	nd_endpoint_pair_format(4, a, 49152, b, 445, small, 10);
	assert_string_equal(small, "10.0.0.1:");
	assert_int_equal(small[10], 'X');
	assert_int_equal(small[11], 'X');
}

/* ---- nd_str_copy ------------------------------------------------------ */

static void test_str_copy(void **state)
{
	(void)state;
	char buf[16];

	memset(buf, 'X', sizeof(buf));
	nd_str_copy(buf, 4, "hello");
	assert_string_equal(buf, "hel");
	assert_int_equal(buf[4], 'X'); /* nothing written past n */

	memset(buf, 'X', sizeof(buf));
	nd_str_copy(buf, 6, "hello");
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'X');

	memset(buf, 'X', sizeof(buf));
	nd_str_copy(buf, 5, "hello"); /* one short: the last character is cut */
	assert_string_equal(buf, "hell");

	memset(buf, 'X', sizeof(buf));
	nd_str_copy(buf, 1, "hello");
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'X');

	nd_str_copy(buf, sizeof(buf), "");
	assert_string_equal(buf, "");

	nd_str_copy(buf, sizeof(buf), "short");
	assert_string_equal(buf, "short");
}

/* ---- histogram -------------------------------------------------------- */

static struct nd_hist *hist_new(void)
{
	struct nd_hist *h = calloc(1, sizeof(*h));
	assert_non_null(h);
	return h;
}

static int cmp_ns(const void *a, const void *b)
{
	nd_ns x = *(const nd_ns *)a, y = *(const nd_ns *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted values: the smallest value with at least q of the
 * samples at or below it. */
static nd_ns exact_quantile(const nd_ns *sorted, size_t n, double q)
{
	if (q <= 0)
		return sorted[0];
	size_t rank = (size_t)(q * (double)n);
	if ((double)rank < q * (double)n)
		rank++;
	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* Checks count/min/max/sum and every percentile of h against the samples. */
static void check_hist_against(const struct nd_hist *h, nd_ns *v, size_t n)
{
	nd_ns sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(*v), cmp_ns);
	assert_int_equal(h->count, n);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[n - 1]);
	assert_int_equal(h->sum, sum);
	for (int pct = 0; pct <= 1000; pct++) {
		double q = pct / 1000.0;
		nd_ns want = exact_quantile(v, n, q);
		nd_ns got = nd_hist_quantile(h, q);
		if (got < h->min || got > h->max)
			fail_msg("q=%.3f: %lld outside [min %lld, max %lld]", q, (long long)got,
			         (long long)h->min, (long long)h->max);
		/* An upper bound of the right bucket: never below the true value,
		 * at most one bucket width (<= 1/16 of it) above. */
		if (got < want || (double)(got - want) > (double)want / 16.0)
			fail_msg("q=%.3f: got %lld, exact %lld", q, (long long)got,
			         (long long)want);
	}
}

static void test_hist_empty(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	assert_int_equal(nd_hist_quantile(h, 0.0), 0);
	assert_int_equal(nd_hist_quantile(h, 0.5), 0);
	assert_int_equal(nd_hist_quantile(h, 0.99), 0);
	assert_int_equal(nd_hist_quantile(h, 1.0), 0);
	assert_int_equal(h->count, 0);
	free(h);
}

static void test_hist_uniform_ms(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	nd_ns v[1000];
	for (int i = 0; i < 1000; i++) {
		/* Added in a shuffled order: the result must not depend on it. */
		v[i] = (nd_ns)((i * 7919) % 1000 + 1) * ND_NS_PER_MS;
		nd_hist_add(h, v[i]);
	}
	assert_int_equal(h->min, 1 * ND_NS_PER_MS);
	assert_int_equal(h->max, 1000 * ND_NS_PER_MS);
	assert_int_equal(h->sum, 500500 * ND_NS_PER_MS);
	/* Spot checks with plain numbers. */
	nd_ns p50 = nd_hist_quantile(h, 0.5);
	assert_true(p50 >= 500 * ND_NS_PER_MS && p50 <= 500 * ND_NS_PER_MS * 17 / 16);
	nd_ns p99 = nd_hist_quantile(h, 0.99);
	assert_true(p99 >= 990 * ND_NS_PER_MS && p99 <= 1000 * ND_NS_PER_MS);
	assert_int_equal(nd_hist_quantile(h, 0.0), 1 * ND_NS_PER_MS);
	assert_int_equal(nd_hist_quantile(h, 1.0), 1000 * ND_NS_PER_MS);
	check_hist_against(h, v, 1000);
	free(h);
}

static void test_hist_constant(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	const nd_ns c = 12345678;
	for (int i = 0; i < 500; i++)
		nd_hist_add(h, c);
	assert_int_equal(h->count, 500);
	assert_int_equal(h->min, c);
	assert_int_equal(h->max, c);
	assert_int_equal(h->sum, 500 * c);
	/* Clamped to [min, max]: a constant is reported exactly. */
	for (int pct = 0; pct <= 100; pct++)
		assert_int_equal(nd_hist_quantile(h, pct / 100.0), c);
	free(h);
}

static void test_hist_two_clusters(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	nd_ns v[1000];
	size_t n = 0;
	/* 900 samples around 1 ms, 100 around 200 ms. */
	for (int i = 0; i < 900; i++)
		v[n++] = ND_NS_PER_MS + (nd_ns)(i % 90) * ND_NS_PER_US;
	for (int i = 0; i < 100; i++)
		v[n++] = 200 * ND_NS_PER_MS + (nd_ns)i * 10 * ND_NS_PER_US;
	for (size_t i = 0; i < n; i++)
		nd_hist_add(h, v[i]);
	nd_ns p50 = nd_hist_quantile(h, 0.5), p90 = nd_hist_quantile(h, 0.90);
	nd_ns p91 = nd_hist_quantile(h, 0.91), p99 = nd_hist_quantile(h, 0.99);
	assert_true(p50 >= ND_NS_PER_MS && p50 < 2 * ND_NS_PER_MS);
	assert_true(p90 < 2 * ND_NS_PER_MS); /* the 900th sample is still in the first cluster */
	assert_true(p91 >= 200 * ND_NS_PER_MS);
	assert_true(p99 >= 200 * ND_NS_PER_MS && p99 <= h->max);
	check_hist_against(h, v, n);
	free(h);
}

/* A deterministic spread over many magnitudes, 0 ns to ~17 minutes. */
static void test_hist_wide_range(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	enum { N = 5000 };
	nd_ns *v = calloc(N, sizeof(*v));
	assert_non_null(v);
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned bits = (unsigned)(x % 41); /* up to 2^40 ns */
		v[i] = (nd_ns)((x >> 8) & ((UINT64_C(1) << bits) - 1));
		nd_hist_add(h, v[i]);
	}
	check_hist_against(h, v, N);
	free(v);
	free(h);
}

static void test_hist_small_values_exact(void **state)
{
	(void)state;
	/* Values below 16 have a bucket each: quantiles are exact. */
	struct nd_hist *h = hist_new();
	for (nd_ns i = 0; i < 16; i++)
		nd_hist_add(h, i);
	assert_int_equal(nd_hist_quantile(h, 0.5), 7); /* 8th of 16 */
	assert_int_equal(nd_hist_quantile(h, 0.25), 3);
	assert_int_equal(nd_hist_quantile(h, 1.0 / 16), 0);
	assert_int_equal(nd_hist_quantile(h, 0.9999), 15);
	free(h);
}

static void test_hist_quantile_clamped(void **state)
{
	(void)state;
	/* One sample just above a power of two: its bucket's upper bound lies
	 * above it, but the answer must not exceed the maximum seen. */
	struct nd_hist *h = hist_new();
	nd_hist_add(h, 1025);
	for (int pct = 1; pct < 100; pct++)
		assert_int_equal(nd_hist_quantile(h, pct / 100.0), 1025);
	nd_hist_add(h, 1030);
	nd_ns lo = nd_hist_quantile(h, 0.01), hi = nd_hist_quantile(h, 0.99);
	assert_true(lo >= 1025 && lo <= 1030);
	assert_int_equal(hi, 1030);
	free(h);
}

static void test_hist_bucket_top_exact(void **state)
{
	(void)state;
	/* A value at the top of its bucket (2^k - 1) is its own bucket's upper
	 * bound: the quantile must be that value, not the next bucket's start. */
	static const nd_ns tops[] = {31, 1023, 65535, (INT64_C(1) << 40) - 1};
	for (size_t i = 0; i < ND_ARRAY_LEN(tops); i++) {
		struct nd_hist *h = hist_new();
		nd_hist_add(h, tops[i]);
		nd_hist_add(h, tops[i]);
		nd_hist_add(h, tops[i] * 4);
		assert_int_equal(nd_hist_quantile(h, 0.5), tops[i]);
		assert_int_equal(nd_hist_quantile(h, 0.66), tops[i]);
		assert_int_equal(nd_hist_quantile(h, 0.67), tops[i] * 4);
		free(h);
	}
}

static void test_hist_negative_clamped(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	nd_hist_add(h, -5);
	nd_hist_add(h, 10);
	assert_int_equal(h->count, 2);
	assert_int_equal(h->min, 0);
	assert_int_equal(h->max, 10);
	assert_int_equal(h->sum, 10);
	assert_int_equal(nd_hist_quantile(h, 0.5), 0);
	free(h);
}

static void test_hist_huge_value(void **state)
{
	(void)state;
	struct nd_hist *h = hist_new();
	const nd_ns big = (nd_ns)1 << 62; /* ~146 years: the top buckets */
	nd_hist_add(h, big);
	nd_hist_add(h, 1);
	assert_int_equal(h->max, big);
	assert_int_equal(h->sum, big + 1);
	assert_int_equal(nd_hist_quantile(h, 1.0), big);
	assert_int_equal(nd_hist_quantile(h, 0.75), big);
	assert_int_equal(nd_hist_quantile(h, 0.5), 1);
	free(h);
}

static void test_hist_merge(void **state)
{
	(void)state;
	struct nd_hist *a = hist_new(), *b = hist_new(), *all = hist_new();
	for (int i = 1; i <= 300; i++) {
		nd_ns v = (nd_ns)i * 3 * ND_NS_PER_US;
		nd_hist_add(a, v);
		nd_hist_add(all, v);
	}
	for (int i = 1; i <= 200; i++) {
		nd_ns v = (nd_ns)i * 50 * ND_NS_PER_MS + 17;
		nd_hist_add(b, v);
		nd_hist_add(all, v);
	}
	/* b's minimum is above a's, its maximum above too. */
	nd_hist_add(b, 1);
	nd_hist_add(all, 1);
	nd_hist_merge(a, b);
	assert_int_equal(a->count, all->count);
	assert_int_equal(a->min, all->min);
	assert_int_equal(a->max, all->max);
	assert_int_equal(a->sum, all->sum);
	assert_memory_equal(a->buckets, all->buckets, sizeof(a->buckets));
	for (int pct = 0; pct <= 100; pct++)
		assert_int_equal(nd_hist_quantile(a, pct / 100.0),
		                 nd_hist_quantile(all, pct / 100.0));
	free(a);
	free(b);
	free(all);
}

static void test_hist_merge_empty(void **state)
{
	(void)state;
	struct nd_hist *a = hist_new(), *empty = hist_new(), *copy = hist_new();
	nd_hist_add(a, 500);
	nd_hist_add(a, 700);
	memcpy(copy, a, sizeof(*a));
	/* Merging an empty histogram changes nothing (min stays 500, not 0). */
	nd_hist_merge(a, empty);
	assert_memory_equal(a, copy, sizeof(*a));
	/* Merging into an empty one copies. */
	nd_hist_merge(empty, a);
	assert_int_equal(empty->count, 2);
	assert_int_equal(empty->min, 500);
	assert_int_equal(empty->max, 700);
	assert_int_equal(empty->sum, 1200);
	assert_memory_equal(empty->buckets, a->buckets, sizeof(a->buckets));
	free(a);
	free(empty);
	free(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_byte_order),
	        cmocka_unit_test(test_byte_order_high_bits),
	        cmocka_unit_test(test_seq_wraparound),
	        cmocka_unit_test(test_hash_fnv1a),
	        cmocka_unit_test(test_time_conversions),
	        cmocka_unit_test(test_addr_format_v4),
	        cmocka_unit_test(test_addr_format_v6),
	        cmocka_unit_test(test_endpoint_pair_format),
	        cmocka_unit_test(test_str_copy),
	        cmocka_unit_test(test_hist_empty),
	        cmocka_unit_test(test_hist_uniform_ms),
	        cmocka_unit_test(test_hist_constant),
	        cmocka_unit_test(test_hist_two_clusters),
	        cmocka_unit_test(test_hist_wide_range),
	        cmocka_unit_test(test_hist_small_values_exact),
	        cmocka_unit_test(test_hist_quantile_clamped),
	        cmocka_unit_test(test_hist_bucket_top_exact),
	        cmocka_unit_test(test_hist_negative_clamped),
	        cmocka_unit_test(test_hist_huge_value),
	        cmocka_unit_test(test_hist_merge),
	        cmocka_unit_test(test_hist_merge_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
