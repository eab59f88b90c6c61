/* SPDX-License-Identifier: MIT */
/* pipeline: wires the modules in their one direction for a stream of
 * packets: capture -> decode -> tcp -> (smb) -> diag. `analyze` and, later,
 * `capture` and the daemon feed it packets and read its results. */
#ifndef ND_PIPELINE_H
#define ND_PIPELINE_H

#include "capture/capture.h"
#include "decode/decode.h"
#include "diag/diag.h"
#include "smb/smb.h"
#include "tcp/tcp.h"

struct nd_pipeline_config {
	struct nd_tcp_config tcp;
	struct nd_smb_config smb;
	struct nd_diag_config diag;
};

struct nd_pipeline {
	struct nd_capture_summary capture; /* filled by the capture readers */
	struct nd_decode_stats decode;
	struct nd_tcp_table *tcp;
	struct nd_smb *smb;
	struct nd_findings findings; /* valid after nd_pipeline_finish */
	/* The capture host's interfaces, owned by the caller; set before
	 * nd_pipeline_finish for the rules that join them with the traffic. */
	const struct nd_offload_set *offload;
	const struct nd_apparmor_report *apparmor; /* likewise */
	struct nd_diag_config diag_cfg;
	bool finished;
};

/* 0 on success, -1 when out of memory. */
int nd_pipeline_init(struct nd_pipeline *p, const struct nd_pipeline_config *cfg);

/* Analyses one packet; the packet's memory is not kept. */
void nd_pipeline_packet(struct nd_pipeline *p, const struct nd_packet *pkt);

/* Ends the stream: retires flows and runs the diagnosis rules. */
void nd_pipeline_finish(struct nd_pipeline *p);

void nd_pipeline_free(struct nd_pipeline *p);

#endif
