/* SPDX-License-Identifier: MIT */
#include "pipeline/pipeline.h"

int nd_pipeline_init(struct nd_pipeline *p, const struct nd_pipeline_config *cfg)
{
	memset(p, 0, sizeof(*p));
	p->diag_cfg = cfg->diag;
	p->tcp = nd_tcp_table_new(&cfg->tcp);
	p->smb = nd_smb_new(&cfg->smb);
	if (!p->tcp || !p->smb) {
		nd_pipeline_free(p);
		return -1;
	}
	nd_smb_attach(p->smb, p->tcp);
	return 0;
}

void nd_pipeline_packet(struct nd_pipeline *p, const struct nd_packet *pkt)
{
	struct nd_decoded d;
	enum nd_decode_result r =
	        nd_decode_frame(pkt->linktype, pkt->data, pkt->caplen, pkt->len, &d, &p->decode);
	if (r != ND_DECODE_TCP)
		return;
	int dir;
	nd_tcp_process(p->tcp, &d, pkt->ts, pkt->file_index, pkt->frame, &dir);
}

void nd_pipeline_finish(struct nd_pipeline *p)
{
	if (p->finished)
		return;
	/* Retiring the flows ends each SMB connection; then SMB totals are final. */
	nd_tcp_finish(p->tcp);
	nd_smb_finish(p->smb);
	struct nd_diag_input in = {
	        .capture = &p->capture,
	        .decode = &p->decode,
	        .tcp = p->tcp,
	        .smb = p->smb,
	        .offload = p->offload,
	        .apparmor = p->apparmor,
	        .config = &p->diag_cfg,
	};
	nd_diag_run(&in, &p->findings);
	p->finished = true;
}

void nd_pipeline_free(struct nd_pipeline *p)
{
	/* No flow may still point at SMB state when it goes. */
	if (p->tcp)
		nd_tcp_finish(p->tcp);
	nd_smb_free(p->smb);
	nd_tcp_table_free(p->tcp);
	nd_findings_free(&p->findings);
	nd_capture_summary_free(&p->capture);
	memset(p, 0, sizeof(*p));
}
