/* SPDX-License-Identifier: MIT */
/* The judgement of each operation a user waits on, at its final response:
 * how long the user waited (request first byte -> response last byte), how
 * much of that moved the messages over the network (transfer) and how much
 * the server took (service), and whether it was slow: longer than expected
 * for its class and size, or, for READ/WRITE, far above what the same
 * connection usually needs. Figures are summed per (share, command), and
 * per (server, command) for the connect class, in bounded tables.
 *
 * Also the client's idle time between I/Os: a slow copy can be a client
 * that pauses between requests, not a slow server or network. */
#include "smb/smb_internal.h"

/* FSCTLs that wait (PIPE_WAIT: until a pipe instance is free) or copy on
 * the server (COPYCHUNK: server-side copy of up to 16 MiB per request) by
 * design: their time says nothing about the server being slow. */
#define FSCTL_PIPE_WAIT           0x00110018u
#define FSCTL_SRV_COPYCHUNK       0x001440F2u
#define FSCTL_SRV_COPYCHUNK_WRITE 0x001480F2u

uint64_t nd_smb_net_trouble(const struct nd_smb_net *from, const struct nd_smb_net *to)
{
	uint64_t lost = to->lost_segment - from->lost_segment;
	uint64_t retx = to->retransmission - from->retransmission;
	uint64_t spur = to->spurious_retransmission - from->spurious_retransmission;
	uint64_t storm = to->dup_ack_storm - from->dup_ack_storm;
	/* Spurious retransmissions repeat data that had arrived: no loss. */
	return lost + (retx > spur ? retx - spur : 0) + storm;
}

enum nd_smb_op_class nd_smb_op_class(unsigned cmd, uint32_t ctl_code)
{
	switch (cmd) {
	case ND_SMB_NEGOTIATE:
	case ND_SMB_SESSION_SETUP:
	case ND_SMB_TREE_CONNECT:
		return ND_SMB_CLASS_CONNECT;
	case ND_SMB_IOCTL:
		if (ctl_code == FSCTL_PIPE_WAIT || ctl_code == FSCTL_SRV_COPYCHUNK ||
		    ctl_code == FSCTL_SRV_COPYCHUNK_WRITE)
			return ND_SMB_CLASS_NONE;
		return ND_SMB_CLASS_METADATA;
	case ND_SMB_CREATE:
	case ND_SMB_CLOSE:
	case ND_SMB_FLUSH:
	case ND_SMB_LOCK:
	case ND_SMB_QUERY_DIRECTORY:
	case ND_SMB_QUERY_INFO:
	case ND_SMB_SET_INFO:
		return ND_SMB_CLASS_METADATA;
	case ND_SMB_READ:
	case ND_SMB_WRITE:
		return ND_SMB_CLASS_IO;
	default:
		/* LOGOFF, TREE_DISCONNECT, ECHO: nobody waits on them; CANCEL has
		 * no response of its own; CHANGE_NOTIFY waits for changes and an
		 * OPLOCK_BREAK ack answers the server: both by design. */
		return ND_SMB_CLASS_NONE;
	}
}

/* ---- the servers table ---- */

static struct nd_smb_server *server_get(struct nd_smb *smb, uint8_t ipv, const uint8_t addr[16])
{
	for (size_t i = 0; i < smb->r.n_servers; i++)
		if (smb->servers[i].ip_version == ipv && !memcmp(smb->servers[i].addr, addr, 16))
			return &smb->servers[i];
	if (smb->r.n_servers >= smb->cfg.max_servers) {
		smb->r.servers_overflow++;
		return NULL;
	}
	struct nd_smb_server *s = &smb->servers[smb->r.n_servers++];
	memset(s, 0, sizeof(*s));
	s->ip_version = ipv;
	memcpy(s->addr, addr, 16);
	return s;
}

static struct nd_smb_share *share_row(struct nd_smb *smb, uint16_t share)
{
	return share == SMB_NO_SHARE ? NULL : &smb->shares[share];
}

/* ---- one operation ---- */

struct judged {
	nd_ns wait, transfer, service, expected;
	uint64_t bytes;
	bool slow, outlier_only, trouble;
};

/* wait, transfer and service from the four message times; a capture
 * taken away from both ends can reorder them, hence the clamps. */
static void op_timing(const struct smb_pending *p, nd_ns resp_last, struct judged *j)
{
	nd_ns req_first = p->first_ts;
	nd_ns req_last = ND_MAX(p->last_ts, req_first);
	resp_last = ND_MAX(resp_last, req_last);
	nd_ns resp_first = ND_MIN(ND_MAX(p->reply.first_ts, req_first), resp_last);
	nd_ns req_x = req_last - req_first, resp_x = resp_last - resp_first;
	j->wait = resp_last - req_first;
	if (p->cmd == ND_SMB_WRITE)
		j->transfer = req_x;
	else if (p->cmd == ND_SMB_READ)
		j->transfer = resp_x;
	else
		j->transfer = req_x + resp_x;
	j->transfer = ND_MIN(j->transfer, j->wait);
	j->service = j->wait - j->transfer;
}

/* The bytes an I/O moved: WRITE Length; READ DataLength, or the request's
 * Length when the response has none (a failure). */
static uint64_t op_bytes(const struct smb_pending *p)
{
	if (p->cmd == ND_SMB_READ && p->reply.has_count)
		return p->reply.count;
	return p->cmd == ND_SMB_READ || p->cmd == ND_SMB_WRITE ? p->length : 0;
}

static nd_ns expected_ns(const struct nd_smb_config *cfg, enum nd_smb_op_class cl, uint64_t bytes)
{
	switch (cl) {
	case ND_SMB_CLASS_IO:
		/* bytes < 2^32 and 1e9 < 2^30: the product fits in 63 bits. */
		return cfg->slow_io_base +
		       (nd_ns)(bytes * (uint64_t)ND_NS_PER_SEC / cfg->slow_io_rate);
	case ND_SMB_CLASS_METADATA:
		return cfg->slow_metadata;
	default:
		return cfg->slow_connect;
	}
}

/* Far above this connection's own median service time: a stall that a
 * size-based limit cannot see on a fast LAN. */
static bool io_outlier(const struct nd_smb *smb, const struct smb_conn *c, unsigned slot,
                       const struct judged *j)
{
	const struct nd_hist *h = &c->service[slot];
	if (h->count < smb->cfg.slow_outlier_min_ops || j->wait <= smb->cfg.slow_io_base)
		return false;
	return j->service > (nd_ns)smb->cfg.slow_outlier_factor * nd_hist_quantile(h, 0.5);
}

static void worst_set(struct nd_smb_op_stats *st, const struct smb_conn *c,
                      const struct smb_pending *p, const struct judged *j)
{
	/* The file, TREE_CONNECT path or SESSION_SETUP user. */
	const char *name = p->cmd == ND_SMB_SESSION_SETUP ? p->logon.user : p->name;
	st->worst.wait = j->wait;
	st->worst.ts = p->first_ts;
	st->worst.frame = p->frame;
	st->worst.file = p->file;
	st->worst.bytes = j->bytes;
	st->worst.ip_version = c->ip_version;
	memcpy(st->worst.client, c->addr[p->sender], 16);
	nd_str_copy(st->worst.name, sizeof(st->worst.name), name);
}

static void slow_add(struct nd_smb_op_stats *st, const struct smb_pending *p, nd_ns resp_last,
                     const struct judged *j)
{
	st->slow++;
	st->slow_outliers += j->outlier_only;
	st->slow_trouble += j->trouble;
	st->slow_wait_sum += j->wait;
	st->slow_excess_sum += j->wait > j->expected ? j->wait - j->expected : 0;
	st->slow_transfer_sum += j->transfer;
	st->slow_service_sum += j->service;
	if (st->slow == 1 || j->wait < st->slow_wait_min)
		st->slow_wait_min = j->wait;
	if (j->wait > st->slow_wait_max)
		st->slow_wait_max = j->wait;
	if (!st->slow_first_ts || p->first_ts < st->slow_first_ts)
		st->slow_first_ts = p->first_ts;
	if (resp_last > st->slow_last_ts)
		st->slow_last_ts = resp_last;
}

static void stats_add(struct nd_smb_op_stats *st, const struct smb_conn *c,
                      const struct smb_pending *p, nd_ns resp_last, const struct judged *j)
{
	if (!st->ops || j->wait > st->worst.wait)
		worst_set(st, c, p, j);
	st->ops++;
	st->bytes += j->bytes;
	st->wait_sum += j->wait;
	st->wait_max = ND_MAX(st->wait_max, j->wait);
	st->transfer_sum += j->transfer;
	st->service_sum += j->service;
	if (j->slow)
		slow_add(st, p, resp_last, j);
}

static struct nd_smb_op_stats *op_row(struct nd_smb *smb, const struct smb_conn *c,
                                      const struct smb_pending *p, enum nd_smb_op_class cl)
{
	if (cl == ND_SMB_CLASS_CONNECT) {
		struct nd_smb_server *s = server_get(smb, c->ip_version, c->addr[!p->sender]);
		return s ? &s->ops[p->cmd] : NULL;
	}
	struct nd_smb_share *s = share_row(smb, p->share);
	return s ? &s->ops[p->cmd] : NULL;
}

void smb_judge(struct nd_smb *smb, struct smb_conn *c, const struct smb_pending *p, nd_ns resp_last)
{
	enum nd_smb_op_class cl = nd_smb_op_class(p->cmd, p->ctl_code);
	if (cl == ND_SMB_CLASS_NONE)
		return;
	struct judged j = {0};
	op_timing(p, resp_last, &j);
	j.bytes = op_bytes(p);
	j.expected = expected_ns(&smb->cfg, cl, j.bytes);
	struct nd_smb_net now;
	smb_net_snapshot(c, &now);
	j.trouble = nd_smb_net_trouble(&p->net0, &now) > 0;
	bool over = j.wait > j.expected;
	unsigned slot = p->cmd == ND_SMB_WRITE;
	bool outlier = cl == ND_SMB_CLASS_IO && io_outlier(smb, c, slot, &j);
	j.slow = over || outlier;
	j.outlier_only = outlier && !over;
	/* The baseline: successful I/Os only (a failed READ at end of file
	 * is answered without touching the disk). */
	if (cl == ND_SMB_CLASS_IO && p->reply.status == ND_STATUS_SUCCESS)
		nd_hist_add(&c->service[slot], j.service);
	struct nd_smb_op_stats *st = op_row(smb, c, p, cl);
	if (st)
		stats_add(st, c, p, resp_last, &j);
}

/* ---- client idle and busy time ---- */

void smb_io_started(struct nd_smb *smb, struct smb_conn *c, uint16_t share, nd_ns first_ts)
{
	struct nd_smb_share *s = share_row(smb, share);
	if (c->io_idle_since && first_ts >= c->io_idle_since) {
		nd_ns gap = first_ts - c->io_idle_since;
		if (gap <= ND_SMB_IDLE_GAP_MAX && s)
			s->io_idle_ns += gap;
	}
	c->io_idle_since = 0;
	/* A request sent while the previous one was being answered overlaps
	 * time already counted as busy. */
	c->io_mark = ND_MAX(first_ts, c->io_last_end);
}

void smb_io_completed(struct nd_smb *smb, struct smb_conn *c, uint16_t share, nd_ns ts)
{
	struct nd_smb_share *s = share_row(smb, share);
	if (ts > c->io_mark) {
		if (s)
			s->io_busy_ns += ts - c->io_mark;
		c->io_mark = ts;
	}
	c->io_last_end = ND_MAX(c->io_last_end, ts);
	if (c->inflight[0] + c->inflight[1] == 1) /* this one was the last outstanding */
		c->io_idle_since = ts;
}
