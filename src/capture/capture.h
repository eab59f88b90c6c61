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
	bool live; /* a live capture: path is the interface name */
	int linktype;
	char linktype_name[48];
	uint32_t snaplen;
	uint64_t packets;
	uint64_t wire_bytes;
	uint64_t captured_bytes;
	uint64_t truncated_packets; /* caplen < len */
	nd_ns first_ts, last_ts;    /* 0 when no packet */
	/* From pcapng interface statistics blocks, or pcap_stats() for a live
	 * capture (kernel: dropped by the socket buffer; interface: by the NIC). */
	bool drops_known;
	uint64_t drops_if;     /* isb_ifdrop / ps_ifdrop: dropped by the interface */
	uint64_t drops_kernel; /* isb_osdrop / ps_drop: dropped by the OS or buffer */
	uint64_t isb_received; /* isb_ifrecv, when present */
	uint64_t busy_poll_ns; /* live: time spent polling without sleeping */
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

/* Appends a copy of an entry (for reports over a window of a live capture);
 * -1 when out of memory. */
int nd_capture_summary_add(struct nd_capture_summary *s, const struct nd_capture_file_info *info);

/* --- live capture ------------------------------------------------------ */

struct nd_capture_live_opts {
	const char *iface;  /* any interface, "any" included */
	const char *filter; /* BPF expression, NULL for none */
	uint32_t snaplen;   /* 0 = 262144 */
	uint32_t buffer_mb; /* kernel capture buffer; 0 = 64 */
	bool promisc;
	bool no_busy_poll; /* always sleep in poll(), even while the ring fills fast */
};

/* Opens IFACE (packets delivered within 10 ms, nanosecond timestamps) and
 * appends a summary entry for it. NULL on failure; the entry holds the
 * error (a missing capability is named). */
struct nd_capture_reader *nd_capture_open_live(struct nd_capture_summary *summary,
                                               const struct nd_capture_live_opts *o);

/* File descriptor to poll for readability, -1 when there is none. */
int nd_capture_fd(const struct nd_capture_reader *r);

/* True while packets arrive fast enough to fill the kernel ring before a
 * sleeping reader could be woken: the caller should dispatch again at once
 * (after sched_yield()) instead of sleeping in poll(). */
bool nd_capture_hot(struct nd_capture_reader *r);

/* Waits until packets may be ready or timeout_ms passes: poll() on the
 * capture's fd, or only a sched_yield() while the capture is hot. 0 on
 * success or a signal, -1 on a poll error (errno says which). */
int nd_capture_wait(struct nd_capture_reader *r, int timeout_ms);

typedef void (*nd_capture_packet_fn)(void *ctx, const struct nd_packet *pkt);

/* Hands every packet available now to fn. Returns the number handed, or -1
 * when the capture failed (interface down or removed: the entry says so;
 * packets before stay analysed). */
int nd_capture_dispatch(struct nd_capture_reader *r, nd_capture_packet_fn fn, void *ctx);

/* Reads pcap_stats() and the busy-poll time of a live capture into its entry. */
void nd_capture_refresh_stats(struct nd_capture_reader *r);

/* A live capture's entry over a window: cur's counters (packets, bytes,
 * drops, busy-poll time) less those of start, cur's other fields as they
 * are. The caller sets first_ts and last_ts. */
void nd_capture_info_since(const struct nd_capture_file_info *cur,
                           const struct nd_capture_file_info *start,
                           struct nd_capture_file_info *out);

/* --- writing what was captured ----------------------------------------- */

struct nd_capture_writer_opts {
	const char *path;      /* .pcapng -> pcapng, anything else -> pcap */
	uint64_t rotate_bytes; /* start a new file past this size; 0 = never */
	uint32_t rotate_count; /* keep at most this many files, reusing the oldest; 0 = all */
};

struct nd_capture_writer;

/* Creates the (first) file. NULL on failure with a one-line reason in err. */
struct nd_capture_writer *nd_capture_writer_open(const struct nd_capture_writer_opts *o,
                                                 int linktype, uint32_t snaplen, const char *iface,
                                                 char *err, size_t errlen);

/* 0 on success, -1 on a write error (then err says why). */
int nd_capture_writer_write(struct nd_capture_writer *w, const struct nd_packet *pkt, char *err,
                            size_t errlen);

/* Closes the current file; a pcapng file gets an interface statistics
 * block with the drop counters of stats (may be NULL). */
void nd_capture_writer_close(struct nd_capture_writer *w, const struct nd_capture_file_info *stats);

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
