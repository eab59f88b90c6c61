/* SPDX-License-Identifier: MIT */
/* NBSS framing of one TCP direction. The tcp module hands over payload in
 * order (and late segments that fill holes); this file finds message
 * boundaries, buffers only a message's prefix (header, fixed body, names)
 * when it straddles segments, and skips payload without copying it.
 *
 * Timestamps follow tshark: a message is decoded at the segment that
 * completes it, except when the segment holding its start was cut by the
 * snaplen (tshark cannot reassemble then and decodes it at that frame).
 * A message with bytes in a hole is committed when the in-order stream
 * passes its end; late segments filling the hole move its requests' time
 * to the fill, as tshark completes the reassembly there.
 *
 * What the user waited is measured apart from that: every message carries
 * the time of the segment holding its first byte (and the connection's
 * network counters then), and one decoded before its end (snaplen) tells
 * tracking when its end passes (msg_ended).
 *
 * After a hole that swallows a header, decoding restarts on the next NBSS
 * header + SMB magic (resync); the position of the lost header is parked,
 * and a late segment covering it lets us decode that message after all. */
#include "smb/smb_internal.h"

static bool magic_ok(const uint8_t *m)
{
	return (m[0] == 0xFE || m[0] == 0xFD || m[0] == 0xFC || m[0] == 0xFF) && m[1] == 'S' &&
	       m[2] == 'M' && m[3] == 'B';
}

static bool nbss_type_known(uint8_t t)
{
	return t == 0x00 || (t >= 0x81 && t <= 0x85);
}

bool smb_looks_like_start(const uint8_t *p, size_t avail)
{
	if (avail < 8 || p[0] != 0 || !magic_ok(p + 4))
		return false;
	uint32_t len = nd_be24(p + 1);
	switch (p[4]) {
	case 0xFE:
		if (len < SMB2_HDR_LEN)
			return false;
		return avail < 10 || nd_le16(p + 8) == SMB2_HDR_LEN;
	case 0xFD:
		return len >= 52;
	case 0xFC:
		return len >= 16;
	default:
		return len >= 32;
	}
}

uint32_t smb_piece_wanted(const uint8_t *p, size_t have, uint32_t msg_off, uint32_t msg_len)
{
	uint32_t rest = msg_len - msg_off;
	if (have < 4)
		return ND_MIN(4u, rest);
	switch (p[0]) {
	case 0xFE: {
		if (have < SMB2_HDR_LEN)
			return ND_MIN((uint32_t)SMB2_HDR_LEN, rest);
		struct nd_smb2_hdr h;
		if (nd_smb2_parse_hdr(p, have, &h))
			return (uint32_t)have;
		uint32_t pdu_len = h.next_command >= SMB2_HDR_LEN && h.next_command <= rest
		                           ? h.next_command
		                           : rest;
		return nd_smb2_wanted(&h, pdu_len);
	}
	case 0xFD:
		return msg_off ? (uint32_t)have : ND_MIN(52u, rest);
	case 0xFC:
		if (msg_off)
			return (uint32_t)have;
		if (have < 16)
			return ND_MIN(16u, rest);
		/* unchained: the uncompressed prefix; chained: a first NONE payload */
		return ND_MIN(16u + ND_MIN(nd_le32(p + 12), (uint32_t)SMB_BUF_CAP), rest);
	case 0xFF:
		return msg_off ? (uint32_t)have : ND_MIN(512u, rest);
	default:
		return (uint32_t)have;
	}
}

static void when_of(const struct nd_tcp_chunk *ch, struct smb_when *w)
{
	memset(w, 0, sizeof(*w));
	w->ts = ch->ts;
	w->frame = ch->frame;
	w->file = ch->file;
}

/* The current message starts in this chunk. */
static void note_first(struct smb_conn *c, struct smb_dir *d, const struct nd_tcp_chunk *ch)
{
	d->first_ts = ch->ts;
	smb_net_snapshot(c, &d->first_net);
}

/* w (the segment completing the message) with the message's first byte. */
static struct smb_when with_first(const struct smb_when *w, nd_ns first_ts,
                                  const struct nd_smb_net *first_net)
{
	struct smb_when x = *w;
	x.first_ts = first_ts ? first_ts : w->ts;
	x.first_net = *first_net;
	return x;
}

static void start_msg(struct smb_dir *d, uint64_t off)
{
	d->st = SMB_ST_HDR;
	d->msg_start = off;
	d->blen = 0;
	d->nbss_len = 0;
	d->n_pieces = 0;
	d->resume = false;
	d->start_cut = false;
	d->committed = false;
	d->missing = 0;
	memset(&d->ends, 0, sizeof(d->ends));
}

static uint64_t msg_end(const struct smb_dir *d)
{
	return d->msg_start + 4 + d->nbss_len;
}

static void enter_resync(struct nd_smb *smb, struct smb_dir *d)
{
	d->st = SMB_ST_RESYNC;
	smb->r.resyncs++;
}

static void range_add(struct smb_dir *d, uint64_t start, uint64_t end, uint64_t missing,
                      const struct smb_msg_ids *ids)
{
	if (!ids->n || !missing)
		return;
	if (d->n_ranges == SMB_MAX_FILL_RANGES) {
		memmove(&d->ranges[0], &d->ranges[1],
		        sizeof(d->ranges[0]) * (SMB_MAX_FILL_RANGES - 1));
		d->n_ranges--;
	}
	struct smb_fill_range *r = &d->ranges[d->n_ranges++];
	r->start = start;
	r->end = end;
	r->missing = missing;
	r->n_ids = ids->n;
	memcpy(r->msg_ids, ids->ids, sizeof(r->msg_ids));
}

/* Decodes the pieces buffered by the in-order parser. */
static void commit_buffered(struct nd_smb *smb, struct smb_conn *c, int dir,
                            const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	if (d->committed)
		return;
	d->committed = true;
	if (!d->n_pieces || d->buf[0] != 0)
		return;
	struct smb_view v = {.base = d->buf + 4, .msg_len = d->nbss_len, .n = d->n_pieces};
	memcpy(v.p, d->pieces, sizeof(v.p[0]) * d->n_pieces);
	struct smb_msg_ids ids = {0};
	struct smb_when wf = with_first(w, d->first_ts, &d->first_net);
	wf.partial = d->pos < msg_end(d);
	smb_track_view(smb, c, dir, &v, &wf, &ids);
	if (d->missing && !d->start_cut)
		range_add(d, d->msg_start, msg_end(d), d->missing, &ids);
	if (wf.partial)
		d->ends = ids;
}

/* The current message ended at w (or in a hole before w): what was
 * decoded early learns its end. */
static void msg_ended(struct nd_smb *smb, struct smb_conn *c, int dir, const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	if (d->ends.n || d->ends.n_resp)
		smb_track_msg_end(smb, c, &d->ends, w);
	memset(&d->ends, 0, sizeof(d->ends));
}

/* The in-order parser reached the end of the message it was skipping. */
static void msg_done(struct nd_smb *smb, struct smb_conn *c, int dir, const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	commit_buffered(smb, c, dir, w);
	msg_ended(smb, c, dir, w);
	start_msg(d, d->skip_end);
}

static void park_at(struct nd_smb *smb, struct smb_dir *d, uint64_t off)
{
	d->park = true;
	d->park_start = off;
	d->park_have = 0;
	smb->r.headers_lost++;
}

static void skip_to_end(struct smb_dir *d)
{
	d->st = SMB_ST_SKIP;
	d->resume = false;
	d->skip_end = msg_end(d);
}

/* A hole in SKIP: payload only, the next piece, or the message end. */
static void gap_in_skip(struct nd_smb *smb, struct smb_conn *c, int dir, uint64_t a, uint64_t b,
                        const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	if (b <= d->skip_end) {
		d->missing += b - a;
		return;
	}
	uint64_t end = d->buf[0] == 0 ? msg_end(d) : d->skip_end;
	if (d->resume && b <= end) { /* lost a later PDU of the compound only */
		d->missing += b - a;
		commit_buffered(smb, c, dir, w);
		skip_to_end(d);
		return;
	}
	if (end > a)
		d->missing += end - a;
	d->skip_end = end;
	d->resume = false;
	msg_done(smb, c, dir, w);
	park_at(smb, d, end);
	enter_resync(smb, d);
}

/* A hole while a message prefix was being buffered. */
static void gap_in_hdr(struct nd_smb *smb, struct smb_conn *c, int dir, uint64_t a, uint64_t b,
                       const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	bool first_piece = d->n_pieces <= 1;
	bool parked = false;
	if (d->blen == 0) {
		park_at(smb, d, d->msg_start);
		parked = true;
	} else if (first_piece && d->blen <= SMB_PARK_CAP) {
		park_at(smb, d, d->msg_start);
		memcpy(d->pbuf, d->buf, d->blen);
		d->park_have = d->blen;
		d->park_first_ts = d->first_ts;
		d->park_first_net = d->first_net;
		parked = true;
	} else if (d->blen >= 4) {
		commit_buffered(smb, c, dir, w); /* decode what there is */
	}
	if (d->blen >= 4 && d->buf[0] == 0 && msg_end(d) > b) {
		/* Its length is known: stay in step; the park decodes it. */
		d->missing += b - a;
		d->committed = true;
		skip_to_end(d);
		return;
	}
	msg_ended(smb, c, dir, w); /* its end was in the hole */
	if (!parked && d->blen >= 4)
		park_at(smb, d, msg_end(d));
	enter_resync(smb, d);
}

/* A hole [a, b) in the in-order stream. */
static void on_gap(struct nd_smb *smb, struct smb_conn *c, int dir, uint64_t a, uint64_t b,
                   const struct smb_when *w)
{
	struct smb_dir *d = &c->dir[dir];
	smb->r.bytes_not_captured += b - a;
	if (d->st == SMB_ST_SKIP)
		gap_in_skip(smb, c, dir, a, b, w);
	else if (d->st == SMB_ST_HDR)
		gap_in_hdr(smb, c, dir, a, b, w);
	d->pos = b;
}

static void skip_reached(struct nd_smb *smb, struct smb_conn *c, int dir,
                         const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	if (d->resume) { /* collect the next PDU of the compound */
		d->resume = false;
		d->st = SMB_ST_HDR;
		return;
	}
	struct smb_when w;
	when_of(ch, &w);
	msg_done(smb, c, dir, &w);
}

static void skip_step(struct nd_smb *smb, struct smb_conn *c, int dir,
                      const struct nd_tcp_chunk *ch, uint32_t *o)
{
	struct smb_dir *d = &c->dir[dir];
	uint64_t n = ND_MIN((uint64_t)(ch->len - *o), d->skip_end - d->pos);
	*o += (uint32_t)n;
	d->pos += n;
	if (d->pos == d->skip_end)
		skip_reached(smb, c, dir, ch);
}

static void resync_step(struct nd_smb *smb, struct smb_dir *d, const struct nd_tcp_chunk *ch,
                        uint32_t *o)
{
	uint32_t cap = ND_MIN(ch->caplen, ch->len);
	for (uint32_t i = *o; i + 8 <= cap; i++) {
		if (smb_looks_like_start(ch->data + i, cap - i)) {
			smb->r.resync_bytes += i - *o;
			d->pos += i - *o;
			*o = i;
			start_msg(d, d->pos);
			return;
		}
	}
	smb->r.resync_bytes += ch->len - *o;
	d->pos += ch->len - *o;
	*o = ch->len;
}

/* The NBSS header is buffered: decide what the message is. Returns false
 * when the stream is out of step. */
static bool nbss_header_ready(struct nd_smb *smb, struct smb_dir *d)
{
	uint8_t type = d->buf[0];
	uint32_t len = nd_be24(d->buf + 1);
	if (!nbss_type_known(type) || (type == 0 && len < 4)) {
		smb->r.bad_nbss++;
		return false;
	}
	d->nbss_len = len;
	if (type != 0) { /* session request/response, keep-alive: skipped */
		smb->r.nbss_other++;
		d->committed = true;
		skip_to_end(d);
		return true;
	}
	d->n_pieces = 1;
	d->pieces[0] = (struct smb_piece){0, 0, 0};
	return true;
}

/* The whole message is present in this chunk: decode it in place. */
static bool try_in_place(struct nd_smb *smb, struct smb_conn *c, int dir,
                         const struct nd_tcp_chunk *ch, uint32_t *o)
{
	struct smb_dir *d = &c->dir[dir];
	uint32_t cap = ND_MIN(ch->caplen, ch->len);
	if (d->blen || *o + 8 > cap)
		return false;
	const uint8_t *p = ch->data + *o;
	uint32_t len = nd_be24(p + 1);
	if (p[0] != 0 || len < 4 || (uint64_t)*o + 4 + len > cap || !magic_ok(p + 4))
		return false;
	struct smb_when w;
	when_of(ch, &w);
	w = with_first(&w, d->first_ts, &d->first_net);
	smb_track_message(smb, c, dir, p + 4, len, len, &w, NULL);
	*o += 4 + len;
	d->pos += 4 + len;
	start_msg(d, d->pos);
	return true;
}

/* The rest of the segment was not captured (snaplen): decode what there
 * is and skip the rest of the message. */
static void prefix_cut(struct nd_smb *smb, struct smb_conn *c, int dir,
                       const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	struct smb_when w;
	when_of(ch, &w);
	smb->r.pdus_cut++;
	commit_buffered(smb, c, dir, &w);
	skip_to_end(d);
}

/* Every piece is buffered: decode now (message complete, or its start
 * segment was cut) or when the message ends. */
static void prefix_ready(struct nd_smb *smb, struct smb_conn *c, int dir,
                         const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	struct smb_when w;
	when_of(ch, &w);
	skip_to_end(d);
	if (d->pos == d->skip_end || d->start_cut)
		commit_buffered(smb, c, dir, &w);
	if (d->pos == d->skip_end)
		start_msg(d, d->pos);
}

static uint32_t piece_want(const struct smb_dir *d, const struct smb_piece *pc)
{
	uint32_t w = smb_piece_wanted(d->buf + 4 + pc->boff, pc->len, pc->off, d->nbss_len);
	uint32_t room = SMB_BUF_CAP - pc->boff;
	return ND_MIN(w, room);
}

/* A piece is complete: go for the next PDU of a compound, or finish. */
static void piece_done(struct nd_smb *smb, struct smb_conn *c, int dir,
                       const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	struct smb_piece *pc = &d->pieces[d->n_pieces - 1];
	const uint8_t *p = d->buf + 4 + pc->boff;
	struct nd_smb2_hdr h;
	uint32_t next = 0;
	if (p[0] == 0xFE && !nd_smb2_parse_hdr(p, pc->len, &h))
		next = h.next_command;
	uint32_t noff = pc->off + next, nboff = pc->boff + pc->len;
	if (!next || next < SMB2_HDR_LEN || next < pc->len || noff > d->nbss_len ||
	    d->nbss_len - noff < SMB2_HDR_LEN || d->n_pieces == SMB_MAX_PIECES ||
	    nboff + SMB2_HDR_LEN > SMB_BUF_CAP) {
		prefix_ready(smb, c, dir, ch); /* the decoder counts bad or cut chains */
		return;
	}
	d->pieces[d->n_pieces++] = (struct smb_piece){noff, 0, nboff};
	if (noff > pc->off + pc->len) {
		d->st = SMB_ST_SKIP;
		d->resume = true;
		d->skip_end = d->msg_start + 4 + noff;
	}
}

static void hdr_nbss(struct nd_smb *smb, struct smb_conn *c, int dir, const struct nd_tcp_chunk *ch,
                     uint32_t *o)
{
	struct smb_dir *d = &c->dir[dir];
	uint32_t cap = ND_MIN(ch->caplen, ch->len);
	uint32_t n = ND_MIN(4 - d->blen, *o < cap ? cap - *o : 0);
	memcpy(d->buf + d->blen, ch->data + *o, n);
	d->blen += n;
	*o += n;
	d->pos += n;
	if (d->blen < 4) {
		if (*o < ch->len) { /* not captured */
			smb->r.pdus_cut++;
			enter_resync(smb, d);
		}
		return;
	}
	if (!nbss_header_ready(smb, d))
		enter_resync(smb, d);
}

static void hdr_step(struct nd_smb *smb, struct smb_conn *c, int dir, const struct nd_tcp_chunk *ch,
                     uint32_t *o)
{
	struct smb_dir *d = &c->dir[dir];
	if (d->blen == 0) {
		note_first(c, d, ch);
		d->start_cut = ch->caplen < ch->len;
		if (try_in_place(smb, c, dir, ch, o))
			return;
	}
	if (d->blen < 4) {
		hdr_nbss(smb, c, dir, ch, o);
		return;
	}
	struct smb_piece *pc = &d->pieces[d->n_pieces - 1];
	uint32_t cap = ND_MIN(ch->caplen, ch->len);
	uint32_t want = piece_want(d, pc);
	uint32_t n = ND_MIN(want - ND_MIN(want, pc->len), *o < cap ? cap - *o : 0);
	memcpy(d->buf + 4 + pc->boff + pc->len, ch->data + *o, n);
	pc->len += n;
	d->blen += n;
	*o += n;
	d->pos += n;
	if (d->n_pieces == 1 && pc->len >= 4 && !magic_ok(d->buf + 4)) {
		smb->r.bad_nbss++;
		enter_resync(smb, d);
		return;
	}
	if (pc->len < want) {
		if (*o < ch->len)
			prefix_cut(smb, c, dir, ch);
		return;
	}
	if (piece_want(d, pc) > pc->len)
		return; /* now that the header is in, more is wanted */
	piece_done(smb, c, dir, ch);
}

static void consume(struct nd_smb *smb, struct smb_conn *c, int dir, const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	uint32_t o = (uint32_t)(d->pos - ch->offset);
	while (o < ch->len) {
		switch (d->st) {
		case SMB_ST_SKIP:
			skip_step(smb, c, dir, ch, &o);
			break;
		case SMB_ST_RESYNC:
			resync_step(smb, d, ch, &o);
			break;
		default:
			hdr_step(smb, c, dir, ch, &o);
			break;
		}
	}
	/* A message (or a skip) ending exactly at the segment end. */
	if (d->st == SMB_ST_SKIP && d->pos == d->skip_end)
		skip_reached(smb, c, dir, ch);
}

/* ---- late segments ---- */

static void fill_ranges(struct nd_smb *smb, struct smb_conn *c, struct smb_dir *d,
                        const struct nd_tcp_chunk *ch)
{
	uint64_t a = ch->offset, b = ch->offset + ch->len;
	struct smb_when w;
	when_of(ch, &w);
	for (uint8_t i = 0; i < d->n_ranges;) {
		struct smb_fill_range *r = &d->ranges[i];
		uint64_t lo = ND_MAX(a, r->start), hi = ND_MIN(b, r->end);
		if (lo >= hi) {
			i++;
			continue;
		}
		r->missing -= ND_MIN(hi - lo, r->missing);
		for (uint8_t k = 0; k < r->n_ids; k++)
			smb_track_request_refill(smb, c, r->msg_ids[k], &w);
		if (r->missing == 0) {
			memmove(r, r + 1, sizeof(*r) * (size_t)(d->n_ranges - i - 1));
			d->n_ranges--;
		} else {
			i++;
		}
	}
	/* The message being skipped in order: the fill shrinks its hole. */
	if ((d->st == SMB_ST_SKIP || d->st == SMB_ST_HDR) && d->missing && d->blen >= 4) {
		uint64_t lo = ND_MAX(a, d->msg_start), hi = ND_MIN(b, msg_end(d));
		if (lo < hi)
			d->missing -= ND_MIN(hi - lo, d->missing);
	}
}

/* The message decoded from the park ends at e: put the in-order parser in
 * step if it is still searching, or park at e if e is in the same hole. */
static void after_recovery(struct smb_dir *d, uint64_t e, uint64_t chunk_end)
{
	if (d->st == SMB_ST_RESYNC && e >= d->pos) {
		d->msg_start = e;
		d->st = SMB_ST_SKIP;
		d->skip_end = e;
		d->committed = true;
		d->missing = 0;
		if (e == d->pos)
			start_msg(d, e);
		return;
	}
	if (e >= chunk_end && e < d->pos) {
		d->park = true;
		d->park_start = e;
		d->park_have = 0;
	}
}

/* Contiguous bytes wanted in the park: the first PDU, or as much of a
 * compound as fits. */
static uint32_t park_want(const struct smb_dir *d)
{
	uint32_t len = nd_be24(d->pbuf + 1);
	const uint8_t *m = d->pbuf + 4;
	uint32_t have = d->park_have - 4u;
	uint32_t w = smb_piece_wanted(m, have, 0, len);
	if (m[0] == 0xFE && have >= SMB2_HDR_LEN && nd_le32(m + 20) != 0)
		w = len;
	return ND_MIN(4 + w, (uint32_t)SMB_PARK_CAP);
}

/* Feeds the park from a late chunk; returns the offset in the chunk where
 * the next parked header starts, or ch->len when done. */
static uint32_t park_feed(struct nd_smb *smb, struct smb_conn *c, int dir,
                          const struct nd_tcp_chunk *ch, uint32_t o)
{
	struct smb_dir *d = &c->dir[dir];
	uint32_t cap = ND_MIN(ch->caplen, ch->len);
	for (;;) {
		uint32_t want;
		if (d->park_have < 4)
			want = 4;
		else if (d->pbuf[0] != 0)
			break; /* not a session message: its length is all we need */
		else if (d->park_have < 8)
			want = 8;
		else
			want = park_want(d);
		if (d->park_have >= want)
			break;
		uint32_t n = ND_MIN(want - d->park_have, o < cap ? cap - o : 0);
		if (!n)
			return ch->len; /* wait for the next late segment */
		memcpy(d->pbuf + d->park_have, ch->data + o, n);
		d->park_have += n;
		o += n;
	}
	d->park = false;
	uint32_t len = nd_be24(d->pbuf + 1);
	if (!nbss_type_known(d->pbuf[0]) || (d->pbuf[0] == 0 && !magic_ok(d->pbuf + 4)))
		return ch->len;
	uint64_t e = d->park_start + 4 + len;
	if (d->pbuf[0] == 0) {
		struct smb_when w;
		struct smb_msg_ids ids = {0};
		when_of(ch, &w);
		smb->r.pdus_recovered++;
		w = with_first(&w, d->park_first_ts, &d->park_first_net);
		smb_track_message(smb, c, dir, d->pbuf + 4, d->park_have - 4u, len, &w, &ids);
		if (e > ch->offset + ch->len)
			range_add(d, ch->offset + ch->len, e, e - (ch->offset + ch->len), &ids);
	}
	uint64_t chunk_end = ch->offset + ch->len;
	if (e < chunk_end) { /* the next header is in this late segment too */
		d->park = true;
		d->park_start = e;
		d->park_have = 0;
		return (uint32_t)(e - ch->offset);
	}
	after_recovery(d, e, chunk_end);
	return ch->len;
}

static void on_fill(struct nd_smb *smb, struct smb_conn *c, int dir, const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	fill_ranges(smb, c, d, ch);
	uint32_t o = 0;
	while (d->park && o < ch->len) {
		uint64_t at = d->park_start + d->park_have;
		if (at < ch->offset + o || at >= ch->offset + ch->len)
			return;
		if (d->park_have == 0) { /* the parked message's first byte is here */
			d->park_first_ts = ch->ts;
			smb_net_snapshot(c, &d->park_first_net);
		}
		o = park_feed(smb, c, dir, ch, (uint32_t)(at - ch->offset));
	}
}

void smb_stream_data(struct nd_smb *smb, struct smb_conn *c, int dir, const struct nd_tcp_chunk *ch)
{
	struct smb_dir *d = &c->dir[dir];
	smb_track_note_ts(smb, ch->ts);
	if (ch->fills_hole) {
		on_fill(smb, c, dir, ch);
		return;
	}
	if (!d->started) {
		d->started = true;
		d->pos = 0;
		start_msg(d, 0);
	}
	if (ch->offset + ch->len <= d->pos)
		return; /* nothing new (the contract says this does not happen) */
	if (ch->offset > d->pos) {
		struct smb_when w;
		when_of(ch, &w);
		on_gap(smb, c, dir, d->pos, ch->offset, &w);
	}
	consume(smb, c, dir, ch);
}
