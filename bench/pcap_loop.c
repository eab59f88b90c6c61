/* SPDX-License-Identifier: MIT */
/* The floor for netdiag's speed: a bare libpcap read loop that touches every
 * packet's length and nothing else. bench/run-bench.sh compares against it. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_loop FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p =
	        pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "pcap_loop: %s\n", err);
		return 2;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		bytes += h->len;
		sum += h->caplen ? d[0] : 0;
	}
	pcap_close(p);
	printf("%llu packets, %llu bytes (%llu)\n", n, bytes, sum & 1);
	return 0;
}
