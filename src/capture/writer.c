/* SPDX-License-Identifier: MIT */
/* Writes captured packets to pcap (through libpcap's dumper) or pcapng, with
 * tcpdump-style rotation. libpcap 1.10 cannot write pcapng at all, so that
 * format is written here: a section header, one interface description with
 * nanosecond timestamps, enhanced packet blocks, and at close an interface
 * statistics block carrying the capture's drop counters — which is what
 * lets a later `netdiag analyze` tell capture loss from network loss. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "version.h"

struct nd_capture_writer {
	struct nd_capture_writer_opts o;
	char base[4096], ext[16];
	bool pcapng;
	int linktype;
	uint32_t snaplen;
	char iface[64];
	uint32_t file_no; /* files opened so far */
	uint64_t bytes;   /* in the current file */
	FILE *fp;         /* pcapng */
	pcap_t *dead;     /* pcap */
	pcap_dumper_t *dumper;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The name of file number n: the path itself without rotation, else
 * BASE.N.EXT (N zero-padded to the width of the ring when it is bounded). */
static void file_name(const struct nd_capture_writer *w, uint32_t n, char *out, size_t len)
{
	if (!w->o.rotate_bytes) {
		snprintf(out, len, "%s", w->o.path);
		return;
	}
	uint32_t slot = w->o.rotate_count ? n % w->o.rotate_count : n;
	int width = 1;
	for (uint32_t c = w->o.rotate_count ? w->o.rotate_count - 1 : 0; c >= 10; c /= 10)
		width++;
	snprintf(out, len, "%s.%0*u%s", w->base, width, slot, w->ext);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* Appends an option (code, value) padded to 4 bytes; returns its size. */
static size_t put_option(uint8_t *p, uint16_t code, const void *val, uint16_t len)
{
	put16(p, code);
	put16(p + 2, len);
	memcpy(p + 4, val, len);
	size_t padded = (len + 3u) & ~3u;
	memset(p + 4 + len, 0, padded - len);
	return 4 + padded;
}

static int write_block(struct nd_capture_writer *w, uint32_t type, const uint8_t *body, size_t n)
{
	uint32_t total = (uint32_t)(n + 12);
	uint8_t head[8];
	put32(head, type);
	put32(head + 4, total);
	if (fwrite(head, 1, 8, w->fp) != 8 || fwrite(body, 1, n, w->fp) != n ||
	    fwrite(&total, 1, 4, w->fp) != 4)
		return -1;
	w->bytes += total;
	return 0;
}

static int pcapng_headers(struct nd_capture_writer *w)
{
	uint8_t b[256];
	size_t n = 0;
	put32(b, 0x1A2B3C4Du); /* byte-order magic: the host's order */
	put16(b + 4, 1);
	put16(b + 6, 0);
	memset(b + 8, 0xff, 8); /* section length unknown */
	n = 16;
	const char *app = "netdiag " ND_VERSION;
	n += put_option(b + n, 4 /* shb_userappl */, app, (uint16_t)strlen(app));
	n += put_option(b + n, 0, NULL, 0);
	if (write_block(w, 0x0A0D0D0Au, b, n))
		return -1;
	n = 0;
	put16(b, (uint16_t)w->linktype);
	put16(b + 2, 0);
	put32(b + 4, w->snaplen);
	n = 8;
	n += put_option(b + n, 2 /* if_name */, w->iface, (uint16_t)strlen(w->iface));
	uint8_t tsresol = 9; /* nanoseconds */
	n += put_option(b + n, 9 /* if_tsresol */, &tsresol, 1);
	n += put_option(b + n, 0, NULL, 0);
	return write_block(w, 1, b, n);
}

static int open_file(struct nd_capture_writer *w, char *err, size_t errlen)
{
	char name[4200];
	file_name(w, w->file_no, name, sizeof(name));
	w->bytes = 0;
	if (w->pcapng) {
		w->fp = fopen(name, "wb");
		if (!w->fp || pcapng_headers(w)) {
			snprintf(err, errlen, "%s: cannot write: %s", name, strerror(errno));
			if (w->fp)
				fclose(w->fp);
			w->fp = NULL;
			return -1;
		}
	} else {
		w->dumper = pcap_dump_open(w->dead, name);
		if (!w->dumper) {
			snprintf(err, errlen, "%s", pcap_geterr(w->dead));
			return -1;
		}
		w->bytes = 24;
	}
	w->file_no++;
	return 0;
}

struct nd_capture_writer *nd_capture_writer_open(const struct nd_capture_writer_opts *o,
                                                 int linktype, uint32_t snaplen, const char *iface,
                                                 char *err, size_t errlen)
{
	struct nd_capture_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->o = *o;
	w->pcapng = ends_with(o->path, ".pcapng");
	w->linktype = linktype;
	w->snaplen = snaplen;
	nd_str_copy(w->iface, sizeof(w->iface), iface ? iface : "");
	nd_str_copy(w->base, sizeof(w->base), o->path);
	const char *dot = strrchr(w->base, '.');
	if (dot && !strchr(dot, '/') && strlen(dot) < sizeof(w->ext)) {
		nd_str_copy(w->ext, sizeof(w->ext), dot);
		w->base[dot - w->base] = 0;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(linktype, (int)snaplen,
	                                               PCAP_TSTAMP_PRECISION_NANO);
	w->o.path = o->path;
	if (!w->dead || open_file(w, err, errlen)) {
		if (w->dead)
			pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

static int write_epb(struct nd_capture_writer *w, const struct nd_packet *pkt)
{
	static uint8_t b[20 + 262144 + 4];
	uint32_t cap = ND_MIN(pkt->caplen, 262144u);
	uint64_t ts = (uint64_t)pkt->ts;
	put32(b, 0);
	put32(b + 4, (uint32_t)(ts >> 32));
	put32(b + 8, (uint32_t)ts);
	put32(b + 12, cap);
	put32(b + 16, pkt->len);
	memcpy(b + 20, pkt->data, cap);
	size_t padded = (cap + 3u) & ~3u;
	memset(b + 20 + cap, 0, padded - cap);
	return write_block(w, 6, b, 20 + padded);
}

static void write_isb(struct nd_capture_writer *w, const struct nd_capture_file_info *st)
{
	if (!st || !st->drops_known)
		return;
	uint8_t b[128];
	uint64_t ts = (uint64_t)st->last_ts;
	put32(b, 0);
	put32(b + 4, (uint32_t)(ts >> 32));
	put32(b + 8, (uint32_t)ts);
	size_t n = 12;
	uint64_t recv = st->isb_received, ifdrop = st->drops_if, osdrop = st->drops_kernel;
	n += put_option(b + n, 4 /* isb_ifrecv */, &recv, 8);
	n += put_option(b + n, 5 /* isb_ifdrop */, &ifdrop, 8);
	n += put_option(b + n, 7 /* isb_osdrop */, &osdrop, 8);
	n += put_option(b + n, 0, NULL, 0);
	write_block(w, 5, b, n);
}

static void close_file(struct nd_capture_writer *w, const struct nd_capture_file_info *st)
{
	if (w->pcapng && w->fp) {
		write_isb(w, st);
		fclose(w->fp);
		w->fp = NULL;
	} else if (w->dumper) {
		pcap_dump_close(w->dumper);
		w->dumper = NULL;
	}
}

int nd_capture_writer_write(struct nd_capture_writer *w, const struct nd_packet *pkt, char *err,
                            size_t errlen)
{
	uint64_t rec = (w->pcapng ? 32u : 16u) + pkt->caplen;
	if (w->o.rotate_bytes && w->bytes > 64 && w->bytes + rec > w->o.rotate_bytes) {
		close_file(w, NULL);
		if (open_file(w, err, errlen))
			return -1;
	}
	if (w->pcapng) {
		if (write_epb(w, pkt)) {
			snprintf(err, errlen, "%s: write failed: %s", w->o.path, strerror(errno));
			return -1;
		}
		return 0;
	}
	struct pcap_pkthdr h = {.caplen = pkt->caplen, .len = pkt->len};
	h.ts.tv_sec = (time_t)(pkt->ts / ND_NS_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(pkt->ts % ND_NS_PER_SEC); /* nanoseconds: opened as nano */
	pcap_dump((u_char *)w->dumper, &h, pkt->data);
	w->bytes += 16 + pkt->caplen;
	/* pcap_dump() has no status; the stream's error flag tells (disk full). */
	if (ferror(pcap_dump_file(w->dumper))) {
		snprintf(err, errlen, "%s: write failed: %s", w->o.path, strerror(errno));
		return -1;
	}
	return 0;
}

void nd_capture_writer_close(struct nd_capture_writer *w, const struct nd_capture_file_info *stats)
{
	if (!w)
		return;
	close_file(w, stats);
	pcap_close(w->dead);
	free(w);
}
