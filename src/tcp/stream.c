/* SPDX-License-Identifier: MIT */
/* Hands each direction's payload to the stream consumer in offset order,
 * remembering skipped ranges (holes) so that a late segment filling one is
 * delivered too. Nothing is copied: the consumer parses in place. */
#include "tcp/tcp_internal.h"

static void stream_start(struct nd_tcp_stream_dir *s, uint32_t seq)
{
	s->started = true;
	s->next_seq = seq;
	s->next_offset = 0;
	s->n_holes = 0;
}

static void hole_add(struct nd_tcp_stream_dir *s, uint64_t start, uint64_t end)
{
	if (s->n_holes == ND_TCP_MAX_HOLES) {
		/* Forget the oldest: its bytes will never be delivered. */
		memmove(&s->holes[0], &s->holes[1], sizeof(s->holes[0]) * (ND_TCP_MAX_HOLES - 1));
		s->n_holes--;
		s->holes_forgotten++;
	}
	s->holes[s->n_holes].start = start;
	s->holes[s->n_holes].end = end;
	s->n_holes++;
}

static void hole_remove(struct nd_tcp_stream_dir *s, uint8_t i)
{
	memmove(&s->holes[i], &s->holes[i + 1], sizeof(s->holes[0]) * (s->n_holes - i - 1u));
	s->n_holes--;
}

/* Cuts [start,end) out of hole i; a fill in the middle splits it. */
static void hole_fill(struct nd_tcp_stream_dir *s, uint8_t i, uint64_t start, uint64_t end)
{
	uint64_t hs = s->holes[i].start, he = s->holes[i].end;
	if (start <= hs && end >= he) {
		hole_remove(s, i);
		return;
	}
	if (start <= hs) {
		s->holes[i].start = end;
		return;
	}
	if (end >= he) {
		s->holes[i].end = start;
		return;
	}
	s->holes[i].end = start;
	if (s->n_holes < ND_TCP_MAX_HOLES) {
		memmove(&s->holes[i + 2], &s->holes[i + 1],
		        sizeof(s->holes[0]) * (s->n_holes - i - 1u));
		s->holes[i + 1].start = end;
		s->holes[i + 1].end = he;
		s->n_holes++;
	} else {
		s->holes_forgotten++;
	}
}

static void deliver(const struct nd_tcp_stream_ops *ops, struct nd_tcp_flow *f, int dir,
                    const struct nd_tcp_chunk *base, uint64_t off, uint64_t start, uint64_t end,
                    bool late)
{
	struct nd_tcp_chunk c = *base;
	uint64_t skip = start - off;
	c.offset = start;
	c.len = (uint32_t)(end - start);
	c.caplen = skip >= base->caplen ? 0 : (uint32_t)ND_MIN(base->caplen - skip, c.len);
	c.data = base->data + (skip < base->caplen ? skip : base->caplen);
	c.fills_hole = late;
	ops->data(ops->ctx, f, dir, &c);
}

/* Delivers the parts of [off,end) that lie in holes, lowest first. */
static void deliver_into_holes(const struct nd_tcp_stream_ops *ops, struct nd_tcp_flow *f, int dir,
                               const struct nd_tcp_chunk *base, uint64_t off, uint64_t end)
{
	struct nd_tcp_stream_dir *s = &f->stream[dir];
	for (uint8_t i = 0; i < s->n_holes;) {
		uint64_t a = ND_MAX(off, s->holes[i].start), b = ND_MIN(end, s->holes[i].end);
		if (a >= b) {
			i++;
			continue;
		}
		uint8_t before = s->n_holes;
		hole_fill(s, i, a, b);
		deliver(ops, f, dir, base, off, a, b, true);
		if (s->n_holes >= before)
			i++;
	}
}

void nd_tcp_stream_segment(const struct nd_tcp_stream_ops *ops, struct nd_tcp_flow *f,
                           const struct nd_decoded *d, int dir, const struct nd_tcp_chunk *base)
{
	struct nd_tcp_stream_dir *s = &f->stream[dir];
	uint32_t data_seq = d->seq + ((d->flags & ND_TCP_SYN) ? 1u : 0u);
	if ((d->flags & ND_TCP_SYN) && !s->started)
		stream_start(s, data_seq);
	if (!ops || !ops->data || d->seglen == 0 || (d->flags & ND_TCP_RST))
		return;
	if (!s->started)
		stream_start(s, data_seq);
	int64_t rel = (int32_t)(data_seq - s->next_seq);
	if (rel < 0 && (uint64_t)-rel > s->next_offset)
		return; /* before the start of the stream we know */
	uint64_t off = (uint64_t)((int64_t)s->next_offset + rel);
	uint64_t end = off + d->seglen;
	if (off < s->next_offset && s->n_holes)
		deliver_into_holes(ops, f, dir, base, off, ND_MIN(end, s->next_offset));
	if (end <= s->next_offset)
		return;
	uint64_t start = ND_MAX(off, s->next_offset);
	if (start > s->next_offset)
		hole_add(s, s->next_offset, start);
	s->next_offset = end;
	s->next_seq = data_seq + d->seglen;
	deliver(ops, f, dir, base, off, start, end, false);
}
