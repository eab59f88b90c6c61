/* SPDX-License-Identifier: MIT */
/* libpcap's pcapng reader skips Interface Statistics Blocks and has no API
 * for them, so the drop counters a capture tool recorded are invisible
 * through it. This walks block headers only (seeking over packet data) and
 * reads the ISB options; packets themselves are still read by libpcap. */
#include "capture/decompress.h"
#include "capture/pcapng_stats.h"

#include <stdio.h>
#include <string.h>

#define BT_SHB           0x0A0D0D0Au
#define BT_IDB           0x00000001u
#define BT_ISB           0x00000005u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define MAX_INTERFACES   256
#define MAX_ISB_BODY     65536

#define OPT_ENDOFOPT 0
#define ISB_IFRECV   4
#define ISB_IFDROP   5
#define ISB_OSDROP   7

struct iface_counters {
	bool has_ifdrop, has_osdrop, has_ifrecv;
	uint64_t ifdrop, osdrop, ifrecv;
};

struct walk {
	FILE *fp;
	bool stream; /* a decompressed stream: no seeking, skip by reading */
	bool swap;
	uint32_t n_ifaces; /* in the current section */
	uint32_t base;     /* interface index offset of the section */
	struct iface_counters ifs[MAX_INTERFACES];
};

static uint32_t rd32(const struct walk *w, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return w->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct walk *w, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return w->swap ? __builtin_bswap16(v) : v;
}

static uint64_t rd64(const struct walk *w, const uint8_t *p)
{
	/* Counters are stored as one 64-bit value in the file's byte order. */
	uint64_t v;
	memcpy(&v, p, 8);
	return w->swap ? __builtin_bswap64(v) : v;
}

static void isb_options(struct walk *w, const uint8_t *o, uint32_t len, struct iface_counters *c)
{
	uint32_t i = 0;
	while (i + 4 <= len) {
		uint16_t code = rd16(w, o + i), olen = rd16(w, o + i + 2);
		if (code == OPT_ENDOFOPT || i + 4 + olen > len)
			return;
		if (olen == 8) {
			uint64_t v = rd64(w, o + i + 4);
			if (code == ISB_IFDROP) {
				c->has_ifdrop = true;
				c->ifdrop = v;
			} else if (code == ISB_OSDROP) {
				c->has_osdrop = true;
				c->osdrop = v;
			} else if (code == ISB_IFRECV) {
				c->has_ifrecv = true;
				c->ifrecv = v;
			}
		}
		i += 4 + ((olen + 3u) & ~3u);
	}
}

/* Moves n bytes forward. */
static int skip(struct walk *w, uint64_t n)
{
	if (w->stream)
		return nd_decompress_skip(w->fp, n);
	return fseek(w->fp, (long)n, SEEK_CUR);
}

static int read_isb(struct walk *w, uint32_t body_len)
{
	static uint8_t body[MAX_ISB_BODY];
	if (body_len < 12 || body_len > sizeof(body))
		return skip(w, body_len);
	if (fread(body, 1, body_len, w->fp) != body_len)
		return -1;
	uint32_t ifid = rd32(w, body) + w->base;
	if (ifid < MAX_INTERFACES)
		isb_options(w, body + 12, body_len - 12, &w->ifs[ifid]);
	return 0;
}

static int walk_blocks(struct walk *w)
{
	uint8_t hdr[12];
	while (fread(hdr, 1, 8, w->fp) == 8) {
		uint32_t type;
		memcpy(&type, hdr, 4);
		if (type == BT_SHB) {
			if (fread(hdr + 8, 1, 4, w->fp) != 4)
				return -1;
			uint32_t magic;
			memcpy(&magic, hdr + 8, 4);
			if (magic != BYTE_ORDER_MAGIC &&
			    __builtin_bswap32(magic) != BYTE_ORDER_MAGIC)
				return -1;
			w->swap = magic != BYTE_ORDER_MAGIC;
			w->base += w->n_ifaces;
			w->n_ifaces = 0;
			uint32_t len = rd32(w, hdr + 4);
			if (len < 28 || len % 4 || skip(w, len - 12))
				return -1;
			continue;
		}
		type = rd32(w, hdr);
		uint32_t len = rd32(w, hdr + 4);
		if (len < 12 || len % 4)
			return -1;
		if (type == BT_IDB)
			w->n_ifaces++;
		int rc = type == BT_ISB ? read_isb(w, len - 12) : skip(w, len - 12);
		if (rc || skip(w, 4))
			return -1;
	}
	return 0;
}

int nd_pcapng_read_drops(const char *path, struct nd_pcapng_drops *drops)
{
	static struct walk w;
	memset(&w, 0, sizeof(w));
	memset(drops, 0, sizeof(*drops));
	enum nd_compression kind = nd_decompress_kind(path);
	char err[128];
	w.stream = kind != ND_COMPRESS_NONE;
	w.fp = w.stream ? nd_decompress_open(path, kind, NULL, err, sizeof(err))
	                : fopen(path, "rb");
	if (!w.fp)
		return -1;
	int rc = walk_blocks(&w);
	fclose(w.fp);
	for (uint32_t i = 0; i < MAX_INTERFACES; i++) {
		const struct iface_counters *c = &w.ifs[i];
		drops->known |= c->has_ifdrop || c->has_osdrop;
		drops->ifdrop += c->ifdrop;
		drops->osdrop += c->osdrop;
		drops->ifrecv += c->ifrecv;
	}
	/* A damaged tail is the packet reader's to report; counters found
	 * before it are still good. */
	(void)rc;
	return 0;
}
