/* SPDX-License-Identifier: MIT */
/* Unit tests for capture/: real files written in a temporary directory, by
 * libpcap's own writer for pcap and byte by byte for pcapng, read back
 * through nd_capture_*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <lzma.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "capture/capture.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static char tmpdir[PATH_MAX];

static const char *tmp_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", tmpdir, name);
	if (n < 0 || (size_t)n >= len)
		fail_msg("path too long: %s/%s", tmpdir, name);
	return buf;
}

static int group_setup(void **state)
{
	(void)state;
	const char *base = getenv("TMPDIR");
	int n = snprintf(tmpdir, sizeof(tmpdir), "%s/nd-test-capture-XXXXXX",
	                 base && *base ? base : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(tmpdir))
		return -1;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char p[PATH_MAX + 256];
			int n = snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
			if (n > 0 && (size_t)n < sizeof(p))
				unlink(p);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

/* ---- writing pcap with libpcap ---------------------------------------- */

struct rec {
	long sec, frac; /* frac in the file's precision */
	uint32_t caplen, len;
};

static uint8_t rec_byte(size_t pkt, size_t i)
{
	return (uint8_t)(pkt * 31 + i * 7 + 1);
}

static void write_pcap(const char *path, int dlt, int snaplen, u_int precision,
                       const struct rec *recs, size_t n)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(dlt, snaplen, precision);
	assert_non_null(p);
	pcap_dumper_t *d = pcap_dump_open(p, path);
	if (!d)
		fail_msg("pcap_dump_open %s: %s", path, pcap_geterr(p));
	for (size_t i = 0; i < n; i++) {
		uint8_t data[2048];
		assert_true(recs[i].caplen <= sizeof(data));
		for (size_t k = 0; k < recs[i].caplen; k++)
			data[k] = rec_byte(i, k);
		struct pcap_pkthdr h = {0};
		h.ts.tv_sec = recs[i].sec;
		h.ts.tv_usec = recs[i].frac;
		h.caplen = recs[i].caplen;
		h.len = recs[i].len;
		pcap_dump((u_char *)d, &h, data);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	if (n)
		assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void assert_one_line(const char *s)
{
	assert_true(s[0] != 0);
	assert_null(strchr(s, '\n'));
	assert_null(strchr(s, '\r'));
}

/* Reads every packet, checking frame numbers and file index; returns the
 * last nd_capture_next result. */
static int read_all(struct nd_capture_reader *r, uint32_t file_index, uint64_t *count)
{
	struct nd_packet pkt;
	int rc;
	*count = 0;
	while ((rc = nd_capture_next(r, &pkt)) == 1) {
		(*count)++;
		assert_int_equal(pkt.frame, *count);
		assert_int_equal(pkt.file_index, file_index);
	}
	return rc;
}

/* ---- pcap ------------------------------------------------------------- */

static const struct rec three_nano[] = {
        {1700000000, 123456789, 60, 60},
        {1700000001, 5, 100, 1514}, /* cut by the snaplen */
        {1700000002, 999999999, 54, 54},
};

static void test_pcap_nano_read_back(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "nano.pcap");
	write_pcap(path, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, three_nano, 3);

	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	assert_int_equal(s.n_files, 1);
	const struct nd_capture_file_info *fi = nd_capture_current(r);
	assert_ptr_equal(fi, &s.files[0]);
	assert_string_equal(fi->path, path);
	assert_int_equal(fi->status, ND_CAPTURE_OK);
	assert_string_equal(fi->error, "");
	assert_false(fi->pcapng);
	assert_int_equal(fi->linktype, DLT_EN10MB);
	assert_string_equal(fi->linktype_name, "EN10MB");
	assert_int_equal(fi->snaplen, 65535);
	assert_int_equal(fi->packets, 0);

	for (size_t i = 0; i < 3; i++) {
		struct nd_packet pkt;
		assert_int_equal(nd_capture_next(r, &pkt), 1);
		assert_int_equal(pkt.frame, i + 1);
		assert_int_equal(pkt.file_index, 0);
		assert_int_equal(pkt.linktype, DLT_EN10MB);
		assert_int_equal(pkt.ts,
		                 (nd_ns)three_nano[i].sec * ND_NS_PER_SEC + three_nano[i].frac);
		assert_int_equal(pkt.caplen, three_nano[i].caplen);
		assert_int_equal(pkt.len, three_nano[i].len);
		for (size_t k = 0; k < pkt.caplen; k++)
			assert_int_equal(pkt.data[k], rec_byte(i, k));
		assert_int_equal(fi->packets, i + 1);
	}
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 0);
	assert_int_equal(nd_capture_next(r, &pkt), 0); /* EOF stays EOF */

	assert_int_equal(fi->status, ND_CAPTURE_OK);
	assert_int_equal(fi->packets, 3);
	assert_int_equal(fi->wire_bytes, 60 + 1514 + 54);
	assert_int_equal(fi->captured_bytes, 60 + 100 + 54);
	assert_int_equal(fi->truncated_packets, 1);
	assert_int_equal(fi->first_ts, INT64_C(1700000000123456789));
	assert_int_equal(fi->last_ts, INT64_C(1700000002999999999));

	uint64_t pos, size;
	nd_capture_progress(r, &pos, &size);
	assert_int_equal(size, file_size(path));
	assert_int_equal(pos, size);
	nd_capture_close(r);

	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_int_equal(t.packets, 3);
	assert_int_equal(t.wire_bytes, 1628);
	assert_int_equal(t.captured_bytes, 214);
	assert_int_equal(t.truncated_packets, 1);
	assert_int_equal(t.first_ts, INT64_C(1700000000123456789));
	assert_int_equal(t.last_ts, INT64_C(1700000002999999999));
	assert_false(t.partial);
	assert_false(t.drops_known);
	nd_capture_summary_free(&s);
	assert_null(s.files);
	assert_int_equal(s.n_files, 0);
}

static void test_pcap_micro_timestamps(void **state)
{
	(void)state;
	static const struct rec recs[] = {
	        {1600000000, 123456, 64, 64},
	        {1600000000, 999999, 64, 64},
	        {1600000123, 0, 64, 64},
	};
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "micro.pcap");
	write_pcap(path, DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_MICRO, recs, 3);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	static const nd_ns want[] = {
	        INT64_C(1600000000123456000),
	        INT64_C(1600000000999999000),
	        INT64_C(1600000123000000000),
	};
	struct nd_packet pkt;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(nd_capture_next(r, &pkt), 1);
		assert_int_equal(pkt.ts, want[i]);
	}
	assert_int_equal(nd_capture_next(r, &pkt), 0);
	assert_int_equal(s.files[0].truncated_packets, 0);
	assert_int_equal(s.files[0].first_ts, want[0]);
	assert_int_equal(s.files[0].last_ts, want[2]);
	nd_capture_close(r);
	nd_capture_summary_free(&s);
}

static void test_pcap_other_linktypes(void **state)
{
	(void)state;
	static const struct {
		int dlt;
		const char *name;
	} lt[] = {
	        {DLT_LINUX_SLL2, "LINUX_SLL2"},
	        {DLT_LINUX_SLL, "LINUX_SLL"},
	        {DLT_RAW, "RAW"},
	        {DLT_NULL, "NULL"},
	        {147, NULL}, /* opens; decoding it is the caller's business */
	};
	static const struct rec one[] = {{1, 0, 40, 40}};
	for (size_t i = 0; i < ND_ARRAY_LEN(lt); i++) {
		char path[PATH_MAX], name[64];
		snprintf(name, sizeof(name), "lt%d.pcap", lt[i].dlt);
		tmp_path(path, sizeof(path), name);
		write_pcap(path, lt[i].dlt, 65535, PCAP_TSTAMP_PRECISION_MICRO, one, 1);
		struct nd_capture_summary s = {0};
		struct nd_capture_reader *r = nd_capture_open_file(&s, path);
		assert_non_null(r);
		assert_int_equal(s.files[0].linktype, lt[i].dlt);
		if (lt[i].name)
			assert_string_equal(s.files[0].linktype_name, lt[i].name);
		else /* libpcap may have no name for it */
			assert_true(s.files[0].linktype_name[0] != 0);
		struct nd_packet pkt;
		assert_int_equal(nd_capture_next(r, &pkt), 1);
		assert_int_equal(pkt.linktype, lt[i].dlt);
		nd_capture_close(r);
		nd_capture_summary_free(&s);
	}
}

static void test_pcap_empty_capture(void **state)
{
	(void)state;
	/* A valid header and no packets. */
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "nopackets.pcap");
	write_pcap(path, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, NULL, 0);
	assert_int_equal(file_size(path), 24);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 0);
	assert_int_equal(s.files[0].status, ND_CAPTURE_OK);
	assert_int_equal(s.files[0].packets, 0);
	assert_int_equal(s.files[0].first_ts, 0);
	assert_int_equal(s.files[0].last_ts, 0);
	nd_capture_close(r);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_int_equal(t.packets, 0);
	assert_int_equal(t.first_ts, 0);
	assert_false(t.partial);
	nd_capture_summary_free(&s);
}

static void test_two_files_one_summary(void **state)
{
	(void)state;
	static const struct rec later[] = {
	        {1700000100, 0, 70, 70},
	        {1700000200, 0, 70, 1000},
	};
	static const struct rec earlier[] = {{1690000000, 500, 80, 80}};
	char p1[PATH_MAX], p2[PATH_MAX];
	tmp_path(p1, sizeof(p1), "later.pcap");
	tmp_path(p2, sizeof(p2), "earlier.pcap");
	write_pcap(p1, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, later, 2);
	write_pcap(p2, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, earlier, 1);

	struct nd_capture_summary s = {0};
	uint64_t n;
	struct nd_capture_reader *r = nd_capture_open_file(&s, p1);
	assert_non_null(r);
	assert_int_equal(read_all(r, 0, &n), 0);
	assert_int_equal(n, 2);
	nd_capture_close(r);
	r = nd_capture_open_file(&s, p2);
	assert_non_null(r);
	assert_int_equal(read_all(r, 1, &n), 0); /* frames restart at 1 */
	assert_int_equal(n, 1);
	nd_capture_close(r);

	assert_int_equal(s.n_files, 2);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_int_equal(t.packets, 3);
	assert_int_equal(t.wire_bytes, 70 + 1000 + 80);
	assert_int_equal(t.captured_bytes, 70 + 70 + 80);
	assert_int_equal(t.truncated_packets, 1);
	assert_int_equal(t.first_ts, INT64_C(1690000000000000500));
	assert_int_equal(t.last_ts, INT64_C(1700000200000000000));
	assert_false(t.partial);
	nd_capture_summary_free(&s);
}

static void test_reader_survives_summary_growth(void **state)
{
	(void)state;
	/* The summary's array grows while a reader is open: the reader must
	 * keep accounting into its own entry. */
	static const struct rec recs[] = {{10, 0, 60, 60}, {11, 0, 60, 60}};
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "grow.pcap");
	write_pcap(path, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, recs, 2);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *first = nd_capture_open_file(&s, path);
	assert_non_null(first);
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(first, &pkt), 1);
	for (int i = 0; i < 20; i++) {
		struct nd_capture_reader *o = nd_capture_open_file(&s, path);
		assert_non_null(o);
		nd_capture_close(o);
	}
	assert_int_equal(s.n_files, 21);
	assert_int_equal(nd_capture_next(first, &pkt), 1);
	assert_int_equal(pkt.frame, 2);
	assert_int_equal(pkt.file_index, 0);
	assert_int_equal(nd_capture_next(first, &pkt), 0);
	assert_ptr_equal(nd_capture_current(first), &s.files[0]);
	assert_int_equal(s.files[0].packets, 2);
	assert_int_equal(s.files[1].packets, 0);
	nd_capture_close(first);
	nd_capture_summary_free(&s);
}

/* ---- bad input -------------------------------------------------------- */

static void test_missing_file(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "does-not-exist.pcap");
	struct nd_capture_summary s = {0};
	assert_null(nd_capture_open_file(&s, path));
	assert_int_equal(s.n_files, 1);
	assert_string_equal(s.files[0].path, path);
	assert_int_equal(s.files[0].status, ND_CAPTURE_OPEN_FAILED);
	assert_one_line(s.files[0].error);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_true(t.partial);
	assert_int_equal(t.packets, 0);
	nd_capture_summary_free(&s);
}

static void test_not_a_capture(void **state)
{
	(void)state;
	char text[PATH_MAX], empty[PATH_MAX], shorthdr[PATH_MAX];
	tmp_path(text, sizeof(text), "notes.txt");
	tmp_path(empty, sizeof(empty), "empty.pcap");
	tmp_path(shorthdr, sizeof(shorthdr), "short-header.pcap");
	static const char words[] = "This is a text file,\nnot a packet capture.\n";
	write_bytes(text, words, sizeof(words) - 1);
	write_bytes(empty, "", 0);
	/* The first 10 bytes of a valid pcap header. */
	static const uint8_t hdr[10] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0};
	write_bytes(shorthdr, hdr, sizeof(hdr));
	const char *paths[] = {text, empty, shorthdr};
	struct nd_capture_summary s = {0};
	for (size_t i = 0; i < ND_ARRAY_LEN(paths); i++) {
		assert_null(nd_capture_open_file(&s, paths[i]));
		assert_int_equal(s.n_files, i + 1);
		assert_int_equal(s.files[i].status, ND_CAPTURE_OPEN_FAILED);
		assert_one_line(s.files[i].error);
		assert_int_equal(s.files[i].packets, 0);
	}
	nd_capture_summary_free(&s);
}

static const struct rec three_100[] = {
        {100, 1, 100, 100},
        {101, 2, 100, 100},
        {102, 3, 100, 100},
};
#define PCAP_HDR 24
#define REC_HDR  16

/* Writes three 100-byte packets, cuts the file to len bytes, reads it. */
static int read_cut(const char *name, uint64_t len, struct nd_capture_summary *s, uint64_t *count)
{
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), name);
	write_pcap(path, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, three_100, 3);
	assert_int_equal(file_size(path), PCAP_HDR + 3 * (REC_HDR + 100));
	assert_int_equal(truncate(path, (off_t)len), 0);
	struct nd_capture_reader *r = nd_capture_open_file(s, path);
	assert_non_null(r);
	int rc = read_all(r, (uint32_t)(s->n_files - 1), count);
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 0); /* after damage: done */
	nd_capture_close(r);
	return rc;
}

static void test_pcap_cut_inside_packet_data(void **state)
{
	(void)state;
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc = read_cut("cut-data.pcap", PCAP_HDR + 2 * (REC_HDR + 100) + REC_HDR + 10, &s, &n);
	assert_int_equal(rc, -1);
	assert_int_equal(n, 2);
	const struct nd_capture_file_info *fi = &s.files[0];
	assert_int_equal(fi->status, ND_CAPTURE_DAMAGED);
	assert_one_line(fi->error);
	assert_non_null(strstr(fi->error, "damaged"));
	assert_int_equal(fi->packets, 2);
	assert_int_equal(fi->last_ts, 101 * ND_NS_PER_SEC + 2000);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_true(t.partial);
	assert_int_equal(t.packets, 2);
	nd_capture_summary_free(&s);
}

static void test_pcap_cut_inside_record_header(void **state)
{
	(void)state;
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc = read_cut("cut-hdr.pcap", PCAP_HDR + 2 * (REC_HDR + 100) + 8, &s, &n);
	assert_int_equal(rc, -1);
	assert_int_equal(n, 2);
	assert_int_equal(s.files[0].status, ND_CAPTURE_DAMAGED);
	assert_one_line(s.files[0].error);
	nd_capture_summary_free(&s);
}

static void test_pcap_cut_at_record_boundary(void **state)
{
	(void)state;
	/* Ending between records is a complete (shorter) file. */
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc = read_cut("cut-boundary.pcap", PCAP_HDR + 2 * (REC_HDR + 100), &s, &n);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 2);
	assert_int_equal(s.files[0].status, ND_CAPTURE_OK);
	assert_string_equal(s.files[0].error, "");
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_false(t.partial);
	nd_capture_summary_free(&s);
}

static void test_pcap_corrupt_record_length(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "corrupt-caplen.pcap");
	write_pcap(path, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, three_100, 3);
	/* Second record's caplen (little-endian host writer) -> 0x7fffffff. */
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, PCAP_HDR + REC_HDR + 100 + 8, SEEK_SET), 0);
	static const uint8_t huge[4] = {0xff, 0xff, 0xff, 0x7f};
	assert_int_equal(fwrite(huge, 1, 4, fp), 4);
	assert_int_equal(fclose(fp), 0);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	uint64_t n;
	assert_int_equal(read_all(r, 0, &n), -1);
	assert_int_equal(n, 1);
	assert_int_equal(s.files[0].status, ND_CAPTURE_DAMAGED);
	assert_one_line(s.files[0].error);
	nd_capture_close(r);
	nd_capture_summary_free(&s);
}

static void test_damaged_and_good_totals(void **state)
{
	(void)state;
	struct nd_capture_summary s = {0};
	uint64_t n;
	char good[PATH_MAX];
	tmp_path(good, sizeof(good), "good-for-totals.pcap");
	write_pcap(good, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, three_nano, 3);
	struct nd_capture_reader *r = nd_capture_open_file(&s, good);
	assert_non_null(r);
	assert_int_equal(read_all(r, 0, &n), 0);
	nd_capture_close(r);
	assert_int_equal(read_cut("cut-for-totals.pcap", PCAP_HDR + REC_HDR + 100 + 20, &s, &n),
	                 -1);
	assert_int_equal(n, 1);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_int_equal(t.packets, 4);
	assert_int_equal(t.first_ts, 100 * ND_NS_PER_SEC + 1000);
	assert_int_equal(t.last_ts, INT64_C(1700000002999999999));
	assert_true(t.partial);
	assert_int_equal(s.files[0].status, ND_CAPTURE_OK);
	assert_int_equal(s.files[1].status, ND_CAPTURE_DAMAGED);
	nd_capture_summary_free(&s);
}

static void test_reject(void **state)
{
	(void)state;
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "reject.pcap");
	write_pcap(path, 147, 65535, PCAP_TSTAMP_PRECISION_MICRO, three_100, 3);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	nd_capture_reject(r, ND_CAPTURE_UNSUPPORTED_LINK, "unsupported link type 147\n(USER0)");
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 0);
	assert_int_equal(s.files[0].status, ND_CAPTURE_UNSUPPORTED_LINK);
	assert_string_equal(s.files[0].error, "unsupported link type 147 (USER0)");
	assert_int_equal(s.files[0].packets, 0);
	nd_capture_close(r);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_true(t.partial);
	nd_capture_summary_free(&s);
}

/* ---- pcapng, written byte by byte ------------------------------------- */

struct ng {
	uint8_t b[8192];
	size_t n;
	bool be;
};

static void ng_put(struct ng *g, const void *p, size_t n)
{
	assert_true(g->n + n <= sizeof(g->b));
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void ng16(struct ng *g, uint16_t v)
{
	uint8_t b[2];
	for (int i = 0; i < 2; i++)
		b[g->be ? 1 - i : i] = (uint8_t)(v >> (8 * i));
	ng_put(g, b, 2);
}

static void ng32(struct ng *g, uint32_t v)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[g->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	ng_put(g, b, 4);
}

static void ng64(struct ng *g, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[g->be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
	ng_put(g, b, 8);
}

static void ng_set32(struct ng *g, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		g->b[at + (size_t)(g->be ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

static size_t ng_begin(struct ng *g, uint32_t type)
{
	size_t at = g->n;
	ng32(g, type);
	ng32(g, 0); /* length, patched by ng_end */
	return at;
}

static void ng_end(struct ng *g, size_t at)
{
	while ((g->n - at) % 4)
		ng_put(g, "", 1);
	uint32_t len = (uint32_t)(g->n - at + 4);
	ng_set32(g, at + 4, len);
	ng32(g, len);
}

static void ng_shb(struct ng *g)
{
	size_t at = ng_begin(g, 0x0A0D0D0A);
	ng32(g, 0x1A2B3C4D);
	ng16(g, 1);
	ng16(g, 0);
	ng64(g, UINT64_MAX); /* section length unknown */
	ng_end(g, at);
}

static void ng_idb(struct ng *g, uint16_t linktype, uint8_t tsresol)
{
	size_t at = ng_begin(g, 1);
	ng16(g, linktype);
	ng16(g, 0);
	ng32(g, 65535);
	if (tsresol) {
		ng16(g, 9); /* if_tsresol */
		ng16(g, 1);
		ng_put(g, &tsresol, 1);
		ng_put(g, "\0\0\0", 3);
		ng16(g, 0);
		ng16(g, 0);
	}
	ng_end(g, at);
}

static void ng_epb(struct ng *g, uint32_t iface, uint64_t ts, uint32_t caplen, uint32_t len)
{
	size_t at = ng_begin(g, 6);
	ng32(g, iface);
	ng32(g, (uint32_t)(ts >> 32));
	ng32(g, (uint32_t)ts);
	ng32(g, caplen);
	ng32(g, len);
	for (uint32_t i = 0; i < caplen; i++) {
		uint8_t c = (uint8_t)(0x40 + i);
		ng_put(g, &c, 1);
	}
	ng_end(g, at);
}

struct isb_opt {
	uint16_t code, len;
	uint64_t value; /* written when len == 8 */
};

static void ng_isb(struct ng *g, uint32_t iface, const struct isb_opt *o, size_t n)
{
	size_t at = ng_begin(g, 5);
	ng32(g, iface);
	ng32(g, 0);
	ng32(g, 12345);
	for (size_t i = 0; i < n; i++) {
		ng16(g, o[i].code);
		ng16(g, o[i].len);
		if (o[i].len == 8)
			ng64(g, o[i].value);
	}
	ng16(g, 0); /* opt_endofopt */
	ng16(g, 0);
	ng_end(g, at);
}

#define ISB_IFRECV 4
#define ISB_IFDROP 5
#define ISB_OSDROP 7

static const struct isb_opt isb_std[] = {
        {ISB_IFRECV, 8, 100},
        {ISB_IFDROP, 8, 7},
        {ISB_OSDROP, 8, 3},
};

static void ng_write(const char *name, const struct ng *g, char *path, size_t len)
{
	tmp_path(path, len, name);
	write_bytes(path, g->b, g->n);
}

/* Opens, reads all packets, closes; the summary keeps the results. */
static struct nd_capture_file_info *ng_read(const char *path, struct nd_capture_summary *s,
                                            uint64_t *count, int *rc)
{
	struct nd_capture_reader *r = nd_capture_open_file(s, path);
	if (!r)
		fail_msg("cannot open %s: %s", path, s->files[s->n_files - 1].error);
	assert_true(nd_capture_current(r)->pcapng);
	*rc = read_all(r, (uint32_t)(s->n_files - 1), count);
	nd_capture_close(r);
	return &s->files[s->n_files - 1];
}

static void check_std_pcapng(bool big_endian)
{
	struct ng g = {.be = big_endian};
	ng_shb(&g);
	ng_idb(&g, 1, big_endian ? 9 : 0);
	uint64_t t0 = big_endian ? UINT64_C(1700000000123456789) : UINT64_C(1700000000123456);
	uint64_t t1 = t0 + (big_endian ? 250000000u : 250000u);
	ng_epb(&g, 0, t0, 60, 60);
	ng_epb(&g, 0, t1, 61, 1514);
	ng_isb(&g, 0, isb_std, ND_ARRAY_LEN(isb_std));
	char path[PATH_MAX];
	ng_write(big_endian ? "std-be.pcapng" : "std-le.pcapng", &g, path, sizeof(path));

	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	const struct nd_capture_file_info *cur = nd_capture_current(r);
	assert_true(cur->pcapng);
	assert_int_equal(cur->linktype, DLT_EN10MB);
	assert_string_equal(cur->linktype_name, "EN10MB");
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 1);
	assert_int_equal(pkt.ts, INT64_C(1700000000123456789) - (big_endian ? 0 : 789));
	assert_int_equal(pkt.caplen, 60);
	assert_int_equal(pkt.len, 60);
	assert_int_equal(pkt.data[0], 0x40);
	assert_int_equal(pkt.data[59], 0x40 + 59);
	assert_int_equal(nd_capture_next(r, &pkt), 1);
	assert_int_equal(pkt.frame, 2);
	assert_int_equal(pkt.ts, INT64_C(1700000000373456789) - (big_endian ? 0 : 789));
	assert_int_equal(pkt.caplen, 61);
	assert_int_equal(pkt.len, 1514);
	assert_int_equal(nd_capture_next(r, &pkt), 0);
	/* Drops are only collected at close. */
	assert_false(cur->drops_known);
	nd_capture_close(r);

	const struct nd_capture_file_info *fi = &s.files[0];
	assert_int_equal(fi->status, ND_CAPTURE_OK);
	assert_int_equal(fi->packets, 2);
	assert_int_equal(fi->truncated_packets, 1);
	assert_true(fi->drops_known);
	assert_int_equal(fi->drops_if, 7);
	assert_int_equal(fi->drops_kernel, 3);
	assert_int_equal(fi->isb_received, 100);

	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_true(t.drops_known);
	assert_int_equal(t.drops_if, 7);
	assert_int_equal(t.drops_kernel, 3);
	assert_false(t.partial);
	nd_capture_summary_free(&s);
}

static void test_pcapng_little_endian(void **state)
{
	(void)state;
	check_std_pcapng(false);
}

static void test_pcapng_big_endian(void **state)
{
	(void)state;
	check_std_pcapng(true);
}

static void test_pcapng_isb_garbage_option_length(void **state)
{
	(void)state;
	static const struct isb_opt o[] = {
	        {ISB_IFRECV, 8, 100},
	        {ISB_IFDROP, 8, 7},
	        {ISB_OSDROP, 0xFFF0, 0}, /* runs far past the block */
	};
	for (int be = 0; be <= 1; be++) {
		struct ng g = {.be = be};
		ng_shb(&g);
		ng_idb(&g, 1, 0);
		ng_epb(&g, 0, 1000, 60, 60);
		ng_isb(&g, 0, o, ND_ARRAY_LEN(o));
		ng_epb(&g, 0, 2000, 60, 60);
		char path[PATH_MAX];
		ng_write(be ? "isb-garbage-be.pcapng" : "isb-garbage-le.pcapng", &g, path,
		         sizeof(path));
		struct nd_capture_summary s = {0};
		uint64_t n;
		int rc;
		struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(n, 2);
		assert_true(fi->drops_known);
		assert_int_equal(fi->drops_if, 7);
		assert_int_equal(fi->drops_kernel, 0);
		assert_int_equal(fi->isb_received, 100);
		nd_capture_summary_free(&s);
	}
}

static void test_pcapng_isb_odd_shapes(void **state)
{
	(void)state;
	/* An ISB too short for its fixed fields, options of the wrong size,
	 * and a 1-byte option (padded) before the real counters. */
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	size_t at = ng_begin(&g, 5);
	ng32(&g, 0);
	ng_end(&g, at);
	ng_epb(&g, 0, 1000, 60, 60);
	at = ng_begin(&g, 5);
	ng32(&g, 0);
	ng32(&g, 0);
	ng32(&g, 0);
	ng16(&g, 1); /* opt_comment, 1 byte + 3 padding */
	ng16(&g, 1);
	ng_put(&g, "x\0\0\0", 4);
	ng16(&g, ISB_IFDROP); /* wrong size: ignored */
	ng16(&g, 4);
	ng32(&g, 99);
	ng16(&g, ISB_OSDROP);
	ng16(&g, 8);
	ng64(&g, 11);
	ng16(&g, 0);
	ng16(&g, 0);
	ng_end(&g, at);
	char path[PATH_MAX];
	ng_write("isb-odd.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_true(fi->drops_known);
	assert_int_equal(fi->drops_if, 0);
	assert_int_equal(fi->drops_kernel, 11);
	nd_capture_summary_free(&s);
}

static void test_pcapng_isb_option_cut_by_block_end(void **state)
{
	(void)state;
	/* The last option claims 8 bytes but the block ends 4 bytes into it
	 * (and there is no opt_endofopt): it must be ignored, not read past. */
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	ng_epb(&g, 0, 1000, 60, 60);
	size_t at = ng_begin(&g, 5);
	ng32(&g, 0);
	ng32(&g, 0);
	ng32(&g, 0);
	ng16(&g, ISB_IFDROP);
	ng16(&g, 8);
	ng64(&g, 7);
	ng16(&g, ISB_OSDROP);
	ng16(&g, 8);
	ng32(&g, 0x01010101);
	ng_end(&g, at);
	char path[PATH_MAX];
	ng_write("isb-cut-option.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_true(fi->drops_known);
	assert_int_equal(fi->drops_if, 7);
	assert_int_equal(fi->drops_kernel, 0);
	nd_capture_summary_free(&s);
}

static void test_pcapng_two_interfaces(void **state)
{
	(void)state;
	static const struct isb_opt if0_old[] = {{ISB_IFDROP, 8, 1}, {ISB_OSDROP, 8, 1}};
	static const struct isb_opt if1[] = {{ISB_IFDROP, 8, 10}, {ISB_OSDROP, 8, 20}};
	static const struct isb_opt if0_new[] = {{ISB_IFDROP, 8, 9}, {ISB_OSDROP, 8, 4}};
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	ng_idb(&g, 1, 0);
	ng_epb(&g, 0, 1000, 60, 60);
	ng_isb(&g, 0, if0_old, 2);
	ng_epb(&g, 1, 2000, 60, 60);
	ng_isb(&g, 1, if1, 2);
	ng_isb(&g, 0, if0_new, 2); /* counters are cumulative: the last one counts */
	char path[PATH_MAX];
	ng_write("two-ifaces.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 2);
	assert_true(fi->drops_known);
	assert_int_equal(fi->drops_if, 9 + 10);
	assert_int_equal(fi->drops_kernel, 4 + 20);
	nd_capture_summary_free(&s);
}

static void test_pcapng_no_drop_counters(void **state)
{
	(void)state;
	static const struct isb_opt recv_only[] = {{ISB_IFRECV, 8, 500}};
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	ng_epb(&g, 0, 1000, 60, 60);
	ng_isb(&g, 0, recv_only, 1);
	char path[PATH_MAX];
	ng_write("recv-only.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(n, 1);
	assert_false(fi->drops_known);
	assert_int_equal(fi->drops_if, 0);
	assert_int_equal(fi->drops_kernel, 0);
	struct nd_capture_totals t;
	nd_capture_summary_totals(&s, &t);
	assert_false(t.drops_known);
	nd_capture_summary_free(&s);

	/* And no ISB at all. */
	struct ng h = {0};
	ng_shb(&h);
	ng_idb(&h, 1, 0);
	ng_epb(&h, 0, 1000, 60, 60);
	ng_write("no-isb.pcapng", &h, path, sizeof(path));
	fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(rc, 0);
	assert_false(fi->drops_known);
	nd_capture_summary_free(&s);
}

static void test_pcapng_damaged_tail_keeps_drops(void **state)
{
	(void)state;
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	ng_epb(&g, 0, 1000, 60, 60);
	ng_isb(&g, 0, isb_std, ND_ARRAY_LEN(isb_std));
	ng_epb(&g, 0, 2000, 60, 60);
	g.n -= 30; /* cut inside the last packet block */
	char path[PATH_MAX];
	ng_write("damaged-tail.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	struct nd_capture_file_info *fi = ng_read(path, &s, &n, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(n, 1);
	assert_int_equal(fi->status, ND_CAPTURE_DAMAGED);
	assert_one_line(fi->error);
	assert_true(fi->drops_known);
	assert_int_equal(fi->drops_if, 7);
	assert_int_equal(fi->drops_kernel, 3);
	nd_capture_summary_free(&s);
}

static void test_pcapng_timestamp_beyond_2262(void **state)
{
	(void)state;
	/* Regression test for a fixed bug: src/capture/capture.c nd_capture_next() computes
	 * `(nd_ns)hdr->ts.tv_sec * ND_NS_PER_SEC + hdr->ts.tv_usec` with no
	 * range check. pcapng timestamps are 64-bit, so a packet after
	 * 2262-04-11 (tv_sec > INT64_MAX / 1e9 = 9223372036) overflows int64:
	 * undefined behaviour (UBSan: "signed integer overflow: 17179869184 *
	 * 1000000000 cannot be represented in type 'long'"), in practice a
	 * wrapped, negative timestamp that then overflows `now - last_ts` in
	 * tcp/flow_table.c expire_idle() and the duration arithmetic of the
	 * reports. Found by fuzz_pipeline within seconds. Input: SHB, IDB
	 * (linktype 1, microseconds), one EPB with timestamp 2^34 s. Expected:
	 * no overflow, a non-negative time (e.g. clamped, or the file reported
	 * as damaged); got a negative nd_ns. */
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, 1, 0);
	ng_epb(&g, 0, 1000000, 60, 60);
	ng_epb(&g, 0, (UINT64_C(1) << 34) * 1000000u, 60, 60);
	char path[PATH_MAX];
	ng_write("year-2514.pcapng", &g, path, sizeof(path));
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	struct nd_packet pkt;
	assert_int_equal(nd_capture_next(r, &pkt), 1);
	assert_int_equal(pkt.ts, ND_NS_PER_SEC);
	int rc = nd_capture_next(r, &pkt);
	if (rc == 1)
		assert_true(pkt.ts >= ND_NS_PER_SEC);
	else
		assert_int_equal(s.files[0].status, ND_CAPTURE_DAMAGED);
	nd_capture_close(r);
	nd_capture_summary_free(&s);
}

/* ---- compressed files (gzip, xz) -------------------------------------- */

static void *slurp(const char *path, size_t *n)
{
	*n = (size_t)file_size(path);
	void *b = malloc(*n + 1);
	assert_non_null(b);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(b, 1, *n, fp), *n);
	fclose(fp);
	return b;
}

/* gzip of in's bytes [from, to) appended to out as one gzip member. */
static void gzip_member(const char *in, size_t from, size_t to, const char *out)
{
	size_t n;
	uint8_t *b = slurp(in, &n);
	assert_true(to <= n && from <= to);
	gzFile gz = gzopen(out, "ab");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, b + from, (unsigned)(to - from)), (int)(to - from));
	assert_int_equal(gzclose(gz), Z_OK);
	free(b);
}

/* xz of in, cut to keep of its bytes (0: whole). */
static void xz_file(const char *in, const char *out, size_t keep)
{
	size_t n, pos = 0;
	uint8_t *b = slurp(in, &n);
	size_t cap = lzma_stream_buffer_bound(n);
	uint8_t *x = malloc(cap);
	assert_non_null(x);
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, b, n, x, &pos, cap),
	                 LZMA_OK);
	write_bytes(out, x, keep && keep < pos ? keep : pos);
	free(x);
	free(b);
}

static void test_gzip_capture(void **state)
{
	(void)state;
	char plain[PATH_MAX], gz[PATH_MAX];
	tmp_path(plain, sizeof(plain), "z.pcap");
	tmp_path(gz, sizeof(gz), "z.pcap.gz");
	write_pcap(plain, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, three_100, 3);
	unlink(gz);
	/* two gzip members, as `cat a.gz b.gz` makes: one stream to read */
	gzip_member(plain, 0, 100, gz);
	gzip_member(plain, 100, (size_t)file_size(plain), gz);
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, gz);
	assert_non_null(r);
	uint64_t n, pos, size;
	assert_int_equal(read_all(r, 0, &n), 0);
	assert_int_equal(n, 3);
	nd_capture_progress(r, &pos, &size);
	assert_int_equal(size, file_size(gz)); /* progress counts the compressed file */
	assert_int_equal(pos, size);
	nd_capture_close(r);
	assert_int_equal(s.files[0].status, ND_CAPTURE_OK);
	assert_int_equal(s.files[0].wire_bytes, 300);
	nd_capture_summary_free(&s);
}

static void test_xz_pcapng_keeps_drop_counters(void **state)
{
	(void)state;
	struct ng g = {0};
	ng_shb(&g);
	ng_idb(&g, DLT_EN10MB, 9);
	ng_epb(&g, 0, 1000, 60, 60);
	ng_isb(&g, 0, isb_std, ND_ARRAY_LEN(isb_std));
	char plain[PATH_MAX], xz[PATH_MAX];
	ng_write("drops.pcapng", &g, plain, sizeof(plain));
	tmp_path(xz, sizeof(xz), "drops.pcapng.xz");
	xz_file(plain, xz, 0);
	struct nd_capture_summary s = {0};
	uint64_t n;
	int rc;
	const struct nd_capture_file_info *fi = ng_read(xz, &s, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_true(fi->drops_known); /* the statistics block, read through xz */
	assert_int_equal(fi->drops_kernel + fi->drops_if, 10);
	assert_int_equal(fi->status, ND_CAPTURE_OK);
	nd_capture_summary_free(&s);
}

static void test_xz_cut_is_damaged(void **state)
{
	(void)state;
	char plain[PATH_MAX], xz[PATH_MAX];
	tmp_path(plain, sizeof(plain), "cut.pcap");
	tmp_path(xz, sizeof(xz), "cut.pcap.xz");
	write_pcap(plain, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, three_100, 3);
	xz_file(plain, xz, 80); /* the header and part of the packets */
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, xz);
	uint64_t n = 0;
	if (r) {
		assert_int_equal(read_all(r, 0, &n), -1);
		nd_capture_close(r);
		assert_int_equal(s.files[0].status, ND_CAPTURE_DAMAGED);
	} else {
		assert_int_equal(s.files[0].status, ND_CAPTURE_OPEN_FAILED);
	}
	assert_true(n < 3);
	assert_one_line(s.files[0].error);
	nd_capture_summary_free(&s);
}

static void test_gzip_of_text_is_not_a_capture(void **state)
{
	(void)state;
	char text[PATH_MAX], gz[PATH_MAX];
	tmp_path(text, sizeof(text), "words.txt");
	tmp_path(gz, sizeof(gz), "words.txt.gz");
	static const char words[] = "This is a text file, compressed, not a packet capture.\n";
	write_bytes(text, words, sizeof(words) - 1);
	unlink(gz);
	gzip_member(text, 0, sizeof(words) - 1, gz);
	struct nd_capture_summary s = {0};
	assert_null(nd_capture_open_file(&s, gz));
	assert_int_equal(s.files[0].status, ND_CAPTURE_OPEN_FAILED);
	assert_one_line(s.files[0].error);
	nd_capture_summary_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pcap_nano_read_back),
	        cmocka_unit_test(test_pcap_micro_timestamps),
	        cmocka_unit_test(test_pcap_other_linktypes),
	        cmocka_unit_test(test_pcap_empty_capture),
	        cmocka_unit_test(test_two_files_one_summary),
	        cmocka_unit_test(test_reader_survives_summary_growth),
	        cmocka_unit_test(test_missing_file),
	        cmocka_unit_test(test_not_a_capture),
	        cmocka_unit_test(test_pcap_cut_inside_packet_data),
	        cmocka_unit_test(test_pcap_cut_inside_record_header),
	        cmocka_unit_test(test_pcap_cut_at_record_boundary),
	        cmocka_unit_test(test_pcap_corrupt_record_length),
	        cmocka_unit_test(test_damaged_and_good_totals),
	        cmocka_unit_test(test_reject),
	        cmocka_unit_test(test_pcapng_little_endian),
	        cmocka_unit_test(test_pcapng_big_endian),
	        cmocka_unit_test(test_pcapng_isb_garbage_option_length),
	        cmocka_unit_test(test_pcapng_isb_odd_shapes),
	        cmocka_unit_test(test_pcapng_isb_option_cut_by_block_end),
	        cmocka_unit_test(test_pcapng_two_interfaces),
	        cmocka_unit_test(test_pcapng_no_drop_counters),
	        cmocka_unit_test(test_pcapng_damaged_tail_keeps_drops),
	        cmocka_unit_test(test_pcapng_timestamp_beyond_2262),
	        cmocka_unit_test(test_gzip_capture),
	        cmocka_unit_test(test_xz_pcapng_keeps_drop_counters),
	        cmocka_unit_test(test_xz_cut_is_damaged),
	        cmocka_unit_test(test_gzip_of_text_is_not_a_capture),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
