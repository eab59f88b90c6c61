/* SPDX-License-Identifier: MIT */
/* Unit tests for the smb module: decoders with crafted PDUs (every length
 * and offset field pointing outside the PDU), the framing (splits at every
 * byte, holes, resync, late segments) and the matching rules. Streams are
 * fed straight into the framing layer, without a tcp flow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "smb/smb_internal.h"
/* Builds TCP segments through the real flow table (network counters). */
#include "../tcp/tcp_trace.h"

/* ---- builders ---- */

static size_t put_hdr(uint8_t *p, uint16_t cmd, uint32_t flags, uint64_t mid, uint32_t status,
                      uint32_t next, uint32_t tree, uint64_t sid)
{
	memset(p, 0, SMB2_HDR_LEN);
	memcpy(p, "\xFESMB", 4);
	p[4] = 64;
	p[6] = 1; /* credit charge */
	memcpy(p + 8, &status, 4);
	memcpy(p + 12, &cmd, 2);
	memcpy(p + 16, &flags, 4);
	memcpy(p + 20, &next, 4);
	memcpy(p + 24, &mid, 8);
	if (flags & SMB2_FLAG_ASYNC) {
		uint64_t aid = mid + 100;
		memcpy(p + 32, &aid, 8);
	} else {
		memcpy(p + 36, &tree, 4);
	}
	memcpy(p + 40, &sid, 8);
	return SMB2_HDR_LEN;
}

static void le16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}
static void le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void le64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static size_t utf16(uint8_t *p, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		p[n++] = (uint8_t)*s;
		p[n++] = 0;
	}
	return n;
}

/* Wraps an SMB message in its NBSS header. */
static size_t nbss(uint8_t *out, const uint8_t *msg, size_t len)
{
	memmove(out + 4, msg, len);
	out[0] = 0;
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return len + 4;
}

static const uint8_t FID[16] = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t FID_FF[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static size_t create_req(uint8_t *p, uint64_t mid, const char *name, uint32_t next, bool related)
{
	size_t n = put_hdr(p, ND_SMB_CREATE, related ? SMB2_FLAG_RELATED : 0, mid, 0, next, 7, 9);
	uint8_t *b = p + n;
	memset(b, 0, 56);
	le16(b, 57);
	le32(b + 24, 0x120089); /* desired access */
	le32(b + 36, 1);        /* OPEN */
	size_t nl = utf16(b + 56, name);
	le16(b + 44, 64 + 56);
	le16(b + 46, (uint16_t)nl);
	return n + 56 + (nl ? nl : 1);
}

static size_t create_resp(uint8_t *p, uint64_t mid, uint32_t status, const uint8_t fid[16],
                          uint32_t next)
{
	size_t n = put_hdr(p, ND_SMB_CREATE, SMB2_FLAG_RESPONSE, mid, status, next, 7, 9);
	uint8_t *b = p + n;
	if (status) {
		memset(b, 0, 9);
		le16(b, 9);
		return n + 9;
	}
	memset(b, 0, 89);
	le16(b, 89);
	le32(b + 4, 1);
	memcpy(b + 64, fid, 16);
	return n + 89;
}

static size_t close_req(uint8_t *p, uint64_t mid, const uint8_t fid[16], bool related)
{
	size_t n = put_hdr(p, ND_SMB_CLOSE, related ? SMB2_FLAG_RELATED : 0, mid, 0, 0, 7, 9);
	memset(p + n, 0, 24);
	le16(p + n, 24);
	memcpy(p + n + 8, fid, 16);
	return n + 24;
}

static size_t close_resp(uint8_t *p, uint64_t mid)
{
	size_t n = put_hdr(p, ND_SMB_CLOSE, SMB2_FLAG_RESPONSE, mid, 0, 0, 7, 9);
	memset(p + n, 0, 60);
	le16(p + n, 60);
	return n + 60;
}

static size_t write_req(uint8_t *p, uint64_t mid, uint32_t len)
{
	size_t n = put_hdr(p, ND_SMB_WRITE, 0, mid, 0, 0, 7, 9);
	uint8_t *b = p + n;
	memset(b, 0, 48 + len);
	le16(b, 49);
	le16(b + 2, 0x70);
	le32(b + 4, len);
	le64(b + 8, 4096);
	memcpy(b + 16, FID, 16);
	memset(b + 48, 0xFE, len); /* payload that looks like a magic: must be skipped */
	return n + 48 + len;
}

static size_t simple_resp(uint8_t *p, uint16_t cmd, uint64_t mid, uint32_t status, bool async)
{
	uint32_t fl = SMB2_FLAG_RESPONSE | (async ? SMB2_FLAG_ASYNC : 0);
	size_t n = put_hdr(p, cmd, fl, mid, status, 0, 7, 9);
	memset(p + n, 0, 17);
	le16(p + n, status && status != 0x10C ? 9 : 17);
	le32(p + n + 4, 1000); /* WRITE Count */
	return n + 17;
}

static size_t simple_req(uint8_t *p, uint16_t cmd, uint64_t mid)
{
	size_t n = put_hdr(p, cmd, 0, mid, 0, 0, 7, 9);
	memset(p + n, 0, 48);
	le16(p + n, 49);
	return n + 48;
}

static size_t tree_connect_req(uint8_t *p, uint64_t mid, const char *path)
{
	size_t n = put_hdr(p, ND_SMB_TREE_CONNECT, 0, mid, 0, 0, 0, 9);
	uint8_t *b = p + n;
	memset(b, 0, 8);
	le16(b, 9);
	size_t nl = utf16(b + 8, path);
	le16(b + 4, 72);
	le16(b + 6, (uint16_t)nl);
	return n + 8 + nl;
}

/* ---- a fake connection fed chunk by chunk ---- */

struct rig {
	struct nd_smb *smb;
	struct smb_conn *c;
	uint64_t off[2];
	uint64_t frame;
};

static struct rig *rig_new(const struct nd_smb_config *cfg)
{
	struct rig *r = calloc(1, sizeof(*r));
	r->smb = nd_smb_new(cfg);
	r->c = calloc(1, sizeof(*r->c));
	r->c->smb = r->smb;
	r->c->id = 1;
	r->c->ip_version = 4;
	r->c->addr[0][0] = 10;
	r->c->addr[0][3] = 1;
	r->c->addr[1][0] = 10;
	r->c->addr[1][3] = 2;
	r->c->port[1] = 445;
	r->c->next = r->smb->conns;
	r->smb->conns = r->c;
	return r;
}

static const struct nd_smb_results *rig_finish(struct rig *r)
{
	nd_smb_finish(r->smb);
	return nd_smb_get_results(r->smb);
}

static void rig_free(struct rig *r)
{
	nd_smb_free(r->smb); /* frees the connection too */
	free(r);
}

static void feed_at(struct rig *r, int dir, uint64_t off, const uint8_t *d, size_t len,
                    uint32_t caplen, nd_ns ts, bool late)
{
	struct nd_tcp_chunk ch = {
	        .ts = ts,
	        .file = 0,
	        .frame = ++r->frame,
	        .offset = off,
	        .len = (uint32_t)len,
	        .caplen = caplen,
	        .data = d,
	        .fills_hole = late,
	};
	smb_stream_data(r->smb, r->c, dir, &ch);
	if (!late && off + len > r->off[dir])
		r->off[dir] = off + len;
}

static void feed(struct rig *r, int dir, const uint8_t *d, size_t len, nd_ns ts)
{
	feed_at(r, dir, r->off[dir], d, len, (uint32_t)len, ts, false);
}

static uint8_t bufA[1 << 21], bufB[4096], tmp[1 << 21];

/* ---- decoder tests ---- */

static void test_hdr_bounds(void **state)
{
	(void)state;
	struct nd_smb2_hdr h;
	size_t n =
	        put_hdr(bufB, ND_SMB_READ, SMB2_FLAG_ASYNC | SMB2_FLAG_RESPONSE, 5, 0x103, 0, 3, 4);
	assert_int_equal(nd_smb2_parse_hdr(bufB, n, &h), 0);
	assert_true(h.is_async && h.is_response);
	assert_int_equal(h.tree_id, 0); /* no TreeId in the ASYNC form */
	assert_int_equal(h.async_id, 105);
	assert_int_equal(h.status, 0x103);
	for (size_t k = 0; k < SMB2_HDR_LEN; k++)
		assert_int_equal(nd_smb2_parse_hdr(bufB, k, &h), -1);
	bufB[4] = 63; /* StructureSize */
	assert_int_equal(nd_smb2_parse_hdr(bufB, n, &h), -1);
}

static void test_error_body_selection(void **state)
{
	(void)state;
	assert_false(nd_smb2_is_error_body(ND_SMB_SESSION_SETUP, 0xC0000016, 9));
	assert_true(nd_smb2_is_error_body(ND_SMB_CREATE, 0xC0000016, 9));
	assert_false(nd_smb2_is_error_body(ND_SMB_QUERY_INFO, 0x80000005, 9));
	assert_false(nd_smb2_is_error_body(ND_SMB_IOCTL, 0x80000005, 49));
	assert_true(nd_smb2_is_error_body(ND_SMB_IOCTL, 0x80000005, 9));
	assert_false(nd_smb2_is_error_body(ND_SMB_CHANGE_NOTIFY, 0x10C, 9));
	assert_true(nd_smb2_is_error_body(ND_SMB_READ, 0x103, 9));
	assert_true(nd_smb2_is_error_body(ND_SMB_CREATE, 0xC0000022, 89));
	assert_false(nd_smb2_is_error_body(ND_SMB_CREATE, 0, 89));
}

static void test_create_name_bounds(void **state)
{
	(void)state;
	struct nd_smb2_info in;
	size_t n = create_req(bufB, 1, "dir\\file.txt", 0, false);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_true(in.has_name);
	assert_string_equal(in.name, "dir\\file.txt");
	assert_int_equal(in.disposition, 1);
	/* name past the PDU, past the bytes present, offset inside the header */
	assert_int_equal(nd_smb2_parse(bufB, n, n - 2, &in), 0);
	assert_false(in.has_name);
	assert_int_equal(nd_smb2_parse(bufB, n - 1, n, &in), 0);
	assert_false(in.has_name);
	le16(bufB + 64 + 44, 10);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_false(in.has_name);
	le16(bufB + 64 + 44, 0xFFFF);
	le16(bufB + 64 + 46, 0xFFFF);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_false(in.has_name);
	/* zero length: the share root */
	n = create_req(bufB, 1, "", 0, false);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_true(in.has_name);
	assert_string_equal(in.name, "");
	/* fixed body cut: no body fields */
	assert_int_equal(nd_smb2_parse(bufB, 64 + 40, n, &in), 0);
	assert_false(in.body_ok);
}

static void test_tree_connect_and_bodies(void **state)
{
	(void)state;
	struct nd_smb2_info in;
	size_t n = tree_connect_req(bufB, 3, "\\\\srv\\share");
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_string_equal(in.name, "\\\\srv\\share");
	n = write_req(bufB, 4, 100);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_true(in.body_ok && in.has_fid);
	assert_int_equal(in.length, 100);
	assert_int_equal(in.offset, 4096);
	assert_memory_equal(in.fid, FID, 16);
	n = create_resp(bufB, 5, 0, FID, 0);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_memory_equal(in.fid, FID, 16);
	assert_int_equal(in.create_action, 1);
	n = create_resp(bufB, 5, 0xC0000022, FID, 0);
	assert_int_equal(nd_smb2_parse(bufB, n, n, &in), 0);
	assert_true(in.error_body);
	assert_false(in.has_fid);
}

static void test_utf16(void **state)
{
	(void)state;
	char out[16];
	const uint8_t odd[] = {'a', 0, 'b', 0, 'c'};
	assert_int_equal(nd_smb_utf16_to_utf8(odd, sizeof(odd), out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	const uint8_t euro[] = {0xAC, 0x20}; /* U+20AC */
	nd_smb_utf16_to_utf8(euro, 2, out, sizeof(out));
	assert_string_equal(out, "\xE2\x82\xAC");
	const uint8_t pair[] = {0x3D, 0xD8, 0x00, 0xDE}; /* U+1F600 */
	nd_smb_utf16_to_utf8(pair, 4, out, sizeof(out));
	assert_string_equal(out, "\xF0\x9F\x98\x80");
	const uint8_t lone[] = {0x3D, 0xD8, 'x', 0}; /* high surrogate, then 'x' */
	nd_smb_utf16_to_utf8(lone, 4, out, sizeof(out));
	assert_string_equal(out, "\xEF\xBF\xBDx");
	const uint8_t ctl[] = {'\n', 0};
	nd_smb_utf16_to_utf8(ctl, 2, out, sizeof(out));
	assert_string_equal(out, "?");
	/* cut on a character boundary */
	assert_int_equal(nd_smb_utf16_to_utf8(euro, 2, out, 3), 0);
	assert_string_equal(out, "");
}

/* Random bytes must never read out of bounds (run under ASan). */
static void test_decoder_fuzz(void **state)
{
	(void)state;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand() % 300);
		for (size_t k = 0; k < n; k++)
			tmp[k] = (uint8_t)rand();
		if (n >= 4 && (i & 1))
			memcpy(tmp, "\xFESMB\x40\x00", 6);
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, tmp, n);
		struct nd_smb2_info in;
		nd_smb2_parse(copy, n, (size_t)(rand() % 400), &in);
		free(copy);
	}
}

/* ---- framing and matching ---- */

static void test_request_response(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufB, bufB, write_req(bufB, 1, 64));
	feed(r, 0, bufB, n, 1000);
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, n, 3000);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.count, 1);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, 2000);
	assert_int_equal(res->write.bytes, 1000);
	rig_free(r);
}

/* A CREATE whose message is split into two chunks at every byte: same
 * decode, and the time of the chunk that completes it. */
static void test_split_every_byte(void **state)
{
	(void)state;
	uint8_t msg[512];
	size_t n = nbss(msg, msg, create_req(msg, 1, "a\\deny.txt", 0, false));
	for (size_t k = 1; k < n; k++) {
		struct rig *r = rig_new(NULL);
		feed(r, 0, msg, k, 100);
		feed(r, 0, msg + k, n - k, 200);
		size_t m = nbss(bufB, bufB, create_resp(bufB, 1, 0xC0000022, FID, 0));
		feed(r, 1, bufB, m, 1000);
		const struct nd_smb_results *res = rig_finish(r);
		assert_int_equal(res->cmd[ND_SMB_CREATE].lat.count, 1);
		assert_int_equal(res->cmd[ND_SMB_CREATE].lat.sum, 800);
		assert_int_equal(res->n_errors, 1);
		assert_string_equal(res->errors[0].path, "a\\deny.txt");
		assert_int_equal(res->errors[0].status, 0xC0000022);
		rig_free(r);
	}
}

static void test_several_pdus_per_chunk(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = 0;
	for (uint64_t mid = 1; mid <= 3; mid++) {
		size_t m = simple_req(tmp, ND_SMB_FLUSH, mid);
		n += nbss(bufA + n, tmp, m);
	}
	/* the third message straddles into the next chunk */
	feed(r, 0, bufA, n - 10, 100);
	feed(r, 0, bufA + n - 10, 10, 150);
	n = 0;
	for (uint64_t mid = 1; mid <= 3; mid++) {
		size_t m = simple_resp(tmp, ND_SMB_FLUSH, mid, 0, false);
		n += nbss(bufA + n, tmp, m);
	}
	feed(r, 1, bufA, n, 400);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_FLUSH].lat.count, 3);
	assert_int_equal(res->cmd[ND_SMB_FLUSH].lat.sum, 300 + 300 + 250);
	rig_free(r);
}

/* A 1 MiB WRITE over many chunks: payload skipped, timed at its last chunk. */
static void test_big_write(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufA, bufA, write_req(bufA, 1, 1 << 20));
	nd_ns t = 0;
	for (size_t o = 0; o < n; o += 1448)
		feed(r, 0, bufA + o, ND_MIN((size_t)1448, n - o), t += 10);
	size_t m = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, m, t + 500);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.count, 1);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, 500);
	assert_int_equal(res->resyncs, 0);
	rig_free(r);
}

/* Compound CREATE + CLOSE(related, FileId all-FF) both ways: the CLOSE is
 * resolved to the CREATE's FileId from the response chain. */
static void test_compound_related(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t a = create_req(tmp, 10, "f.txt", 0, false);
	size_t pad = (a + 7) & ~(size_t)7;
	le32(tmp + 20, (uint32_t)pad);
	memset(tmp + a, 0, pad - a);
	size_t b = close_req(tmp + pad, 11, FID_FF, true);
	size_t n = nbss(bufB, tmp, pad + b);
	feed(r, 0, bufB, n, 100);
	a = create_resp(tmp, 10, 0, FID, 0);
	pad = (a + 7) & ~(size_t)7;
	le32(tmp + 20, (uint32_t)pad);
	memset(tmp + a, 0, pad - a);
	b = close_resp(tmp + pad, 11);
	n = nbss(bufB, tmp, pad + b);
	feed(r, 1, bufB, n, 300);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_CREATE].lat.count, 1);
	assert_int_equal(res->cmd[ND_SMB_CLOSE].lat.count, 1);
	assert_int_equal(res->n_open_handles, 0);
	assert_int_equal(res->clients[0].opened, 1);
	assert_int_equal(res->clients[0].closed, 1);
	rig_free(r);
}

/* NextCommand below 64, misaligned, past the end: counted, never looped. */
static void test_compound_bounds(void **state)
{
	(void)state;
	const uint32_t bad[] = {8, 63, 0x44, 4096, 0xFFFFFFF8u};
	for (size_t i = 0; i < ND_ARRAY_LEN(bad); i++) {
		struct rig *r = rig_new(NULL);
		size_t a = simple_req(tmp, ND_SMB_FLUSH, 1);
		size_t b = simple_req(tmp + 112, ND_SMB_FLUSH, 2);
		le32(tmp + 20, bad[i]);
		size_t n = nbss(bufB, tmp, 112 + b);
		(void)a;
		feed(r, 0, bufB, n, 100);
		const struct nd_smb_results *res = rig_finish(r);
		assert_true(res->bad_chain >= 1);
		assert_true(res->smb2_pdus >= 1 && res->smb2_pdus <= 2);
		rig_free(r);
	}
}

/* A hole inside a WRITE's payload: no resync; the late segment filling it
 * moves the request time (tshark completes the PDU there). */
static void test_hole_in_payload(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufA, bufA, write_req(bufA, 1, 10000));
	feed(r, 0, bufA, 3000, 100);
	feed_at(r, 0, 5000, bufA + 5000, n - 5000, (uint32_t)(n - 5000), 200, false);
	feed_at(r, 0, 3000, bufA + 3000, 2000, 2000, 700, true); /* the retransmission */
	size_t m = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, m, 1000);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->resyncs, 0);
	assert_int_equal(res->bytes_not_captured, 2000);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.count, 1);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, 300);
	rig_free(r);
}

/* Three WRITEs; the second one's header falls into a hole. */
static size_t three_writes(size_t *start2, size_t *start3)
{
	size_t n = 0;
	for (uint64_t mid = 1; mid <= 3; mid++) {
		if (mid == 2)
			*start2 = n;
		if (mid == 3)
			*start3 = n;
		n += nbss(bufA + n, tmp, write_req(tmp, mid, 3000));
	}
	return n;
}

static void answer_all(struct rig *r, nd_ns t)
{
	size_t n = 0;
	for (uint64_t mid = 1; mid <= 3; mid++)
		n += nbss(bufB + n, tmp, simple_resp(tmp, ND_SMB_WRITE, mid, 0, false));
	feed(r, 1, bufB, n, t);
}

static void test_hole_over_header_resync(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t s2, s3;
	size_t n = three_writes(&s2, &s3);
	feed(r, 0, bufA, s2, 100);
	feed_at(r, 0, s2 + 1000, bufA + s2 + 1000, n - s2 - 1000, (uint32_t)(n - s2 - 1000), 200,
	        false);
	answer_all(r, 1000);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->resyncs, 1);
	assert_int_equal(res->headers_lost, 1);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.count, 2); /* 1 and 3 */
	assert_int_equal(res->cmd[ND_SMB_WRITE].unmatched_responses, 1);
	rig_free(r);
}

static void test_late_fill_recovers_header(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t s2, s3;
	size_t n = three_writes(&s2, &s3);
	feed(r, 0, bufA, s2, 100);
	feed_at(r, 0, s2 + 1000, bufA + s2 + 1000, n - s2 - 1000, (uint32_t)(n - s2 - 1000), 200,
	        false);
	/* retransmitted in two small pieces */
	feed_at(r, 0, s2, bufA + s2, 500, 500, 600, true);
	feed_at(r, 0, s2 + 500, bufA + s2 + 500, 500, 500, 700, true);
	answer_all(r, 1000);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->pdus_recovered, 1);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.count, 3);
	assert_int_equal(res->cmd[ND_SMB_WRITE].unmatched_responses, 0);
	/* 1: 1000-100; 2: completed by the last piece at 700; 3: 1000-200 */
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, 900 + 300 + 800);
	rig_free(r);
}

/* The snaplen cut the segment holding a WRITE's start: decoded there, as
 * tshark does; the rest is skipped by length. */
static void test_cut_segment(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufA, bufA, write_req(bufA, 1, 20000));
	feed_at(r, 0, 0, bufA, 10000, 200, 100, false);
	feed_at(r, 0, 10000, bufA + 10000, n - 10000, 100, 500, false);
	size_t m = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, m, 1000);
	/* a header cut in the middle: counted, stream stays in step */
	size_t k = nbss(bufB, bufB, simple_req(bufB, ND_SMB_FLUSH, 2));
	feed_at(r, 0, r->off[0], bufB, k, 30, 1100, false);
	k = nbss(bufB, bufB, simple_req(bufB, ND_SMB_FLUSH, 3));
	feed(r, 0, bufB, k, 1200);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, 900);
	assert_int_equal(res->pdus_cut, 1);
	assert_int_equal(res->cmd[ND_SMB_FLUSH].requests, 1);
	assert_int_equal(res->cmd[ND_SMB_FLUSH].pending_at_end, 1);
	assert_int_equal(res->resyncs, 0);
	rig_free(r);
}

static void test_interim_cancel_break(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufB, bufB, simple_req(bufB, ND_SMB_CHANGE_NOTIFY, 5));
	feed(r, 0, bufB, n, 100);
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_CHANGE_NOTIFY, 5, 0x103, true));
	feed(r, 1, bufB, n, 150);
	n = nbss(bufB, bufB, simple_req(bufB, ND_SMB_CANCEL, 5));
	feed(r, 0, bufB, n, 400);
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_OPLOCK_BREAK, UINT64_MAX, 0, false));
	feed(r, 1, bufB, n, 450);
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_CHANGE_NOTIFY, 5, 0xC0000120, true));
	feed(r, 1, bufB, n, 500);
	n = nbss(bufB, bufB, simple_req(bufB, ND_SMB_READ, 6)); /* never answered */
	feed(r, 0, bufB, n, 600);
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_cmd_stats *cn = &res->cmd[ND_SMB_CHANGE_NOTIFY];
	assert_int_equal(cn->lat.count, 1);
	assert_int_equal(cn->lat.sum, 400); /* from the request, not the CANCEL */
	assert_int_equal(cn->interim.count, 1);
	assert_int_equal(cn->interim.sum, 50);
	assert_int_equal(cn->benign_errors, 1);
	assert_int_equal(res->cancels, 1);
	assert_int_equal(res->break_notifications, 1);
	assert_int_equal(res->cmd[ND_SMB_READ].pending_at_end, 1);
	rig_free(r);
}

static void test_tree_connect_failure_and_handles(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufB, bufB, tree_connect_req(bufB, 1, "\\\\srv\\nope"));
	feed(r, 0, bufB, n, 100);
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_TREE_CONNECT, 1, 0xC00000CC, false));
	feed(r, 1, bufB, n, 200);
	n = nbss(bufB, bufB, create_req(bufB, 2, "open.txt", 0, false));
	feed(r, 0, bufB, n, 300);
	n = nbss(bufB, bufB, create_resp(bufB, 2, 0, FID, 0));
	feed(r, 1, bufB, n, 400);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->n_errors, 1);
	assert_string_equal(res->errors[0].share, "\\\\srv\\nope");
	assert_false(res->errors[0].benign);
	assert_int_equal(res->n_open_handles, 1);
	assert_string_equal(res->open_handles[0].name, "open.txt");
	assert_true(res->open_handles[0].cut_short);
	rig_free(r);
}

static void test_transforms_and_smb1(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	memset(tmp, 0, 100);
	memcpy(tmp, "\xFDSMB", 4);
	le64(tmp + 44, 0x1234);
	size_t n = nbss(bufB, tmp, 100);
	feed(r, 0, bufB, n, 100);
	feed(r, 1, bufB, n, 200);
	/* SMB1 multi-protocol negotiate offering SMB 2.002 */
	memset(tmp, 0, 64);
	memcpy(tmp, "\xFFSMB\x72", 5);
	const char dia[] = "\x02NT LM 0.12\0\x02SMB 2.002\0\x02SMB 2.???";
	tmp[32] = 0;
	le16(tmp + 33, sizeof(dia));
	memcpy(tmp + 35, dia, sizeof(dia));
	n = nbss(bufB, tmp, 35 + sizeof(dia));
	feed(r, 0, bufB, n, 300);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->encrypted_pdus, 2);
	assert_int_equal(res->n_enc_sessions, 1);
	assert_int_equal(res->enc_sessions[0].pdus[0], 1);
	assert_int_equal(res->enc_sessions[0].pdus[1], 1);
	assert_int_equal(res->smb1_negotiates, 1);
	assert_int_equal(res->smb1_negotiates_smb2, 1);
	assert_int_equal(res->smb1_other, 0);
	rig_free(r);
}

static void test_resync_garbage_and_keepalive(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	/* a capture starting mid-message: garbage, then a keep-alive, then a PDU */
	memset(bufA, 0x41, 300);
	size_t n = 300;
	bufA[n++] = 0x85;
	bufA[n++] = 0;
	bufA[n++] = 0;
	bufA[n++] = 0;
	n += nbss(bufA + n, tmp, simple_req(tmp, ND_SMB_ECHO, 1));
	feed(r, 0, bufA, n, 100);
	n = nbss(bufB, tmp, simple_resp(tmp, ND_SMB_ECHO, 1, 0, false));
	feed(r, 1, bufB, n, 250);
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->resyncs, 1);
	assert_int_equal(res->cmd[ND_SMB_ECHO].lat.count, 1);
	rig_free(r);
}

static void test_pending_eviction(void **state)
{
	(void)state;
	struct nd_smb_config cfg = {.max_pending = 2};
	struct rig *r = rig_new(&cfg);
	for (uint64_t mid = 1; mid <= 3; mid++) {
		size_t n = nbss(bufB, tmp, simple_req(tmp, ND_SMB_FLUSH, mid));
		feed(r, 0, bufB, n, (nd_ns)mid * 100);
	}
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->pending_evicted, 1);
	assert_int_equal(res->cmd[ND_SMB_FLUSH].pending_at_end, 2);
	rig_free(r);
}

/* ---- first-byte timing and the judgement of operations ---- */

#define TBASE   ((nd_ns)1000 * ND_NS_PER_SEC)
#define MSEC(x) ((nd_ns)((x)*ND_NS_PER_MS))

static size_t read_req(uint8_t *p, uint64_t mid, uint32_t len)
{
	size_t n = put_hdr(p, ND_SMB_READ, 0, mid, 0, 0, 7, 9);
	uint8_t *b = p + n;
	memset(b, 0, 49);
	le16(b, 49);
	le32(b + 4, len);
	memcpy(b + 16, FID, 16);
	return n + 49;
}

static size_t read_resp(uint8_t *p, uint64_t mid, uint32_t len)
{
	size_t n = put_hdr(p, ND_SMB_READ, SMB2_FLAG_RESPONSE, mid, 0, 0, 7, 9);
	uint8_t *b = p + n;
	memset(b, 0, 16 + len);
	le16(b, 17);
	b[2] = 0x50;
	le32(b + 4, len);
	memset(b + 16, 0xFE, len);
	return n + 16 + len;
}

/* Feeds a message in segments of seg bytes (caplen of them captured), the
 * first at t and one every step; returns the time of the last. */
static nd_ns feed_spread(struct rig *r, int dir, const uint8_t *d, size_t n, size_t seg,
                         uint32_t caplen, nd_ns t, nd_ns step)
{
	nd_ns last = t;
	for (size_t o = 0; o < n; o += seg, t += step) {
		size_t len = ND_MIN(seg, n - o);
		feed_at(r, dir, r->off[dir], d + o, len, (uint32_t)ND_MIN((size_t)caplen, len), t,
		        false);
		last = t;
	}
	return last;
}

/* Request in one segment at t, its response wait later. */
static void op_at(struct rig *r, uint16_t cmd, uint64_t mid, uint32_t len, nd_ns t, nd_ns wait)
{
	size_t n = cmd == ND_SMB_WRITE  ? write_req(bufA, mid, len)
	           : cmd == ND_SMB_READ ? read_req(bufA, mid, len)
	                                : simple_req(bufA, cmd, mid);
	n = nbss(bufA, bufA, n);
	feed(r, 0, bufA, n, t);
	n = nbss(bufB, bufB, simple_resp(bufB, cmd, mid, 0, false));
	feed(r, 1, bufB, n, t + wait);
}

static const struct nd_smb_share *share_by_path(const struct nd_smb_results *res, const char *path)
{
	for (size_t i = 0; i < res->n_shares; i++)
		if (!strcmp(res->shares[i].path, path))
			return &res->shares[i];
	return NULL;
}

/* A WRITE spread over 70 segments, 1 ms apart, answered 5 ms after its
 * last one: the user waited 74 ms, 69 of them sending (transfer), 5 on the
 * server (service); tshark's SRT stays 5 ms. */
static void test_write_first_byte_timing(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufA, bufA, write_req(bufA, 1, 100000));
	nd_ns last = feed_spread(r, 0, bufA, n, 1448, 1448, TBASE, MSEC(1));
	assert_int_equal(last, TBASE + MSEC(69));
	size_t m = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, m, last + MSEC(5));
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, MSEC(5));
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	assert_int_equal(s->ip_version, 4);
	assert_int_equal(s->server[3], 2); /* the server: 10.0.0.2 */
	const struct nd_smb_op_stats *w = &s->ops[ND_SMB_WRITE];
	assert_int_equal(w->ops, 1);
	assert_int_equal(w->bytes, 100000);
	assert_int_equal(w->wait_sum, MSEC(74));
	assert_int_equal(w->transfer_sum, MSEC(69));
	assert_int_equal(w->service_sum, MSEC(5));
	/* expected 20 ms + 100000 B at 10 MB/s = 30 ms: slow, by the transfer */
	assert_int_equal(w->slow, 1);
	assert_int_equal(w->slow_excess_sum, MSEC(44));
	assert_int_equal(w->slow_transfer_sum, MSEC(69));
	assert_int_equal(w->slow_first_ts, TBASE);
	assert_int_equal(w->worst.ts, TBASE);
	assert_int_equal(w->worst.wait, MSEC(74));
	/* throughput runs from the request's first byte */
	assert_int_equal(s->write_io.first_ts, TBASE);
	assert_int_equal(res->write.first_ts, TBASE);
	rig_free(r);
}

/* Header-only capture (snaplen 100): tshark decodes each message at its
 * first segment; the judgement waits for the last one. */
static void test_cut_messages_judged_at_their_end(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufA, bufA, write_req(bufA, 1, 20000));
	nd_ns last = feed_spread(r, 0, bufA, n, 1448, 100, TBASE, MSEC(1));
	size_t m = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 1, 0, false));
	feed(r, 1, bufB, m, last + MSEC(2));
	n = nbss(bufA, bufA, read_req(bufA, 2, 20000));
	nd_ns t = TBASE + MSEC(100);
	feed(r, 0, bufA, n, t);
	m = nbss(tmp, tmp, read_resp(tmp, 2, 20000));
	last = feed_spread(r, 1, tmp, m, 1448, 100, t + MSEC(1), MSEC(1));
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	assert_int_equal(res->pdus_cut, 1); /* the WRITE's fixed body: decoded from its header */
	/* WRITE: SRT from its first segment; waited 13 ms sending + 2 ms */
	assert_int_equal(res->cmd[ND_SMB_WRITE].lat.sum, MSEC(15));
	assert_int_equal(s->ops[ND_SMB_WRITE].wait_sum, MSEC(15));
	assert_int_equal(s->ops[ND_SMB_WRITE].transfer_sum, MSEC(13));
	/* READ: SRT to the response's first segment; waited to its last */
	assert_int_equal(res->cmd[ND_SMB_READ].lat.sum, MSEC(1));
	assert_int_equal(last, t + MSEC(14));
	assert_int_equal(s->ops[ND_SMB_READ].wait_sum, MSEC(14));
	assert_int_equal(s->ops[ND_SMB_READ].transfer_sum, MSEC(13));
	assert_int_equal(s->ops[ND_SMB_READ].service_sum, MSEC(1));
	assert_int_equal(s->ops[ND_SMB_READ].bytes, 20000);
	assert_int_equal(s->read_io.last_ts, last);
	assert_int_equal(res->cmd[ND_SMB_READ].pending_at_end, 0);
	rig_free(r);
}

/* READ/WRITE: slow when the wait exceeds 20 ms + bytes at 10 MB/s; a READ
 * counts the bytes it got back (DataLength), not the ones it asked for. */
static void test_slow_io_by_size(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	/* 1 MiB: expected 20 + 104.8576 ms */
	op_at(r, ND_SMB_WRITE, 1, 1 << 20, TBASE, MSEC(124));
	op_at(r, ND_SMB_WRITE, 2, 1 << 20, TBASE + MSEC(200), MSEC(126));
	/* asks 1 MiB, gets 1000 bytes (simple_resp): expected 20.1 ms */
	op_at(r, ND_SMB_READ, 3, 1 << 20, TBASE + MSEC(400), MSEC(21));
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	const struct nd_smb_op_stats *w = &s->ops[ND_SMB_WRITE];
	assert_int_equal(w->ops, 2);
	assert_int_equal(w->slow, 1);
	assert_int_equal(w->slow_outliers, 0);
	assert_int_equal(w->slow_excess_sum, MSEC(126) - MSEC(20) - 104857600);
	assert_int_equal(w->slow_wait_min, MSEC(126));
	assert_int_equal(w->worst.wait, MSEC(126));
	assert_int_equal(w->worst.bytes, 1 << 20);
	const struct nd_smb_op_stats *rd = &s->ops[ND_SMB_READ];
	assert_int_equal(rd->bytes, 1000);
	assert_int_equal(rd->slow, 1);
	assert_int_equal(rd->slow_excess_sum, MSEC(21) - MSEC(20) - 100000);
	rig_free(r);
}

/* Metadata: 200 ms; connect (per server): 1 s; LOGOFF and CHANGE_NOTIFY
 * are not judged; the copy/wait FSCTLs neither. */
static void test_slow_metadata_and_connect(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	size_t n = nbss(bufB, bufB, create_req(bufB, 1, "a.txt", 0, false));
	feed(r, 0, bufB, n, TBASE);
	n = nbss(bufB, bufB, create_resp(bufB, 1, 0, FID, 0));
	feed(r, 1, bufB, n, TBASE + MSEC(199));
	n = nbss(bufB, bufB, create_req(bufB, 2, "b.txt", 0, false));
	feed(r, 0, bufB, n, TBASE + MSEC(300));
	n = nbss(bufB, bufB, create_resp(bufB, 2, 0xC0000022, FID, 0));
	feed(r, 1, bufB, n, TBASE + MSEC(501));
	n = nbss(bufB, bufB, tree_connect_req(bufB, 3, "\\\\srv\\data"));
	feed(r, 0, bufB, n, TBASE + MSEC(600));
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_TREE_CONNECT, 3, 0, false));
	feed(r, 1, bufB, n, TBASE + MSEC(1601));
	op_at(r, ND_SMB_NEGOTIATE, 4, 0, TBASE + MSEC(2000), MSEC(999));
	op_at(r, ND_SMB_LOGOFF, 5, 0, TBASE + MSEC(4000), MSEC(5000));
	op_at(r, ND_SMB_CHANGE_NOTIFY, 6, 0, TBASE + MSEC(4000), MSEC(5000));
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	assert_int_equal(s->ops[ND_SMB_CREATE].ops, 2); /* the failure too */
	assert_int_equal(s->ops[ND_SMB_CREATE].slow, 1);
	assert_string_equal(s->ops[ND_SMB_CREATE].worst.name, "b.txt");
	assert_int_equal(s->ops[ND_SMB_LOGOFF].ops, 0);
	assert_int_equal(s->ops[ND_SMB_CHANGE_NOTIFY].ops, 0);
	assert_int_equal(s->ops[ND_SMB_TREE_CONNECT].ops, 0); /* per server */
	assert_int_equal(res->n_servers, 1);
	const struct nd_smb_server *sv = &res->servers[0];
	assert_int_equal(sv->addr[3], 2);
	assert_int_equal(sv->ops[ND_SMB_TREE_CONNECT].slow, 1);
	assert_string_equal(sv->ops[ND_SMB_TREE_CONNECT].worst.name, "\\\\srv\\data");
	assert_int_equal(sv->ops[ND_SMB_NEGOTIATE].ops, 1);
	assert_int_equal(sv->ops[ND_SMB_NEGOTIATE].slow, 0);
	assert_int_equal(nd_smb_op_class(ND_SMB_IOCTL, 0x00110018), ND_SMB_CLASS_NONE);
	assert_int_equal(nd_smb_op_class(ND_SMB_IOCTL, 0x001440F2), ND_SMB_CLASS_NONE);
	assert_int_equal(nd_smb_op_class(ND_SMB_IOCTL, 0x001480F2), ND_SMB_CLASS_NONE);
	assert_int_equal(nd_smb_op_class(ND_SMB_IOCTL, 0x0011C017), ND_SMB_CLASS_METADATA);
	assert_int_equal(nd_smb_op_class(ND_SMB_OPLOCK_BREAK, 0), ND_SMB_CLASS_NONE);
	rig_free(r);
}

/* The median rule: once the connection completed 20 WRITEs, one whose
 * service time is over 10 x their median (and waited over 20 ms) is slow
 * even below its size-based limit. */
static void test_slow_io_median_outlier(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	nd_ns t = TBASE;
	uint64_t mid = 1;
	for (int i = 0; i < 19; i++, t += MSEC(10))
		op_at(r, ND_SMB_WRITE, mid++, 65536, t, MSEC(1));
	/* 64 KiB: expected 26.55 ms; 25 ms is not slow by size */
	op_at(r, ND_SMB_WRITE, mid++, 65536, t, MSEC(25)); /* only 19 before it */
	t += MSEC(100);
	op_at(r, ND_SMB_WRITE, mid++, 65536, t, MSEC(25)); /* 20 before it */
	t += MSEC(100);
	op_at(r, ND_SMB_WRITE, mid++, 65536, t, MSEC(15)); /* waited under 20 ms */
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	const struct nd_smb_op_stats *w = &s->ops[ND_SMB_WRITE];
	assert_int_equal(w->ops, 22);
	assert_int_equal(w->slow, 1);
	assert_int_equal(w->slow_outliers, 1);
	assert_int_equal(w->slow_excess_sum, 0);
	assert_int_equal(w->slow_service_sum, MSEC(25));
	rig_free(r);
}

/* Idle: from the last outstanding I/O's answer to the next request's first
 * byte, up to 1 s; busy: time with an I/O outstanding. */
static void test_io_idle_and_busy(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	op_at(r, ND_SMB_WRITE, 1, 100, TBASE, MSEC(2));
	op_at(r, ND_SMB_WRITE, 2, 100, TBASE + MSEC(5), MSEC(1));    /* idle 3 ms */
	op_at(r, ND_SMB_WRITE, 3, 100, TBASE + MSEC(2006), MSEC(2)); /* 2 s: not */
	/* two outstanding: busy once, 4000 -> 4004 */
	size_t n = nbss(bufA, bufA, write_req(bufA, 4, 100));
	feed(r, 0, bufA, n, TBASE + MSEC(4000));
	n = nbss(bufA, bufA, write_req(bufA, 5, 100));
	feed(r, 0, bufA, n, TBASE + MSEC(4001));
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 4, 0, false));
	feed(r, 1, bufB, n, TBASE + MSEC(4002));
	n = nbss(bufB, bufB, simple_resp(bufB, ND_SMB_WRITE, 5, 0, false));
	feed(r, 1, bufB, n, TBASE + MSEC(4004));
	const struct nd_smb_results *res = rig_finish(r);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	assert_int_equal(s->io_idle_ns, MSEC(3));
	assert_int_equal(s->io_busy_ns, MSEC(2 + 1 + 2 + 4));
	assert_int_equal(s->write_io.inflight_max, 2);
	rig_free(r);
}

/* Trouble counts lost segments, real retransmissions and dup-ACK storms,
 * never oversized segments (offload at the capture point). */
static void test_trouble_excludes_oversized(void **state)
{
	(void)state;
	struct nd_smb_net a = {0}, b = {.lost_segment = 1,
	                                .retransmission = 3,
	                                .spurious_retransmission = 2,
	                                .dup_ack_storm = 1};
	assert_int_equal(nd_smb_net_trouble(&a, &b), 3);
	b.spurious_retransmission = 5; /* never negative */
	assert_int_equal(nd_smb_net_trouble(&a, &b), 2);

	/* Everything slow: the counters of slow operations show the trouble. */
	struct nd_smb_config cfg = {.slow_io_base = 1, .slow_io_rate = UINT64_C(1) << 50};
	struct nd_smb *smb = nd_smb_new(&cfg);
	struct trace tr;
	tr_init(&tr);
	nd_smb_attach(smb, tr.t);
	tr_handshake(&tr, T0, MS(1));
	uint32_t sa = ISN_A + 1, sb = ISN_B + 1;
	/* WRITE 1 in one 3000-byte segment (MSS 1460): oversized, no trouble */
	uint32_t n = (uint32_t)nbss(tr_payload, tr_payload, write_req(tr_payload, 1, 2884));
	assert_flags(tr_data(&tr, T0 + MS(10), A, sa, sb, n), OVERSIZED);
	sa += n;
	uint32_t m = (uint32_t)nbss(tr_payload, tmp, simple_resp(tmp, ND_SMB_WRITE, 1, 0, false));
	assert_flags(tr_data(&tr, T0 + MS(12), B, sb, sa, m), 0);
	sb += m;
	/* WRITE 2 retransmitted after 300 ms: trouble */
	n = (uint32_t)nbss(tr_payload, tr_payload, write_req(tr_payload, 2, 884));
	assert_flags(tr_data(&tr, T0 + MS(20), A, sa, sb, n), 0);
	assert_flags(tr_data(&tr, T0 + MS(320), A, sa, sb, n), RETX);
	sa += n;
	m = (uint32_t)nbss(tr_payload, tmp, simple_resp(tmp, ND_SMB_WRITE, 2, 0, false));
	assert_flags(tr_data(&tr, T0 + MS(322), B, sb, sa, m), 0);
	nd_tcp_finish(tr.t);
	nd_smb_finish(smb);
	const struct nd_smb_results *res = nd_smb_get_results(smb);
	const struct nd_smb_share *s = share_by_path(res, "");
	assert_non_null(s);
	assert_int_equal(s->ops[ND_SMB_WRITE].slow, 2);
	assert_int_equal(s->ops[ND_SMB_WRITE].slow_trouble, 1);
	assert_int_equal(s->ops[ND_SMB_WRITE].worst.wait, MS(302));
	assert_int_equal(res->n_slowest >= 2, 1);
	assert_true(res->slowest[0].network_trouble);  /* WRITE 2, 302 ms */
	assert_false(res->slowest[1].network_trouble); /* WRITE 1, oversized */
	tr_free(&tr);
	nd_smb_free(smb);
}

/* ---- logons ---- */

static const uint8_t spnego_prefix[16] = {0xa1, 0x82, 0x01, 0x0f, 0x30, 0x82, 0x01, 0x0b,
                                          0xa2, 0x82, 0x01, 0x07, 0x04, 0x82, 0x01, 0x03};
static const uint8_t krb5_oid[11] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
                                     0xF7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t mskrb5_oid[11] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x82,
                                       0xF7, 0x12, 0x01, 0x02, 0x02};

static size_t ntlm_put_name(uint8_t *m, size_t field, size_t o, const char *s, bool unicode)
{
	size_t n = strlen(s);
	if (unicode)
		n = utf16(m + o, s);
	else
		memcpy(m + o, s, n);
	le16(m + field, (uint16_t)n);
	le16(m + field + 2, (uint16_t)n);
	le32(m + field + 4, (uint32_t)o);
	return n;
}

/* An NTLMSSP AUTHENTICATE message (with Version and MIC): LM and NT
 * responses first, as Samba orders them, then the names. */
static size_t ntlm_auth(uint8_t *m, const char *dom, const char *user, const char *ws, bool unicode)
{
	memset(m, 0, 88);
	memcpy(m, "NTLMSSP", 8);
	le32(m + 8, 3);
	size_t o = 88;
	le16(m + 12, 24);
	le32(m + 16, (uint32_t)o);
	memset(m + o, 0, 24);
	o += 24;
	le16(m + 20, 50);
	le32(m + 24, (uint32_t)o);
	memset(m + o, 0x11, 50);
	o += 50;
	o += ntlm_put_name(m, 28, o, dom, unicode);
	o += ntlm_put_name(m, 36, o, user, unicode);
	o += ntlm_put_name(m, 44, o, ws, unicode);
	le32(m + 60, unicode ? 0xE2088235u : 0xE2088236u); /* UNICODE, or OEM */
	return o;
}

/* SPNEGO-like prefix + AUTHENTICATE, into blob. */
static size_t auth_blob(uint8_t *blob, const char *dom, const char *user, const char *ws)
{
	memcpy(blob, spnego_prefix, sizeof(spnego_prefix));
	return sizeof(spnego_prefix) + ntlm_auth(blob + sizeof(spnego_prefix), dom, user, ws, true);
}

static void test_ntlmssp_names(void **state)
{
	(void)state;
	uint8_t blob[1024];
	struct smb_auth a;
	size_t n = auth_blob(blob, "DOM", "alice", "PC1");
	nd_smb_auth_parse(blob, n, &a);
	assert_int_equal(a.mech, SMB_MECH_NTLMSSP);
	assert_int_equal(a.ntlm_type, 3);
	assert_string_equal(a.user, "DOM\\alice");
	assert_string_equal(a.workstation, "PC1");
	assert_string_equal(nd_smb_mech_name(a.mech), "NTLMSSP");
	/* no domain; a control character replaced */
	n = auth_blob(blob, "", "j\x01rg", "");
	nd_smb_auth_parse(blob, n, &a);
	assert_string_equal(a.user, "j?rg");
	assert_string_equal(a.workstation, "");
	/* OEM: printable ASCII kept, the rest replaced */
	n = ntlm_auth(blob, "D\x7F", "b\xE9o", "W\n", false);
	nd_smb_auth_parse(blob, n, &a);
	assert_string_equal(a.user, "D?\\b?o");
	assert_string_equal(a.workstation, "W?");
	/* UTF-16 beyond ASCII: U+00E9 */
	n = ntlm_auth(blob, "", "xx", "", true);
	blob[n - 4] = 0xE9;
	nd_smb_auth_parse(blob, n, &a);
	assert_string_equal(a.user, "\xC3\xA9x");
	/* cut to ND_SMB_USER_MAX on a character boundary */
	char dom[130];
	memset(dom, 'a', 125);
	dom[125] = 0;
	n = ntlm_auth(blob, dom, "xy", "", true);
	le16(blob + 88 + 24 + 50 + 250, 0x20AC); /* 'x' -> U+20AC, three bytes in UTF-8 */
	nd_smb_auth_parse(blob, n, &a);
	assert_int_equal(strlen(a.user), 126); /* 125 a, '\', no partial euro sign */
	/* NEGOTIATE (type 1): the mechanism, no user */
	memcpy(blob, "NTLMSSP\0\x01\0\0\0", 12);
	nd_smb_auth_parse(blob, 12, &a);
	assert_int_equal(a.ntlm_type, 1);
	assert_string_equal(a.user, "");
}

/* Every name field pointing outside the message, and every truncation of
 * it: no read beyond the bytes given (ASan), no partial user. */
static void test_ntlmssp_bounds(void **state)
{
	(void)state;
	uint8_t blob[1024];
	struct smb_auth a;
	size_t n = auth_blob(blob, "DOM", "alice", "PC1");
	size_t mlen = n - sizeof(spnego_prefix);
	uint8_t *m = blob + sizeof(spnego_prefix);
	const size_t fields[3] = {28, 36, 44};
	for (int f = 0; f < 3; f++) {
		uint8_t save[8];
		memcpy(save, m + fields[f], 8);
		const uint32_t bad_off[] = {(uint32_t)mlen + 1, 0xFFFFFFFFu, (uint32_t)mlen - 1};
		for (size_t k = 0; k < ND_ARRAY_LEN(bad_off); k++) {
			le32(m + fields[f] + 4, bad_off[k]);
			nd_smb_auth_parse(blob, n, &a);
			assert_string_equal(a.user, f == 1 ? "" : f == 0 ? "alice" : "DOM\\alice");
			if (f == 2)
				assert_string_equal(a.workstation, "");
		}
		memcpy(m + fields[f], save, 8);
		le16(m + fields[f], 0xFFFF); /* length past the end */
		nd_smb_auth_parse(blob, n, &a);
		assert_string_equal(a.user, f == 1 ? "" : f == 0 ? "alice" : "DOM\\alice");
		memcpy(m + fields[f], save, 8);
	}
	for (size_t k = 0; k <= n; k++) {
		uint8_t *copy = malloc(k ? k : 1);
		memcpy(copy, blob, k);
		nd_smb_auth_parse(copy, k, &a);
		free(copy);
		assert_true(!strcmp(a.user, "") || !strcmp(a.user, "DOM\\alice"));
		if (k == n)
			assert_string_equal(a.user, "DOM\\alice");
	}
}

static void test_kerberos_recognised(void **state)
{
	(void)state;
	uint8_t blob[64];
	struct smb_auth a;
	memcpy(blob, spnego_prefix, 16);
	memcpy(blob + 16, krb5_oid, sizeof(krb5_oid));
	nd_smb_auth_parse(blob, 16 + sizeof(krb5_oid), &a);
	assert_int_equal(a.mech, SMB_MECH_KERBEROS);
	assert_string_equal(a.user, "");
	assert_string_equal(nd_smb_mech_name(a.mech), "Kerberos");
	memcpy(blob + 16, mskrb5_oid, sizeof(mskrb5_oid));
	nd_smb_auth_parse(blob, 16 + sizeof(mskrb5_oid), &a);
	assert_int_equal(a.mech, SMB_MECH_KERBEROS);
	nd_smb_auth_parse(blob, 16 + sizeof(mskrb5_oid) - 1, &a); /* OID cut */
	assert_int_equal(a.mech, SMB_MECH_NONE);
	const uint8_t ap_req[] = {0x6E, 0x82, 0x05, 0x00, 0x30, 0x82, 0x04, 0xFC};
	nd_smb_auth_parse(ap_req, sizeof(ap_req), &a);
	assert_int_equal(a.mech, SMB_MECH_KERBEROS);
	nd_smb_auth_parse(ap_req, 2, &a);
	assert_int_equal(a.mech, SMB_MECH_NONE);
	/* NTLMSSP wins over an offered Kerberos OID */
	memcpy(blob + 16 + sizeof(mskrb5_oid), "NTLMSSP\0\x01\0\0\0", 12);
	nd_smb_auth_parse(blob, 16 + sizeof(mskrb5_oid) + 12, &a);
	assert_int_equal(a.mech, SMB_MECH_NTLMSSP);
	memset(blob, 0x30, sizeof(blob));
	nd_smb_auth_parse(blob, sizeof(blob), &a);
	assert_int_equal(a.mech, SMB_MECH_NONE);
}

static size_t sess_setup_req(uint8_t *p, uint64_t mid, uint64_t sid, const uint8_t *blob,
                             size_t blen)
{
	size_t n = put_hdr(p, ND_SMB_SESSION_SETUP, 0, mid, 0, 0, 0, sid);
	uint8_t *b = p + n;
	memset(b, 0, 24);
	le16(b, 25);
	le16(b + 12, 64 + 24);
	le16(b + 14, (uint16_t)blen);
	memcpy(b + 24, blob, blen);
	return n + 24 + blen;
}

static size_t sess_setup_resp(uint8_t *p, uint64_t mid, uint64_t sid, uint32_t status,
                              uint16_t flags)
{
	size_t n = put_hdr(p, ND_SMB_SESSION_SETUP, SMB2_FLAG_RESPONSE, mid, status, 0, 0, sid);
	uint8_t *b = p + n;
	memset(b, 0, 9);
	le16(b, 9);
	if (status == 0 || status == 0xC0000016)
		le16(b + 2, flags);
	return n + 9;
}

/* One SESSION_SETUP leg: the request (split in two at split, 0 = whole)
 * and its final response. */
static void logon_leg(struct rig *r, uint64_t mid, uint64_t sid, const uint8_t *blob, size_t blen,
                      size_t split, uint32_t status, uint16_t flags, nd_ns t)
{
	uint8_t msg[1200];
	size_t n = nbss(msg, msg, sess_setup_req(msg, mid, sid, blob, blen));
	if (split) {
		feed(r, 0, msg, split, t);
		feed(r, 0, msg + split, n - split, t + 10);
	} else {
		feed(r, 0, msg, n, t);
	}
	n = nbss(bufB, bufB, sess_setup_resp(bufB, mid, sid, status, flags));
	feed(r, 1, bufB, n, t + 100);
}

/* A type-3 SESSION_SETUP split across two segments at every byte: the user
 * is read from the buffered security buffer every time. */
static void test_session_setup_split(void **state)
{
	(void)state;
	uint8_t blob[512];
	size_t blen = auth_blob(blob, "DOM", "alice", "PC1");
	size_t total = 4 + 64 + 24 + blen;
	for (size_t k = 1; k < total; k++) {
		struct rig *r = rig_new(NULL);
		logon_leg(r, 1, 0x55, blob, blen, k, 0xC000006D, 0, TBASE);
		const struct nd_smb_results *res = rig_finish(r);
		assert_int_equal(res->n_logons, 1);
		assert_string_equal(res->logons[0].user, "DOM\\alice");
		assert_string_equal(res->logons[0].workstation, "PC1");
		rig_free(r);
	}
}

static void test_logon_rows(void **state)
{
	(void)state;
	struct rig *r = rig_new(NULL);
	uint8_t blob[512];
	/* leg 1 (NEGOTIATE) answered MORE_PROCESSING_REQUIRED: no row */
	logon_leg(r, 1, 0, (const uint8_t *)"NTLMSSP\0\x01\0\0\0", 12, 0, 0xC0000016, 0, TBASE);
	size_t blen = auth_blob(blob, "DOM", "alice", "PC1");
	logon_leg(r, 2, 0x55, blob, blen, 0, 0xC000006D, 0, TBASE + MSEC(1));
	logon_leg(r, 3, 0x55, blob, blen, 0, 0xC000006D, 0, TBASE + MSEC(2));
	/* a guest logon, and a named one (no row); its session names errors */
	blen = auth_blob(blob, "", "guest", "PC1");
	logon_leg(r, 4, 0x66, blob, blen, 0, 0, ND_SMB_SESSION_IS_GUEST, TBASE + MSEC(3));
	blen = auth_blob(blob, "DOM", "bob", "PC1");
	logon_leg(r, 5, 9, blob, blen, 0, 0, 0, TBASE + MSEC(4));
	size_t n = nbss(bufB, bufB, create_req(bufB, 6, "secret.txt", 0, false));
	feed(r, 0, bufB, n, TBASE + MSEC(5));
	n = nbss(bufB, bufB, create_resp(bufB, 6, 0xC0000022, FID, 0));
	feed(r, 1, bufB, n, TBASE + MSEC(6));
	/* Kerberos failure: the mechanism, no user */
	uint8_t kb[32];
	memcpy(kb, spnego_prefix, 16);
	memcpy(kb + 16, krb5_oid, sizeof(krb5_oid));
	logon_leg(r, 7, 0, kb, 16 + sizeof(krb5_oid), 0, 0xC000006D, 0, TBASE + MSEC(7));
	/* a failure whose request was not captured */
	n = nbss(bufB, bufB, sess_setup_resp(bufB, 99, 0x77, 0xC0000072, 0));
	feed(r, 1, bufB, n, TBASE + MSEC(8));
	const struct nd_smb_results *res = rig_finish(r);
	assert_int_equal(res->n_logons, 4);
	const struct nd_smb_logon *l = &res->logons[0]; /* failures first, by count */
	assert_string_equal(l->user, "DOM\\alice");
	assert_int_equal(l->status, 0xC000006D);
	assert_int_equal(l->count, 2);
	assert_string_equal(l->mech, "NTLMSSP");
	assert_int_equal(l->server[3], 2);
	assert_int_equal(l->client[3], 1);
	bool kerberos = false, unmatched = false, guest = false;
	for (size_t i = 1; i < res->n_logons; i++) {
		l = &res->logons[i];
		kerberos |= !strcmp(l->mech, "Kerberos") && !l->user[0] && l->count == 1;
		unmatched |= l->status == 0xC0000072 && !l->user[0] && !l->mech[0];
		guest |= l->status == 0 && l->session_flags == ND_SMB_SESSION_IS_GUEST &&
		         !strcmp(l->user, "guest");
	}
	assert_true(kerberos && unmatched && guest);
	assert_int_equal(res->logons[3].status, 0); /* the success last */
	bool denied = false, failed = false;
	for (size_t i = 0; i < res->n_errors; i++) {
		const struct nd_smb_error *e = &res->errors[i];
		denied |= e->status == 0xC0000022 && !strcmp(e->user, "DOM\\bob") &&
		          e->server[3] == 2;
		failed |=
		        e->status == 0xC000006D && !strcmp(e->user, "DOM\\alice") && e->count == 2;
	}
	assert_true(denied && failed);
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hdr_bounds),
	        cmocka_unit_test(test_error_body_selection),
	        cmocka_unit_test(test_create_name_bounds),
	        cmocka_unit_test(test_tree_connect_and_bodies),
	        cmocka_unit_test(test_utf16),
	        cmocka_unit_test(test_decoder_fuzz),
	        cmocka_unit_test(test_request_response),
	        cmocka_unit_test(test_split_every_byte),
	        cmocka_unit_test(test_several_pdus_per_chunk),
	        cmocka_unit_test(test_big_write),
	        cmocka_unit_test(test_compound_related),
	        cmocka_unit_test(test_compound_bounds),
	        cmocka_unit_test(test_hole_in_payload),
	        cmocka_unit_test(test_hole_over_header_resync),
	        cmocka_unit_test(test_late_fill_recovers_header),
	        cmocka_unit_test(test_cut_segment),
	        cmocka_unit_test(test_interim_cancel_break),
	        cmocka_unit_test(test_tree_connect_failure_and_handles),
	        cmocka_unit_test(test_transforms_and_smb1),
	        cmocka_unit_test(test_resync_garbage_and_keepalive),
	        cmocka_unit_test(test_pending_eviction),
	        cmocka_unit_test(test_write_first_byte_timing),
	        cmocka_unit_test(test_cut_messages_judged_at_their_end),
	        cmocka_unit_test(test_slow_io_by_size),
	        cmocka_unit_test(test_slow_metadata_and_connect),
	        cmocka_unit_test(test_slow_io_median_outlier),
	        cmocka_unit_test(test_io_idle_and_busy),
	        cmocka_unit_test(test_trouble_excludes_oversized),
	        cmocka_unit_test(test_ntlmssp_names),
	        cmocka_unit_test(test_ntlmssp_bounds),
	        cmocka_unit_test(test_kerberos_recognised),
	        cmocka_unit_test(test_session_setup_split),
	        cmocka_unit_test(test_logon_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
