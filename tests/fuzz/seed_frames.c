/* SPDX-License-Identifier: MIT */
/* fuzz_seed_frames CAPTURE OUT_DIR PREFIX [MAX]: writes frames of a capture
 * as fuzz_decode inputs (byte 0 = link type index, byte 1 = bytes missing
 * from the capture, then the frame). For the first few Ethernet IPv4/IPv6
 * frames it also writes the same packet under every other supported link
 * type, with VLAN tags, and cut by a snaplen, so every decoder path has a
 * seed. Used by make-seeds.sh; not part of netdiag. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* Same order as in fuzz_decode.c. */
enum { I_EN10MB, I_SLL, I_SLL2, I_RAW, I_IPV4, I_IPV6, I_NULL, I_LOOP };
static const int dlts[] = {
        DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};

static const char *out_dir, *prefix;
static unsigned written;

static void emit(const char *tag, unsigned n, int idx, unsigned missing, const uint8_t *hdr,
                 size_t hlen, const uint8_t *body, size_t blen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s-%04u-%s", out_dir, prefix, n, tag);
	FILE *fp = fopen(path, "wb");
	if (!fp) {
		perror(path);
		exit(1);
	}
	uint8_t head[2] = {(uint8_t)idx, (uint8_t)(missing > 255 ? 255 : missing)};
	if (fwrite(head, 1, 2, fp) != 2 || (hlen && fwrite(hdr, 1, hlen, fp) != hlen) ||
	    (blen && fwrite(body, 1, blen, fp) != blen)) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	written++;
}

/* The same IP packet under every other link type. */
static void variants(unsigned n, const uint8_t *ip, size_t iplen, unsigned missing, int ipv)
{
	uint16_t et = ipv == 4 ? 0x0800 : 0x86DD;
	/* packet type, ARPHRD_ETHER, address length, address, protocol */
	uint8_t sll[16] = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1};
	sll[14] = (uint8_t)(et >> 8);
	sll[15] = (uint8_t)et;
	emit("sll", n, I_SLL, missing, sll, sizeof(sll), ip, iplen);
	uint8_t sll2[20] = {(uint8_t)(et >> 8), (uint8_t)et, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2};
	emit("sll2", n, I_SLL2, missing, sll2, sizeof(sll2), ip, iplen);
	emit("raw", n, I_RAW, missing, NULL, 0, ip, iplen);
	emit("ipvx", n, ipv == 4 ? I_IPV4 : I_IPV6, missing, NULL, 0, ip, iplen);
	uint8_t af_le[4] = {(uint8_t)(ipv == 4 ? 2 : 30), 0, 0, 0};
	uint8_t af_be[4] = {0, 0, 0, (uint8_t)(ipv == 4 ? 2 : 24)};
	emit("null-le", n, I_NULL, missing, af_le, 4, ip, iplen);
	emit("null-be", n, I_NULL, missing, af_be, 4, ip, iplen);
	emit("loop", n, I_LOOP, missing, af_be, 4, ip, iplen);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s CAPTURE OUT_DIR PREFIX [MAX]\n", argv[0]);
		return 2;
	}
	out_dir = argv[2];
	prefix = argv[3];
	unsigned max = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 40;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "%s: %s (skipped)\n", argv[1], err);
		return 0;
	}
	int dlt = pcap_datalink(p), idx = -1;
	for (int i = 0; i < (int)(sizeof(dlts) / sizeof(dlts[0])); i++)
		if (dlts[i] == dlt)
			idx = i;
	if (idx < 0) {
		fprintf(stderr, "%s: link type %d not decoded (skipped)\n", argv[1], dlt);
		pcap_close(p);
		return 0;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned n = 0, seen = 0, rich = 0;
	while (n < max && pcap_next_ex(p, &h, &data) == 1) {
		/* Spread over the file: every frame at first, then every 7th. */
		if (seen++ >= max / 2 && seen % 7)
			continue;
		unsigned missing = h->len > h->caplen ? h->len - h->caplen : 0;
		emit("frame", n, idx, missing, NULL, 0, data, h->caplen);
		if (idx == I_EN10MB && h->caplen > 14 + 20 && rich < 4) {
			uint16_t et = (uint16_t)(data[12] << 8 | data[13]);
			int ipv = et == 0x0800 ? 4 : et == 0x86DD ? 6 : 0;
			if (ipv) {
				rich++;
				variants(n, data + 14, h->caplen - 14, missing, ipv);
				/* Double-tagged and cut after the TCP header. */
				uint8_t tagged[22];
				memcpy(tagged, data, 12);
				const uint8_t tags[8] = {0x88, 0xa8, 0x00, 0x64,
				                         0x81, 0x00, 0x20, 0x0a};
				memcpy(tagged + 12, tags, 8);
				memcpy(tagged + 20, data + 12, 2);
				emit("qinq", n, I_EN10MB, missing, tagged, sizeof(tagged),
				     data + 14, h->caplen - 14);
				uint32_t cut = h->caplen < 80 ? h->caplen : 80;
				emit("cut", n, I_EN10MB, missing + (h->caplen - cut), NULL, 0, data,
				     cut);
			}
		}
		n++;
	}
	pcap_close(p);
	fprintf(stderr, "%s: %u seeds\n", argv[1], written);
	return 0;
}
