/* SPDX-License-Identifier: MIT */
/* Makes a large capture of many SMB operations from a small real one: the
 * template's TCP connections are written COPIES times, CONCURRENT at a time
 * (interleaved packet by packet), each copy with its own client address and
 * port so every copy is a distinct connection with its own MessageIds,
 * trees and handles. Used to show that netdiag's memory stays bounded with
 * millions of SMB operations (docs/performance.md). Reads and writes with
 * libpcap. Only Ethernet/IPv4 templates are supported.
 *
 *   replicate TEMPLATE OUT COPIES [CONCURRENT [INTERVAL_S]]
 *
 * A group of CONCURRENT copies starts every INTERVAL_S seconds (default 1,
 * or the template's duration if longer): a server taking CONCURRENT new
 * connections a second. */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	struct pcap_pkthdr h;
	u_char *data;
};

static size_t load(const char *path, struct frame **out, int *dlt)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, err);
	if (!p) {
		fprintf(stderr, "replicate: %s\n", err);
		exit(2);
	}
	*dlt = pcap_datalink(p);
	size_t n = 0, cap = 256;
	struct frame *f = malloc(cap * sizeof(*f));
	struct pcap_pkthdr *h;
	const u_char *d;
	while (f && pcap_next_ex(p, &h, &d) == 1) {
		if (n == cap)
			f = realloc(f, (cap *= 2) * sizeof(*f));
		if (!f)
			break;
		f[n].h = *h;
		f[n].data = malloc(h->caplen);
		memcpy(f[n].data, d, h->caplen);
		n++;
	}
	pcap_close(p);
	*out = f;
	return n;
}

/* Gives copy `c` its own client: 10.C1.C2.C3 and a port derived from c.
 * The server side (port 445 or 139) is left alone. */
static void rewrite(u_char *pkt, uint32_t caplen, unsigned c)
{
	if (caplen < 14 + 20 + 4 || pkt[12] != 0x08 || pkt[13] != 0x00)
		return;
	u_char *ip = pkt + 14;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	if (ip[9] != 6 || caplen < 14 + ihl + 4)
		return;
	u_char *tcp = ip + ihl;
	unsigned sport = (tcp[0] << 8) | tcp[1], dport = (tcp[2] << 8) | tcp[3];
	bool from_client = dport == 445 || dport == 139;
	if (!from_client && sport != 445 && sport != 139)
		return;
	u_char *addr = from_client ? ip + 12 : ip + 16;
	u_char *port = from_client ? tcp : tcp + 2;
	unsigned id = c + 1;
	addr[0] = 10;
	addr[1] = (u_char)(id >> 16);
	addr[2] = (u_char)(id >> 8);
	addr[3] = (u_char)id;
	unsigned p = 20000 + (c % 40000);
	port[0] = (u_char)(p >> 8);
	port[1] = (u_char)p;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: replicate TEMPLATE OUT COPIES [CONCURRENT]\n");
		return 2;
	}
	struct frame *f;
	int dlt;
	size_t n = load(argv[1], &f, &dlt);
	unsigned copies = (unsigned)strtoul(argv[3], NULL, 10);
	unsigned conc = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : 64;
	double interval = argc > 5 ? strtod(argv[5], NULL) : 1.0;
	if (!n || !copies || !conc || dlt != DLT_EN10MB) {
		fprintf(stderr,
		        "replicate: need an Ethernet template with packets and counts > 0\n");
		return 2;
	}
	pcap_t *dead = pcap_open_dead(dlt, 262144);
	pcap_dumper_t *out = pcap_dump_open(dead, argv[2]);
	if (!out) {
		fprintf(stderr, "replicate: %s\n", pcap_geterr(dead));
		return 2;
	}
	double span = (double)(f[n - 1].h.ts.tv_sec - f[0].h.ts.tv_sec) +
	              (double)(f[n - 1].h.ts.tv_usec - f[0].h.ts.tv_usec) / 1e6 + 0.001;
	if (span < interval)
		span = interval;
	static u_char buf[262144];
	for (unsigned g = 0; g * conc < copies; g++) {
		for (size_t i = 0; i < n; i++) {
			for (unsigned k = 0; k < conc && g * conc + k < copies; k++) {
				struct pcap_pkthdr h = f[i].h;
				double t = (double)h.ts.tv_sec + (double)h.ts.tv_usec / 1e6 +
				           g * span + k * 1e-6;
				h.ts.tv_sec = (time_t)t;
				h.ts.tv_usec = (suseconds_t)((t - (double)h.ts.tv_sec) * 1e6);
				memcpy(buf, f[i].data, h.caplen);
				rewrite(buf, h.caplen, g * conc + k);
				pcap_dump((u_char *)out, &h, buf);
			}
		}
	}
	pcap_dump_close(out);
	pcap_close(dead);
	for (size_t i = 0; i < n; i++)
		free(f[i].data);
	free(f);
	return 0;
}
