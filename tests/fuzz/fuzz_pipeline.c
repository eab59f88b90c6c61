/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the whole analysis path: the input is one capture
 * file (pcap or pcapng), read exactly as `netdiag analyze FILE` reads it —
 * capture -> decode -> tcp -> smb -> diag -> report — with small flow and
 * SMB tables so that evictions happen.
 *
 * libpcap only opens paths, so each input is written to a memfd created once
 * per process and opened through /proc/self/fd/N (pcapng drop statistics are
 * read by path too, which this also exercises). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounds one input's work: a seed of a few hundred kB stays fast. */
#define MAX_PACKETS 20000

static int mem_fd = -1;
static char mem_path[64];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mem_fd = memfd_create("netdiag-fuzz-capture", 0);
	if (mem_fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(mem_path, sizeof(mem_path), "/proc/self/fd/%d", mem_fd);
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("/dev/null");
		abort();
	}
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	if (ftruncate(mem_fd, 0) != 0)
		abort();
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(mem_fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	write_input(data, size);

	struct nd_pipeline_config cfg = {0};
	cfg.tcp.max_flows = 64;
	cfg.tcp.idle_timeout = 30 * ND_NS_PER_SEC;
	cfg.tcp.max_report_flows = 8;
	/* Small SMB tables too, so their limits are reached. */
	cfg.smb.max_pending = 64;
	cfg.smb.max_handles = 64;
	cfg.smb.max_trees = 16;
	cfg.smb.max_sessions = 16;
	cfg.smb.max_shares = 8;
	cfg.smb.top_slowest = 4;
	struct nd_pipeline p;
	if (nd_pipeline_init(&p, &cfg) != 0)
		abort();

	struct nd_capture_reader *r = nd_capture_open_file(&p.capture, mem_path);
	if (r) {
		const struct nd_capture_file_info *fi = nd_capture_current(r);
		if (!nd_decode_linktype_supported(fi->linktype))
			nd_capture_reject(r, ND_CAPTURE_UNSUPPORTED_LINK, "unsupported link type");
		struct nd_packet pkt;
		uint64_t pos, total;
		int n = 0;
		while (n++ < MAX_PACKETS && nd_capture_next(r, &pkt) == 1) {
			if (pkt.caplen && pkt.data == NULL)
				__builtin_trap();
			nd_pipeline_packet(&p, &pkt);
		}
		nd_capture_progress(r, &pos, &total);
		nd_capture_close(r);
	}
	nd_pipeline_finish(&p);

	struct nd_report_input in = {
	        .command = "analyze",
	        .capture = &p.capture,
	        .decode = &p.decode,
	        .tcp = p.tcp,
	        .smb = p.smb,
	        .findings = &p.findings,
	};
	struct nd_report_options ro = {.color = size % 2 == 0};
	nd_report_text(devnull, &in, &ro);
	nd_report_json(devnull, &in, NULL);

	nd_pipeline_free(&p);
	return 0;
}
