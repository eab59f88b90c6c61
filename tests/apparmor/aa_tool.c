/* SPDX-License-Identifier: MIT */
/* Test driver for the AppArmor suite.
 *   aa_tool smbconf FILE [PASSWD]      one line per share: "section<TAB>path"
 *                                      for smb.conf sections (what testparm
 *                                      lists), then "extra<TAB>kind<TAB>name
 *                                      <TAB>path" for homes users and
 *                                      usershares, "problem<TAB>..." lines
 *   aa_tool join PCAP JOURNAL SMBCONF  runs the pipeline on PCAP, reads the
 *                                      journal file and prints the findings
 *                                      of nd_rules_apparmor_all():
 *                                      "id<TAB>subject<TAB>summary<TAB>advice
 *                                      <TAB>k=v ..." */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "apparmor/apparmor.h"
#include "capture/capture.h"
#include "diag/rules_apparmor.h"
#include "pipeline/pipeline.h"
#include "smbconf/smbconf.h"

static int cmd_smbconf(int argc, char **argv)
{
	struct nd_smbconf_options o = {
	        .path = argv[2], .passwd_file = argc > 3 ? argv[3] : NULL, .hostname = "vm"};
	struct nd_smbconf *c = nd_smbconf_load(&o);
	if (!c)
		return 1;
	for (size_t i = 0; i < c->n_shares; i++) {
		const struct nd_smbconf_share *s = &c->shares[i];
		if (s->kind == ND_SMBCONF_HOME_USER || s->kind == ND_SMBCONF_USERSHARE)
			printf("extra\t%s\t%s\t%s\t%s\n", nd_smbconf_kind_name(s->kind),
			       s->user ? s->user : s->name, s->path, s->real ? s->real : "");
		else
			printf("section\t%s\t%s\n", s->name, s->path);
	}
	for (size_t i = 0; i < c->n_problems; i++)
		printf("problem\t%s\t%s\t%d\t%s\n",
		       c->problems[i].kind == ND_SMBCONF_ERROR ? "error" : "note",
		       c->problems[i].file, c->problems[i].line, c->problems[i].message);
	nd_smbconf_free(c);
	return 0;
}

static int cmd_join(char **argv)
{
	struct nd_pipeline_config cfg = {0};
	struct nd_pipeline p;
	if (nd_pipeline_init(&p, &cfg))
		return 1;
	struct nd_capture_reader *r = nd_capture_open_file(&p.capture, argv[2]);
	if (!r) {
		fprintf(stderr, "cannot open %s\n", argv[2]);
		return 1;
	}
	struct nd_packet pkt;
	while (nd_capture_next(r, &pkt) == 1)
		nd_pipeline_packet(&p, &pkt);
	nd_capture_close(r);
	nd_pipeline_finish(&p);

	const char *files[1] = {argv[3]};
	struct nd_apparmor_options ao = {
	        .journal = {.files = files, .n_files = 1},
	        .smb_conf = argv[4],
	        .no_confinement = true,
	};
	struct nd_apparmor_report *aa = nd_apparmor_collect(&ao);
	if (!aa)
		return 1;
	struct nd_findings fs = {0};
	nd_rules_apparmor_all(aa, p.smb, &fs);
	nd_findings_finish(&fs, NULL);
	for (size_t i = 0; i < fs.count; i++) {
		const struct nd_finding *f = &fs.items[i];
		printf("%s\t%s\t%s\t%s %s\t", f->id, f->subject, f->summary, f->fix, f->advice);
		for (size_t k = 0; k < f->n_evidence; k++) {
			const struct nd_evidence *e = &f->evidence[k];
			if (e->type == ND_EV_REAL)
				printf(" %s=%.6f", e->name, e->value_real);
			else if (e->type == ND_EV_STR)
				printf(" %s=%s", e->name, e->str);
			else if (e->type == ND_EV_NULL)
				printf(" %s=null", e->name);
			else
				printf(" %s=%" PRIu64, e->name, e->value);
		}
		printf("\n");
	}
	int rc = aa->input_error ? 2 : 0;
	nd_findings_free(&fs);
	nd_apparmor_free(aa);
	nd_pipeline_free(&p);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "smbconf"))
		return cmd_smbconf(argc, argv);
	if (argc == 5 && !strcmp(argv[1], "join"))
		return cmd_join(argv);
	fprintf(stderr, "usage: aa_tool smbconf FILE [PASSWD] | join PCAP JOURNAL SMBCONF\n");
	return 2;
}
