/* SPDX-License-Identifier: MIT */
/* smb_oracle_driver FILE...: runs capture -> decode -> tcp -> smb as the
 * pipeline does and prints machine-readable results for oracle.sh:
 *   srt <code> <calls> <min_s> <max_s> <sum_s>   (like tshark -z smb2,srt)
 *   status <hex> <COMMAND> <count>
 *   open_handles <n> / handle <share> <name> <frame>
 *   counter <name> <value>
 * CANCEL and OPLOCK_BREAK are left out of the srt lines, as tshark does.
 * With --text or --json first, it prints that instead. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "diag/diag.h"
#include "diag/rules_smb.h"
#include "report/report_smb.h"
#include "decode/decode.h"
#include "smb/smb.h"
#include "tcp/tcp.h"

static int run_file(struct nd_capture_summary *cs, struct nd_decode_stats *ds,
                    struct nd_tcp_table *tcp, const char *path)
{
	struct nd_capture_reader *r = nd_capture_open_file(cs, path);
	if (!r) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	struct nd_packet pkt;
	while (nd_capture_next(r, &pkt) == 1) {
		struct nd_decoded d;
		if (nd_decode_frame(pkt.linktype, pkt.data, pkt.caplen, pkt.len, &d, ds) !=
		    ND_DECODE_TCP)
			continue;
		int dir;
		nd_tcp_process(tcp, &d, pkt.ts, pkt.file_index, pkt.frame, &dir);
	}
	nd_capture_close(r);
	return 0;
}

static void print_srt(const struct nd_smb_results *r)
{
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		const struct nd_hist *h = &r->cmd[c].lat;
		if (!h->count || c == ND_SMB_CANCEL || c == ND_SMB_OPLOCK_BREAK)
			continue;
		printf("srt %u %" PRIu64 " %.9f %.9f %.9f\n", c, h->count, nd_ns_to_sec(h->min),
		       nd_ns_to_sec(h->max), nd_ns_to_sec(h->sum));
	}
}

static void print_statuses(const struct nd_smb_results *r)
{
	/* error rows are per share/path: sum them per (status, command) */
	for (size_t i = 0; i < r->n_errors; i++) {
		const struct nd_smb_error *e = &r->errors[i];
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = r->errors[k].status == e->status && r->errors[k].cmd == e->cmd;
		if (seen)
			continue;
		uint64_t n = 0;
		for (size_t k = i; k < r->n_errors; k++)
			if (r->errors[k].status == e->status && r->errors[k].cmd == e->cmd)
				n += r->errors[k].count;
		printf("status 0x%08X %s %" PRIu64 "\n", e->status, nd_smb_command_name(e->cmd), n);
	}
}

static void print_counters(const struct nd_smb_results *r)
{
	printf("counter connections %" PRIu64 "\n", r->connections);
	printf("counter smb2_pdus %" PRIu64 "\n", r->smb2_pdus);
	printf("counter encrypted_pdus %" PRIu64 "\n", r->encrypted_pdus);
	printf("counter compressed_pdus %" PRIu64 "\n", r->compressed_pdus);
	printf("counter smb1_pdus %" PRIu64 "\n", r->smb1_pdus);
	printf("counter break_notifications %" PRIu64 "\n", r->break_notifications);
	printf("counter resyncs %" PRIu64 "\n", r->resyncs);
	printf("counter headers_lost %" PRIu64 "\n", r->headers_lost);
	printf("counter pdus_recovered %" PRIu64 "\n", r->pdus_recovered);
	printf("counter pdus_cut %" PRIu64 "\n", r->pdus_cut);
	printf("counter bad_nbss %" PRIu64 "\n", r->bad_nbss);
	printf("counter bad_chain %" PRIu64 "\n", r->bad_chain);
	printf("counter bytes_not_captured %" PRIu64 "\n", r->bytes_not_captured);
	for (unsigned c = 0; c < ND_SMB_NCMD; c++) {
		if (r->cmd[c].pending_at_end)
			printf("pending %s %" PRIu64 "\n", nd_smb_command_name(c),
			       r->cmd[c].pending_at_end);
		if (r->cmd[c].interim.count)
			printf("interim %s %" PRIu64 "\n", nd_smb_command_name(c),
			       r->cmd[c].interim.count);
	}
	for (size_t i = 0; i < r->n_dialects; i++)
		printf("dialect 0x%04X %" PRIu64 "\n", r->dialects[i].dialect,
		       r->dialects[i].count);
}

static int print_mode(const char *mode, const struct nd_smb *smb, const struct nd_tcp_table *tcp)
{
	if (!strcmp(mode, "--text")) {
		nd_report_smb_text(stdout, NULL, smb);
		return 0;
	}
	if (!strcmp(mode, "--json")) {
		json_object *o = nd_report_smb_json(smb);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		                                               JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return 0;
	}
	fprintf(stderr, "unknown mode %s\n", mode);
	return -1;
}

int main(int argc, char **argv)
{
	const char *mode = "";
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-') {
		mode = argv[1];
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: smb_oracle_driver [--text|--json] FILE...\n");
		return 2;
	}
	struct nd_capture_summary cs = {0};
	struct nd_decode_stats ds = {0};
	struct nd_tcp_config tc = {0};
	struct nd_tcp_table *tcp = nd_tcp_table_new(&tc);
	struct nd_smb *smb = nd_smb_new(NULL);
	if (!tcp || !smb)
		return 2;
	nd_smb_attach(smb, tcp);
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (run_file(&cs, &ds, tcp, argv[i]))
			rc = 2;
	nd_tcp_finish(tcp);
	nd_smb_finish(smb);
	const struct nd_smb_results *r = nd_smb_get_results(smb);
	if (*mode) {
		rc = print_mode(mode, smb, tcp) ? 2 : rc;
		nd_smb_free(smb);
		nd_tcp_table_free(tcp);
		nd_capture_summary_free(&cs);
		return rc;
	}
	print_srt(r);
	print_statuses(r);
	printf("open_handles %zu\n", r->n_open_handles);
	for (size_t i = 0; i < r->n_open_handles; i++)
		printf("handle %s|%s %" PRIu64 "\n", r->open_handles[i].share,
		       r->open_handles[i].name, r->open_handles[i].frame);
	print_counters(r);
	nd_smb_free(smb);
	nd_tcp_table_free(tcp);
	nd_capture_summary_free(&cs);
	return rc;
}
