/* SPDX-License-Identifier: MIT */
/* Private to capture/: compressed capture files (gzip, xz), as tshark reads
 * them. libpcap has no decompression, but it parses any stdio stream
 * (pcap_fopen_offline); zlib and liblzma decompress into such a stream
 * (fopencookie), so libpcap still does every capture read. */
#ifndef ND_CAPTURE_DECOMPRESS_H
#define ND_CAPTURE_DECOMPRESS_H

#include <stdint.h>
#include <stdio.h>

enum nd_compression {
	ND_COMPRESS_NONE = 0,
	ND_COMPRESS_GZIP,
	ND_COMPRESS_XZ,
};

/* What path holds, by its magic bytes; NONE also when it cannot be read
 * (opening it the plain way then reports why). */
enum nd_compression nd_decompress_kind(const char *path);

struct nd_dstream;

/* A read-only stream of the decompressed bytes of path. fclose() frees it.
 * Decompression errors (a damaged or cut file) come back as read errors
 * (ferror) after the last good byte. *ds (may be NULL) gets the stream's
 * state for nd_decompress_consumed. NULL with a message in err. */
FILE *nd_decompress_open(const char *path, enum nd_compression kind, struct nd_dstream **ds,
                         char *err, size_t errlen);

/* Compressed bytes read so far: the position for progress reports. */
uint64_t nd_decompress_consumed(const struct nd_dstream *ds);

/* Reads and drops n bytes (streams cannot seek); 0, or -1 at the end or on
 * an error. */
int nd_decompress_skip(FILE *fp, uint64_t n);

#endif
