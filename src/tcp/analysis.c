/* SPDX-License-Identifier: MIT */
#include "tcp/tcp_internal.h"

void nd_tcp_analysis_init(struct nd_tcp_flow *f)
{
	(void)f;
}

static void note_syn_options(struct nd_tcp_dir_summary *ds, const struct nd_decoded *d)
{
	if (d->opt.has_mss)
		ds->mss = d->opt.mss;
	if (d->opt.has_wscale)
		ds->wscale = (int8_t)ND_MIN(d->opt.wscale, 14);
	ds->sack_permitted = d->opt.sack_permitted;
	ds->timestamps = d->opt.has_timestamps;
}

void nd_tcp_analysis_segment(struct nd_tcp_flow *f, const struct nd_decoded *d, int dir, nd_ns ts,
                             uint64_t frame)
{
	(void)ts;
	(void)frame;
	struct nd_tcp_dir_summary *ds = &f->s.dir[dir];
	ds->packets++;
	ds->payload_bytes += d->seglen;
	ds->captured_bytes += d->payload_caplen;
	if (d->flags & ND_TCP_SYN) {
		ds->syn++;
		note_syn_options(ds, d);
		if (!f->isn_known[dir]) {
			f->isn_known[dir] = true;
			f->isn[dir] = d->seq;
		}
		if (dir == 0 && !(d->flags & ND_TCP_ACK))
			f->s.handshake_seen = true;
	}
	if (d->flags & ND_TCP_FIN) {
		ds->fin++;
		if (f->s.end == ND_TCP_END_OPEN)
			f->s.end = ND_TCP_END_FIN;
	}
	if (d->flags & ND_TCP_RST) {
		ds->rst++;
		f->s.end = ND_TCP_END_RST;
	}
}

void nd_tcp_analysis_retire(struct nd_tcp_flow *f)
{
	(void)f;
}

bool nd_tcp_analysis_is_new_connection(const struct nd_tcp_flow *f, const struct nd_decoded *d,
                                       int dir)
{
	if ((d->flags & (ND_TCP_SYN | ND_TCP_ACK)) != ND_TCP_SYN)
		return false;
	return f->isn_known[dir] && f->isn[dir] != d->seq;
}

uint64_t nd_tcp_flow_score(const struct nd_tcp_flow_summary *s)
{
	return s->dir[0].payload_bytes + s->dir[1].payload_bytes;
}
