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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
