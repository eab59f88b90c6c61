/* SPDX-License-Identifier: MIT */
/* The capture writer: pcap through libpcap, pcapng written by netdiag (read
 * back by libpcap and by the capture module, drop counters included), and
 * tcpdump-style rotation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture/capture.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ndwriter.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct nd_packet packet(uint64_t i, uint8_t *buf, uint32_t caplen)
{
	for (uint32_t k = 0; k < caplen; k++)
		buf[k] = (uint8_t)(i + k);
	return (struct nd_packet){
	        .ts = INT64_C(1700000000) * ND_NS_PER_SEC + (nd_ns)i * 1000 + 7,
	        .data = buf,
	        .caplen = caplen,
	        .len = caplen + 10,
	        .linktype = 1,
	};
}

static void write_packets(const struct nd_capture_writer_opts *wo, int n,
                          const struct nd_capture_file_info *stats)
{
	char err[256];
	struct nd_capture_writer *w = nd_capture_writer_open(wo, 1, 65535, "br0", err, sizeof(err));
	assert_non_null(w);
	uint8_t buf[1000];
	for (int i = 0; i < n; i++) {
		struct nd_packet p = packet((uint64_t)i, buf, 900);
		assert_int_equal(nd_capture_writer_write(w, &p, err, sizeof(err)), 0);
	}
	nd_capture_writer_close(w, stats);
}

/* Reads a file back through the capture module; returns its entry. */
static struct nd_capture_file_info read_back(const char *path)
{
	struct nd_capture_summary s = {0};
	struct nd_capture_reader *r = nd_capture_open_file(&s, path);
	assert_non_null(r);
	struct nd_packet p;
	uint64_t n = 0;
	while (nd_capture_next(r, &p) == 1) {
		assert_int_equal(p.caplen, 900);
		assert_int_equal(p.len, 910);
		assert_int_equal(p.ts % 1000, 7); /* nanoseconds survive */
		n++;
	}
	nd_capture_close(r);
	struct nd_capture_file_info info = s.files[0];
	assert_int_equal(info.packets, n);
	nd_capture_summary_free(&s);
	return info;
}

static void test_pcap_round_trip(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/a.pcap", dir);
	struct nd_capture_writer_opts wo = {.path = path};
	write_packets(&wo, 50, NULL);
	struct nd_capture_file_info info = read_back(path);
	assert_int_equal(info.packets, 50);
	assert_false(info.pcapng);
}

static void test_pcapng_round_trip_with_drops(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/a.pcapng", dir);
	struct nd_capture_writer_opts wo = {.path = path};
	struct nd_capture_file_info stats = {
	        .drops_known = true, .drops_kernel = 11, .drops_if = 3, .isb_received = 64};
	write_packets(&wo, 50, &stats);
	struct nd_capture_file_info info = read_back(path);
	assert_int_equal(info.packets, 50);
	assert_true(info.pcapng);
	assert_true(info.drops_known);
	assert_int_equal(info.drops_kernel, 11);
	assert_int_equal(info.drops_if, 3);
	/* libpcap itself reads the file too. */
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), 1);
	pcap_close(p);
}

/* 200 packets of ~0.93 kB over 50 kB files: 4 files, kept in a ring of 3. */
static void test_rotation_ring(void **state)
{
	(void)state;
	char path[128], name[160];
	snprintf(path, sizeof(path), "%s/ring.pcap", dir);
	struct nd_capture_writer_opts wo = {.path = path, .rotate_bytes = 50000, .rotate_count = 3};
	write_packets(&wo, 200, NULL);
	uint64_t total = 0;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s/ring.%d.pcap", dir, i);
		struct nd_capture_file_info info = read_back(name);
		assert_true(info.packets > 0);
		total += info.packets;
	}
	snprintf(name, sizeof(name), "%s/ring.3.pcap", dir);
	assert_int_not_equal(access(name, F_OK), 0);
	assert_true(total < 200); /* the oldest file was overwritten */
}

static void test_rotation_unbounded(void **state)
{
	(void)state;
	char path[128], name[160];
	snprintf(path, sizeof(path), "%s/all.pcapng", dir);
	struct nd_capture_writer_opts wo = {.path = path, .rotate_bytes = 50000};
	write_packets(&wo, 200, NULL);
	uint64_t total = 0;
	for (int i = 0;; i++) {
		snprintf(name, sizeof(name), "%s/all.%d.pcapng", dir, i);
		if (access(name, F_OK) != 0)
			break;
		total += read_back(name).packets;
	}
	assert_int_equal(total, 200);
}

static void test_unwritable_path(void **state)
{
	(void)state;
	char err[256] = "";
	struct nd_capture_writer_opts wo = {.path = "/nonexistent-dir/x.pcap"};
	assert_null(nd_capture_writer_open(&wo, 1, 65535, "br0", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcap"));
	wo.path = "/nonexistent-dir/x.pcapng";
	assert_null(nd_capture_writer_open(&wo, 1, 65535, "br0", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x.pcapng"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pcap_round_trip),
	        cmocka_unit_test(test_pcapng_round_trip_with_drops),
	        cmocka_unit_test(test_rotation_ring),
	        cmocka_unit_test(test_rotation_unbounded),
	        cmocka_unit_test(test_unwritable_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
