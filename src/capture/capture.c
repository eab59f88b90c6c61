/* SPDX-License-Identifier: MIT */
#include "capture/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <time.h>

#include "capture/decompress.h"
#include "capture/pcapng_stats.h"

struct nd_capture_reader {
	pcap_t *pcap;
	struct nd_capture_summary *summary;
	size_t index; /* entry in summary->files */
	uint64_t size;
	struct nd_dstream *ds; /* a compressed file's decompressor, for progress */
	bool done;
	bool live;
	/* Ring pressure of a live capture (see ring_pressure_sample). */
	bool busy_poll;
	double ring_bytes;       /* kernel buffer size */
	uint64_t sample_packets; /* the file's packets at sample_start */
	uint64_t sample_bytes;   /* and its captured bytes */
	nd_ns sample_start;      /* CLOCK_MONOTONIC */
	nd_ns hot_until;         /* poll without sleeping until then */
	nd_ns hot_total;         /* time spent hot, for the report */
	nd_ns hot_since;         /* start of the current hot stretch, 0 when cool */
};

static struct nd_capture_file_info *summary_append(struct nd_capture_summary *s, const char *path)
{
	struct nd_capture_file_info *files =
	        nd_array_grow(s->files, &s->cap_files, s->n_files, sizeof(*s->files), 4);
	if (!files)
		return NULL;
	s->files = files;
	struct nd_capture_file_info *info = &s->files[s->n_files++];
	memset(info, 0, sizeof(*info));
	nd_str_copy(info->path, sizeof(info->path), path);
	info->linktype = -1;
	return info;
}

static struct nd_capture_file_info *reader_info(const struct nd_capture_reader *r)
{
	return &r->summary->files[r->index];
}

static void set_error(struct nd_capture_file_info *info, enum nd_capture_status st, const char *msg)
{
	info->status = st;
	snprintf(info->error, sizeof(info->error), "%s", msg);
	/* libpcap messages sometimes end in a newline; the contract is one line. */
	for (char *p = info->error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* libpcap reports a pcapng file with the section header's version (1.0),
 * and classic pcap as 2.x. */
static bool is_pcapng(pcap_t *p)
{
	return pcap_major_version(p) == 1;
}

/* libpcap on path, or on the decompressed stream of a gzip or xz file;
 * NULL with libpcap's (or the decompressor's) message in errbuf. */
static pcap_t *open_offline(const char *path, struct nd_dstream **ds, char *errbuf)
{
	enum nd_compression kind = strcmp(path, "-") ? nd_decompress_kind(path) : ND_COMPRESS_NONE;
	if (kind == ND_COMPRESS_NONE)
		return pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO,
		                                               errbuf);
	FILE *fp = nd_decompress_open(path, kind, ds, errbuf, PCAP_ERRBUF_SIZE);
	if (!fp)
		return NULL;
	pcap_t *p =
	        pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p)
		fclose(fp); /* libpcap closes it only once it has taken it */
	return p;
}

static void open_failed(struct nd_capture_file_info *info, const char *path, const char *errbuf)
{
	/* libpcap prefixes some messages with the path; callers add it. */
	size_t pl = strlen(path);
	const char *msg = errbuf[0] ? errbuf : "cannot open";
	if (!strncmp(msg, path, pl) && !strncmp(msg + pl, ": ", 2))
		msg += pl + 2;
	set_error(info, ND_CAPTURE_OPEN_FAILED, msg);
}

struct nd_capture_reader *nd_capture_open_file(struct nd_capture_summary *summary, const char *path)
{
	struct nd_capture_file_info *info = summary_append(summary, path);
	if (!info)
		return NULL;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct nd_dstream *ds = NULL;
	pcap_t *p = open_offline(path, &ds, errbuf);
	if (!p) {
		open_failed(info, path, errbuf);
		return NULL;
	}
	struct nd_capture_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		pcap_close(p);
		set_error(info, ND_CAPTURE_OPEN_FAILED, "out of memory");
		return NULL;
	}
	r->pcap = p;
	r->ds = ds;
	r->summary = summary;
	r->index = (size_t)(info - summary->files);
	info->pcapng = is_pcapng(p);
	info->linktype = pcap_datalink(p);
	info->snaplen = (uint32_t)pcap_snapshot(p);
	const char *name = pcap_datalink_val_to_name(info->linktype);
	snprintf(info->linktype_name, sizeof(info->linktype_name), "%s", name ? name : "unknown");
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		r->size = (uint64_t)st.st_size;
	return r;
}

static void account_packet(struct nd_capture_file_info *info, const struct nd_packet *pkt)
{
	if (info->packets == 0)
		info->first_ts = pkt->ts;
	info->last_ts = pkt->ts;
	info->packets++;
	info->wire_bytes += pkt->len;
	info->captured_bytes += pkt->caplen;
	if (pkt->caplen < pkt->len)
		info->truncated_packets++;
}

/* pcapng timestamps are 64-bit and may carry offsets: clamp them into
 * what nanoseconds in an int64 can hold (1970..2262) so that time
 * arithmetic downstream never overflows. */
static nd_ns packet_time(const struct pcap_pkthdr *h)
{
	const int64_t max_sec = (INT64_MAX - ND_NS_PER_SEC) / ND_NS_PER_SEC;
	int64_t sec = (int64_t)h->ts.tv_sec;
	int64_t ns = (int64_t)h->ts.tv_usec; /* nanoseconds: opened with nano precision */
	if (sec < 0)
		return 0;
	if (sec > max_sec)
		sec = max_sec;
	if (ns < 0 || ns >= ND_NS_PER_SEC)
		ns = 0;
	return sec * ND_NS_PER_SEC + ns;
}

int nd_capture_next(struct nd_capture_reader *r, struct nd_packet *pkt)
{
	if (r->done)
		return 0;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	int rc = pcap_next_ex(r->pcap, &hdr, &data);
	struct nd_capture_file_info *info = reader_info(r);
	if (rc == 1) {
		pkt->ts = packet_time(hdr);
		pkt->data = data;
		pkt->caplen = hdr->caplen;
		pkt->len = hdr->len;
		pkt->linktype = info->linktype;
		pkt->file_index = (uint32_t)r->index;
		pkt->frame = info->packets + 1;
		account_packet(info, pkt);
		return 1;
	}
	r->done = true;
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	char msg[PCAP_ERRBUF_SIZE + 64];
	/* A decompressor's failure reaches libpcap as a read error (EIO). */
	snprintf(msg, sizeof(msg), "damaged capture after packet %llu: %s",
	         (unsigned long long)info->packets,
	         r->ds ? "the compressed data ends early or is corrupt" : pcap_geterr(r->pcap));
	set_error(info, ND_CAPTURE_DAMAGED, msg);
	return -1;
}

void nd_capture_reject(struct nd_capture_reader *r, enum nd_capture_status status,
                       const char *error)
{
	set_error(reader_info(r), status, error);
	r->done = true;
}

void nd_capture_progress(const struct nd_capture_reader *r, uint64_t *pos, uint64_t *size)
{
	if (r->ds) { /* the compressed file's position: its size is the total */
		*pos = nd_decompress_consumed(r->ds);
		*size = r->size;
		return;
	}
	FILE *fp = pcap_file(r->pcap);
	long off = fp ? ftell(fp) : -1;
	if (off < 0) {
		/* A pipe cannot tell its position: estimate it from what was read
		 * (classic pcap record headers are 16 bytes). */
		const struct nd_capture_file_info *info = reader_info(r);
		off = (long)(info->captured_bytes + 16 * info->packets);
	}
	*pos = (uint64_t)off;
	*size = r->size;
}

const struct nd_capture_file_info *nd_capture_current(const struct nd_capture_reader *r)
{
	return reader_info(r);
}

void nd_capture_close(struct nd_capture_reader *r)
{
	if (!r)
		return;
	struct nd_capture_file_info *info = reader_info(r);
	if (r->live)
		nd_capture_refresh_stats(r);
	pcap_close(r->pcap);
	if (info->pcapng && strcmp(info->path, "-") != 0) {
		struct nd_pcapng_drops drops;
		if (nd_pcapng_read_drops(info->path, &drops) == 0 && drops.known) {
			info->drops_known = true;
			info->drops_if = drops.ifdrop;
			info->drops_kernel = drops.osdrop;
			info->isb_received = drops.ifrecv;
		}
	}
	free(r);
}

int nd_capture_summary_add(struct nd_capture_summary *s, const struct nd_capture_file_info *info)
{
	struct nd_capture_file_info *e = summary_append(s, info->path);
	if (!e)
		return -1;
	*e = *info;
	return 0;
}

void nd_capture_summary_free(struct nd_capture_summary *s)
{
	free(s->files);
	memset(s, 0, sizeof(*s));
}

void nd_capture_summary_totals(const struct nd_capture_summary *s, struct nd_capture_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < s->n_files; i++) {
		const struct nd_capture_file_info *f = &s->files[i];
		t->packets += f->packets;
		t->wire_bytes += f->wire_bytes;
		t->captured_bytes += f->captured_bytes;
		t->truncated_packets += f->truncated_packets;
		if (f->packets) {
			if (!t->first_ts || f->first_ts < t->first_ts)
				t->first_ts = f->first_ts;
			if (f->last_ts > t->last_ts)
				t->last_ts = f->last_ts;
		}
		if (f->drops_known) {
			t->drops_known = true;
			t->drops_if += f->drops_if;
			t->drops_kernel += f->drops_kernel;
		}
		if (f->status != ND_CAPTURE_OK)
			t->partial = true;
	}
}

/* --- live capture ------------------------------------------------------ */

#define LIVE_SNAPLEN    262144
#define LIVE_BUFFER_MB  64
#define LIVE_TIMEOUT_MS 10

/* Ring pressure. A reader asleep in poll() is woken when the kernel retires
 * a ring block, but the wake-up itself can take milliseconds: an idle CPU
 * has to leave its sleep state, and a virtual CPU has to be scheduled by the
 * host first. Measured in the lab (docs/performance.md), that delay, not the
 * reader's speed, is what drops packets with a small buffer. So while
 * packets arrive fast enough to fill the whole ring within HOT_FILL_NS, the
 * reader polls without sleeping, yielding the CPU to anything else runnable,
 * until the rate has stayed lower for HOT_LINGER_NS. */
#define HOT_SAMPLE_NS (2 * ND_NS_PER_MS)
#define HOT_FILL_NS   (50 * ND_NS_PER_MS)
#define HOT_LINGER_NS (50 * ND_NS_PER_MS)
/* Ring bytes a packet takes beyond its captured bytes in a TPACKET_V3
 * block: tpacket3_hdr, sockaddr_ll and libpcap's VLAN reserve, aligned. */
#define RING_PACKET_OVERHEAD 80

static nd_ns monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (nd_ns)ts.tv_sec * ND_NS_PER_SEC + ts.tv_nsec;
}

/* Ends a hot stretch whose linger time has passed. */
static void hot_account(struct nd_capture_reader *r, nd_ns now)
{
	if (r->hot_since && now >= r->hot_until) {
		r->hot_total += r->hot_until - r->hot_since;
		r->hot_since = 0;
	}
}

/* Called after each dispatch; the file's own packet and byte counters tell
 * how much ring the packets since the last sample took. */
static void ring_pressure_sample(struct nd_capture_reader *r)
{
	if (!r->busy_poll)
		return;
	nd_ns now = monotonic_now();
	nd_ns span = now - r->sample_start;
	if (span < HOT_SAMPLE_NS)
		return;
	hot_account(r, now);
	const struct nd_capture_file_info *info = reader_info(r);
	double used = (double)(info->captured_bytes - r->sample_bytes) +
	              (double)(info->packets - r->sample_packets) * RING_PACKET_OVERHEAD;
	/* ring_bytes / rate < HOT_FILL_NS, with rate = used / span */
	if (used * (double)HOT_FILL_NS >= r->ring_bytes * (double)span) {
		if (!r->hot_since)
			r->hot_since = now;
		r->hot_until = now + HOT_LINGER_NS;
	}
	r->sample_packets = info->packets;
	r->sample_bytes = info->captured_bytes;
	r->sample_start = now;
}

bool nd_capture_hot(struct nd_capture_reader *r)
{
	if (!r->hot_since)
		return false;
	hot_account(r, monotonic_now());
	return r->hot_since != 0;
}

int nd_capture_wait(struct nd_capture_reader *r, int timeout_ms)
{
	if (nd_capture_hot(r))
		return sched_yield();
	struct pollfd pfd = {.fd = nd_capture_fd(r), .events = POLLIN};
	if (pfd.fd < 0)
		return 0;
	return poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR ? -1 : 0;
}

/* One line for a failed pcap_activate(), naming what the user can fix. */
static void activate_error(pcap_t *p, int rc, const char *iface, char *msg, size_t len)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
		snprintf(msg, len,
		         "permission denied: capturing needs the CAP_NET_RAW capability (run as "
		         "root, or `setcap cap_net_raw,cap_net_admin+ep` on the netdiag binary)");
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(msg, len, "no such interface (see `ip link`)");
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(msg, len, "interface is down (`ip link set %.64s up`)", iface);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(msg, len, "permission denied for promiscuous mode (CAP_NET_RAW needed)");
		break;
	default:
		snprintf(msg, len, "cannot capture: %s", pcap_geterr(p));
	}
}

static uint32_t live_buffer_mb(const struct nd_capture_live_opts *o)
{
	return ND_MIN(o->buffer_mb ? o->buffer_mb : LIVE_BUFFER_MB, 2047u);
}

static int live_configure(pcap_t *p, const struct nd_capture_live_opts *o)
{
	int rc = pcap_set_snaplen(p, o->snaplen ? (int)o->snaplen : LIVE_SNAPLEN);
	rc = rc ? rc : pcap_set_promisc(p, o->promisc);
	/* Delivery within LIVE_TIMEOUT_MS, without libpcap's immediate mode:
	 * on Linux that mode falls back to a ring of one fixed-size slot per
	 * packet (TPACKET_V2), which holds far fewer small packets than the
	 * block ring (TPACKET_V3) in the same memory and drops sooner under
	 * load. A short block timeout keeps delivery prompt. */
	rc = rc ? rc : pcap_set_timeout(p, LIVE_TIMEOUT_MS);
	rc = rc ? rc : pcap_set_buffer_size(p, (int)live_buffer_mb(o) * 1024 * 1024);
	return rc ? rc : pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
}

static int live_filter(pcap_t *p, const char *filter, char *msg, size_t len)
{
	if (!filter || !*filter)
		return 0;
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(msg, len, "invalid filter '%.200s': %s", filter, pcap_geterr(p));
		return -1;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0)
		snprintf(msg, len, "cannot set filter: %s", pcap_geterr(p));
	return rc ? -1 : 0;
}

struct nd_capture_reader *nd_capture_open_live(struct nd_capture_summary *summary,
                                               const struct nd_capture_live_opts *o)
{
	struct nd_capture_file_info *info = summary_append(summary, o->iface);
	if (!info)
		return NULL;
	info->live = true;
	char errbuf[PCAP_ERRBUF_SIZE] = "", msg[512] = "";
	pcap_t *p = pcap_create(o->iface, errbuf);
	if (!p) {
		set_error(info, ND_CAPTURE_OPEN_FAILED, errbuf);
		return NULL;
	}
	int rc = live_configure(p, o);
	if (rc == 0)
		rc = pcap_activate(p);
	if (rc < 0) {
		activate_error(p, rc, o->iface, msg, sizeof(msg));
	} else if (live_filter(p, o->filter, msg, sizeof(msg)) == 0 &&
	           pcap_setnonblock(p, 1, errbuf)) {
		snprintf(msg, sizeof(msg), "%s", errbuf);
	}
	struct nd_capture_reader *r = msg[0] ? NULL : calloc(1, sizeof(*r));
	if (!r) {
		set_error(info, ND_CAPTURE_OPEN_FAILED, msg[0] ? msg : "out of memory");
		pcap_close(p);
		return NULL;
	}
	r->pcap = p;
	r->summary = summary;
	r->index = (size_t)(info - summary->files);
	r->live = true;
	r->busy_poll = !o->no_busy_poll;
	r->ring_bytes = (double)live_buffer_mb(o) * 1024 * 1024;
	r->sample_start = monotonic_now();
	info->linktype = pcap_datalink(p);
	info->snaplen = (uint32_t)pcap_snapshot(p);
	const char *name = pcap_datalink_val_to_name(info->linktype);
	snprintf(info->linktype_name, sizeof(info->linktype_name), "%s", name ? name : "unknown");
	return r;
}

int nd_capture_fd(const struct nd_capture_reader *r)
{
	return pcap_get_selectable_fd(r->pcap);
}

struct dispatch_ctx {
	struct nd_capture_reader *r;
	nd_capture_packet_fn fn;
	void *ctx;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dispatch_ctx *dc = (struct dispatch_ctx *)user;
	struct nd_capture_file_info *info = reader_info(dc->r);
	struct nd_packet pkt = {
	        .ts = packet_time(h),
	        .data = data,
	        .caplen = h->caplen,
	        .len = h->len,
	        .linktype = info->linktype,
	        .file_index = (uint32_t)dc->r->index,
	        .frame = info->packets + 1,
	};
	account_packet(info, &pkt);
	dc->fn(dc->ctx, &pkt);
}

int nd_capture_dispatch(struct nd_capture_reader *r, nd_capture_packet_fn fn, void *ctx)
{
	if (r->done)
		return -1;
	struct dispatch_ctx dc = {r, fn, ctx};
	int n = pcap_dispatch(r->pcap, -1, dispatch_one, (u_char *)&dc);
	if (n >= 0 || n == PCAP_ERROR_BREAK) {
		ring_pressure_sample(r);
		return n < 0 ? 0 : n;
	}
	/* The interface went down or disappeared: keep what was captured. */
	struct nd_capture_file_info *info = reader_info(r);
	char msg[PCAP_ERRBUF_SIZE + 64];
	snprintf(msg, sizeof(msg), "capture stopped after packet %llu: %s",
	         (unsigned long long)info->packets, pcap_geterr(r->pcap));
	nd_capture_refresh_stats(r);
	set_error(info, ND_CAPTURE_DAMAGED, msg);
	r->done = true;
	return -1;
}

void nd_capture_refresh_stats(struct nd_capture_reader *r)
{
	if (!r->live)
		return;
	struct nd_capture_file_info *info = reader_info(r);
	info->busy_poll_ns = (uint64_t)r->hot_total;
	if (r->hot_since)
		info->busy_poll_ns +=
		        (uint64_t)(ND_MIN(monotonic_now(), r->hot_until) - r->hot_since);
	struct pcap_stat ps;
	if (pcap_stats(r->pcap, &ps) != 0)
		return;
	info->drops_known = true;
	info->drops_kernel = ps.ps_drop;
	info->drops_if = ps.ps_ifdrop;
	info->isb_received = ps.ps_recv;
}

void nd_capture_info_since(const struct nd_capture_file_info *cur,
                           const struct nd_capture_file_info *start,
                           struct nd_capture_file_info *out)
{
	*out = *cur;
	out->packets = cur->packets - start->packets;
	out->wire_bytes = cur->wire_bytes - start->wire_bytes;
	out->captured_bytes = cur->captured_bytes - start->captured_bytes;
	out->truncated_packets = cur->truncated_packets - start->truncated_packets;
	out->drops_if = cur->drops_if - start->drops_if;
	out->drops_kernel = cur->drops_kernel - start->drops_kernel;
	out->isb_received = cur->isb_received - start->isb_received;
	out->busy_poll_ns = cur->busy_poll_ns - start->busy_poll_ns;
}
