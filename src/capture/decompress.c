/* SPDX-License-Identifier: MIT */
/* gzip and xz capture files as stdio streams for libpcap: zlib's inflate
 * (gzip framing, several members in a row as gzip writes them) and
 * liblzma's stream decoder, driven by one read loop. */
#include "capture/decompress.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>

#define IN_BUF (64 * 1024)

struct nd_dstream {
	enum nd_compression kind;
	FILE *raw;         /* the compressed file */
	uint64_t consumed; /* compressed bytes read from it */
	bool raw_eof, done;
	z_stream gz;
	lzma_stream xz;
	uint8_t in[IN_BUF];
};

enum nd_compression nd_decompress_kind(const char *path)
{
	static const uint8_t xz_magic[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
	uint8_t m[6] = {0};
	FILE *f = fopen(path, "rb");
	if (!f)
		return ND_COMPRESS_NONE;
	size_t n = fread(m, 1, sizeof(m), f);
	fclose(f);
	if (n >= 2 && m[0] == 0x1F && m[1] == 0x8B)
		return ND_COMPRESS_GZIP;
	if (n == sizeof(m) && !memcmp(m, xz_magic, sizeof(m)))
		return ND_COMPRESS_XZ;
	return ND_COMPRESS_NONE;
}

/* Reads more compressed bytes when the decoder has none left; false on a
 * read error. *avail and *next are the decoder's input fields. */
static bool refill(struct nd_dstream *d, size_t *avail, const uint8_t **next)
{
	if (*avail || d->raw_eof)
		return true;
	size_t n = fread(d->in, 1, sizeof(d->in), d->raw);
	if (!n && ferror(d->raw))
		return false;
	d->raw_eof = n == 0;
	d->consumed += n;
	*avail = n;
	*next = d->in;
	return true;
}

static bool gz_feed(struct nd_dstream *d)
{
	size_t avail = d->gz.avail_in;
	const uint8_t *next = d->gz.next_in;
	if (!refill(d, &avail, &next))
		return false;
	d->gz.avail_in = (uInt)avail;
	d->gz.next_in = (Bytef *)(uintptr_t)next;
	return true;
}

/* One decoder step into out: 1 more may come, 0 the stream ended, -1 an
 * error (a damaged or cut file). */
static int step_gzip(struct nd_dstream *d, uint8_t *out, size_t size, size_t *made)
{
	if (!gz_feed(d))
		return -1;
	if (!d->gz.avail_in && d->raw_eof)
		return -1; /* the file ends inside a member */
	d->gz.next_out = out;
	d->gz.avail_out = (uInt)size;
	int rc = inflate(&d->gz, Z_NO_FLUSH);
	*made = size - d->gz.avail_out;
	if (rc == Z_STREAM_END) {
		/* gzip files may hold several members in a row */
		if (!gz_feed(d))
			return -1;
		if (!d->gz.avail_in)
			return 0;
		return inflateReset(&d->gz) == Z_OK ? 1 : -1;
	}
	return rc == Z_OK || rc == Z_BUF_ERROR ? 1 : -1;
}

static int step_xz(struct nd_dstream *d, uint8_t *out, size_t size, size_t *made)
{
	size_t avail = d->xz.avail_in;
	const uint8_t *next = d->xz.next_in;
	if (!refill(d, &avail, &next))
		return -1;
	d->xz.avail_in = avail;
	d->xz.next_in = next;
	d->xz.next_out = out;
	d->xz.avail_out = size;
	lzma_ret rc = lzma_code(&d->xz, d->raw_eof ? LZMA_FINISH : LZMA_RUN);
	*made = size - d->xz.avail_out;
	if (rc == LZMA_STREAM_END)
		return 0;
	return rc == LZMA_OK ? 1 : -1;
}

static ssize_t dread(void *cookie, char *buf, size_t size)
{
	struct nd_dstream *d = cookie;
	while (!d->done) {
		size_t made = 0;
		int rc = d->kind == ND_COMPRESS_GZIP ? step_gzip(d, (uint8_t *)buf, size, &made)
		                                     : step_xz(d, (uint8_t *)buf, size, &made);
		if (rc < 0) {
			d->done = true;
			errno = EIO;
			return made ? (ssize_t)made : -1;
		}
		d->done = rc == 0;
		if (made)
			return (ssize_t)made;
	}
	return 0;
}

static int dclose(void *cookie)
{
	struct nd_dstream *d = cookie;
	if (d->kind == ND_COMPRESS_GZIP)
		inflateEnd(&d->gz);
	else
		lzma_end(&d->xz);
	int rc = fclose(d->raw);
	free(d);
	return rc;
}

static bool decoder_init(struct nd_dstream *d)
{
	if (d->kind == ND_COMPRESS_GZIP)
		return inflateInit2(&d->gz, 16 + MAX_WBITS) == Z_OK; /* 16: gzip framing */
	d->xz = (lzma_stream)LZMA_STREAM_INIT;
	/* no memory limit: a capture is the user's own file */
	return lzma_stream_decoder(&d->xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
}

FILE *nd_decompress_open(const char *path, enum nd_compression kind, struct nd_dstream **ds,
                         char *err, size_t errlen)
{
	struct nd_dstream *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->kind = kind;
	d->raw = fopen(path, "rb");
	if (!d->raw || !decoder_init(d)) {
		snprintf(err, errlen, "%s",
		         d->raw ? "cannot start the decompressor" : strerror(errno));
		if (d->raw)
			fclose(d->raw);
		free(d);
		return NULL;
	}
	cookie_io_functions_t io = {.read = dread, .close = dclose};
	FILE *fp = fopencookie(d, "rb", io);
	if (!fp) {
		snprintf(err, errlen, "out of memory");
		dclose(d);
		return NULL;
	}
	if (ds)
		*ds = d;
	return fp;
}

uint64_t nd_decompress_consumed(const struct nd_dstream *ds)
{
	return ds ? ds->consumed : 0;
}

int nd_decompress_skip(FILE *fp, uint64_t n)
{
	char buf[4096];
	while (n) {
		size_t want = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		size_t got = fread(buf, 1, want, fp);
		if (got != want)
			return -1;
		n -= got;
	}
	return 0;
}
