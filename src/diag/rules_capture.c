/* SPDX-License-Identifier: MIT */
/* Rules about the capture itself: what could not be read, what the capture
 * tool dropped or cut, and what the decoder could not use. */
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules.h"

static const char *status_fix(enum nd_capture_status st)
{
	switch (st) {
	case ND_CAPTURE_OPEN_FAILED:
		return "capinfos FILE";
	case ND_CAPTURE_UNSUPPORTED_LINK:
		return "editcap -T ether FILE OUT.pcap";
	default:
		return "";
	}
}

static const char *status_advice(enum nd_capture_status st)
{
	switch (st) {
	case ND_CAPTURE_OPEN_FAILED:
		return "Check the path and that the file is a pcap or pcapng capture "
		       "(`capinfos FILE` tells).";
	case ND_CAPTURE_DAMAGED:
		return "The file ends early or is corrupted; everything before the damage was "
		       "analysed. If it was copied while still being written, copy it again "
		       "after the capture has stopped.";
	case ND_CAPTURE_UNSUPPORTED_LINK:
		return "Capture on an Ethernet, bridge or `any` interface (Ethernet or Linux "
		       "cooked headers), or convert the file with `editcap -T ether`.";
	default:
		return "";
	}
}

static void rule_unreadable_inputs(const struct nd_diag_input *in, struct nd_findings *out)
{
	for (size_t i = 0; i < in->capture->n_files; i++) {
		const struct nd_capture_file_info *fi = &in->capture->files[i];
		if (fi->status == ND_CAPTURE_OK)
			continue;
		struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_INPUT_ERROR);
		if (!f)
			return;
		nd_str_copy(f->subject, sizeof(f->subject), fi->path);
		f->first_ts = fi->first_ts;
		f->last_ts = fi->last_ts;
		snprintf(f->title, sizeof(f->title), "%.120s could not be read completely",
		         fi->path);
		snprintf(f->summary, sizeof(f->summary),
		         "%.200s: %.250s; what came before was analysed, the rest was not checked",
		         fi->path, fi->error);
		nd_str_copy(f->fix, sizeof(f->fix), status_fix(fi->status));
		nd_str_copy(f->advice, sizeof(f->advice), status_advice(fi->status));
		nd_finding_evidence(f, "packets_read", fi->packets);
	}
}

static void rule_truncated(const struct nd_diag_input *in, struct nd_findings *out)
{
	struct nd_capture_totals t;
	nd_capture_summary_totals(in->capture, &t);
	if (!t.truncated_packets)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_TRUNCATED);
	if (!f)
		return;
	f->first_ts = t.first_ts;
	f->last_ts = t.last_ts;
	snprintf(f->summary, sizeof(f->summary),
	         "%llu of %llu packets were cut short by the capture (its snapshot length, or "
	         "for frames above the MTU the capture buffer's frame size); TCP analysis uses "
	         "their on-wire lengths, but protocol content past the cut is unseen",
	         (unsigned long long)t.truncated_packets, (unsigned long long)t.packets);
	snprintf(f->advice, sizeof(f->advice),
	         "To see SMB operations in full, capture whole packets (`tcpdump -s 0`); for "
	         "frames above the MTU, capture on a host interface rather than on a bridge "
	         "or veth.");
	nd_finding_evidence(f, "truncated_packets", t.truncated_packets);
	nd_finding_evidence(f, "packets", t.packets);
}

static void rule_fragments(const struct nd_diag_input *in, struct nd_findings *out)
{
	uint64_t frags = in->decode->ipv4_fragments + in->decode->ipv6_fragments;
	if (!frags)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_FRAGMENTS);
	if (!f)
		return;
	snprintf(f->summary, sizeof(f->summary),
	         "%llu IP fragments were seen; netdiag counts them but does not reassemble "
	         "them, so TCP segments inside fragments are not analysed",
	         (unsigned long long)frags);
	snprintf(f->advice, sizeof(f->advice),
	         "Fragmented TCP usually means a tunnel or a path MTU problem; check the MTU "
	         "along the path (`ip link`, `ethtool -k IFACE`).");
	nd_finding_evidence(f, "ipv4_fragments", in->decode->ipv4_fragments);
	nd_finding_evidence(f, "ipv6_fragments", in->decode->ipv6_fragments);
}

static void rule_malformed(const struct nd_diag_input *in, struct nd_findings *out)
{
	uint64_t bad = in->decode->results[ND_DECODE_MALFORMED];
	uint64_t cut = in->decode->results[ND_DECODE_TRUNCATED];
	if (!bad && !cut)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_CAPTURE_UNDECODABLE);
	if (!f)
		return;
	snprintf(f->summary, sizeof(f->summary),
	         "%llu packets had inconsistent IP/TCP headers and %llu were cut before their "
	         "headers ended; they were skipped",
	         (unsigned long long)bad, (unsigned long long)cut);
	snprintf(f->advice, sizeof(f->advice),
	         "A few are normal on a busy link; many point at a capture snapshot length below "
	         "the header size or at a device rewriting packets.");
	nd_finding_evidence(f, "malformed", bad);
	nd_finding_evidence(f, "truncated_headers", cut);
}

void nd_rules_capture(const struct nd_diag_input *in, struct nd_findings *out)
{
	rule_unreadable_inputs(in, out);
	rule_truncated(in, out);
	rule_fragments(in, out);
	rule_malformed(in, out);
}
