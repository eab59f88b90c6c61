/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for decode/: one frame per input.
 *
 *   byte 0   link type (index into dlts[] below, modulo its size)
 *   byte 1   how many bytes the frame was longer on the wire than captured
 *   rest     the captured frame (caplen = size - 2, len = caplen + byte 1)
 *
 * libFuzzer hands the input in a heap block of exactly its size, so any read
 * past caplen is an ASan report. On top of memory safety the harness checks
 * invariants the rest of netdiag relies on and traps when one breaks. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <pcap/dlt.h>

#include "decode/decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {
        DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static volatile uint32_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size - 2 > UINT32_MAX - 255)
		return 0;
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	const uint8_t *frame = data + 2;
	uint32_t caplen = (uint32_t)(size - 2);
	uint32_t len = caplen + data[1];

	struct nd_decode_stats st = {0};
	struct nd_decoded d;
	enum nd_decode_result r = nd_decode_frame(dlt, frame, caplen, len, &d, &st);

	CHECK((unsigned)r < ND_DECODE_RESULT_COUNT);
	uint64_t total = 0;
	for (int i = 0; i < ND_DECODE_RESULT_COUNT; i++)
		total += st.results[i];
	CHECK(total == 1 && st.results[r] == 1);
	CHECK(d.truncated == (data[1] != 0));
	CHECK(d.n_vlan == 0 || dlt == DLT_EN10MB);
	CHECK(nd_decode_result_name(r)[0] != 0);

	if (r == ND_DECODE_TCP) {
		CHECK(d.ip_version == 4 || d.ip_version == 6);
		CHECK(d.ip_proto == 6);
		CHECK(d.tcp_hdr_len >= 20 && d.tcp_hdr_len <= 60 && d.tcp_hdr_len % 4 == 0);
		CHECK(d.l3_offset <= caplen);
		CHECK(d.opt.n_sack <= ND_TCP_MAX_SACK);
		CHECK(st.tcp == 1);
		/* The payload lies inside the captured bytes... */
		CHECK(d.payload >= frame && d.payload <= frame + caplen);
		CHECK((size_t)(d.payload - frame) + d.payload_caplen <= caplen);
		/* ...and is never more than the segment had on the wire. */
		CHECK(d.payload_caplen <= d.seglen);
		CHECK(d.seglen + d.tcp_hdr_len == d.ip_payload_len);
		CHECK(d.seglen <= len);
		/* A frame not cut by the snaplen has all of its payload. */
		if (!d.truncated)
			CHECK(d.payload_caplen == d.seglen);
		uint32_t sum = 0;
		for (uint32_t i = 0; i < d.payload_caplen; i++)
			sum += d.payload[i];
		sink = sum;
	} else {
		CHECK(st.tcp == 0);
	}
	if (r == ND_DECODE_OTHER_IP)
		CHECK(d.ip_proto != 6 && st.udp + st.icmp + st.other_proto == 1);
	if (r == ND_DECODE_IP_FRAGMENT)
		CHECK(st.ipv4_fragments + st.ipv6_fragments == 1);

	/* Decoding is deterministic and needs no stats. */
	struct nd_decoded again;
	CHECK(nd_decode_frame(dlt, frame, caplen, len, &again, NULL) == r);
	return 0;
}
