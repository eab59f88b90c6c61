/* SPDX-License-Identifier: MIT */
/* capture: the only module that talks to libpcap. It hands out packets that
 * point into libpcap's own buffer (valid until the next call) and keeps the
 * per-file capture summary: link type, counts, time span, truncation and the
 * capture's own drop counters. */
#ifndef ND_CAPTURE_H
#define ND_CAPTURE_H

#include "common/common.h"

struct nd_packet {
	nd_ns ts;
	const uint8_t *data; /* borrowed from libpcap; valid until the next read */
	uint32_t caplen;     /* bytes present in data */
	uint32_t len;        /* length on the wire */
	int linktype;        /* libpcap DLT_ value */
	uint32_t file_index; /* index in nd_capture_summary.files */
	uint64_t frame;      /* 1-based frame number within its file, as tshark counts */
};

enum nd_capture_status {
	ND_CAPTURE_OK = 0,
	ND_CAPTURE_OPEN_FAILED,      /* missing, unreadable, or not a capture file */
	ND_CAPTURE_DAMAGED,          /* truncated or corrupted after some packets */
	ND_CAPTURE_UNSUPPORTED_LINK, /* opened, but the link type cannot be decoded */
};

struct nd_capture_file_info {
	char path[4096]; /* "-" for standard input */
	enum nd_capture_status status;
	char error[512]; /* one line, empty when status is OK */
	bool pcapng;
	int linktype;
	char linktype_name[48];
	uint32_t snaplen;
	uint64_t packets;
	uint64_t wire_bytes;
	uint64_t captured_bytes;
	uint64_t truncated_packets; /* caplen < len */
	nd_ns first_ts, last_ts;    /* 0 when no packet */
	/* From pcapng interface statistics blocks (or live pcap_stats). */
	bool drops_known;
	uint64_t drops_if;     /* isb_ifdrop / ps_ifdrop: dropped by the interface */
	uint64_t drops_kernel; /* isb_osdrop / ps_drop: dropped by the OS or buffer */
	uint64_t isb_received; /* isb_ifrecv, when present */
};

struct nd_capture_summary {
	struct nd_capture_file_info *files;
	size_t n_files;
	size_t cap_files;
};

struct nd_capture_reader;

/* Opens a pcap or pcapng file ("-" = stdin) and appends its entry to the
 * summary. Returns NULL when the file cannot be opened; the entry then holds
 * status and error. */
struct nd_capture_reader *nd_capture_open_file(struct nd_capture_summary *summary,
                                               const char *path);

/* 1: a packet was read into pkt; 0: end of file; -1: the file is damaged
 * (the entry's status and error say how). Packets read before stay valid for
 * analysis. */
int nd_capture_next(struct nd_capture_reader *r, struct nd_packet *pkt);

/* Marks the open file as unusable for a reason found above capture (for
 * instance an unsupported link type) and stops reading it. */
void nd_capture_reject(struct nd_capture_reader *r, enum nd_capture_status status,
                       const char *error);

/* Bytes consumed and total size for progress display; size is 0 when unknown
 * (pipes, stdin). */
void nd_capture_progress(const struct nd_capture_reader *r, uint64_t *pos, uint64_t *size);

/* Closes the file; for pcapng files this also collects interface statistics
 * (drops) into the summary entry. */
void nd_capture_close(struct nd_capture_reader *r);

const struct nd_capture_file_info *nd_capture_current(const struct nd_capture_reader *r);

void nd_capture_summary_free(struct nd_capture_summary *s);

/* Totals over all files of a summary. */
struct nd_capture_totals {
	uint64_t packets, wire_bytes, captured_bytes, truncated_packets;
	nd_ns first_ts, last_ts;
	bool drops_known; /* true if any file reported drop statistics */
	uint64_t drops_if, drops_kernel;
	bool partial; /* some file could not be read completely */
};
void nd_capture_summary_totals(const struct nd_capture_summary *s, struct nd_capture_totals *t);

#endif
