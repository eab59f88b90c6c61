/* SPDX-License-Identifier: MIT */
/* The findings list and the verdict (src/diag/findings.c) and the joins
 * between findings (src/diag/link.c), on findings built by hand: no
 * capture, no rule. What is tested is what docs/findings.md and
 * docs/json.md promise: unique keys, the roles the data gives (explained ->
 * symptom; unexplained at warning or above -> root cause; info or
 * incomplete -> context), the order (root causes by severity, then impact
 * with their symptoms', then the symptoms after their causes, then
 * context), the verdict and its headline, the exit-status severity, and
 * which cause explains which symptom. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "diag/diag.h"
#include "diag/rules.h" /* nd_diag_link */

static const uint8_t CLIENT[16] = {10, 0, 0, 1}, SERVER[16] = {10, 0, 0, 2},
                     OTHER_SERVER[16] = {10, 0, 0, 3};

/* nd_findings_add may move the items: the tests hold findings by seq. */
static struct nd_finding *by_seq(struct nd_findings *fs, uint32_t seq)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->items[i].seq == seq)
			return &fs->items[i];
	fail_msg("no finding with seq %u", seq);
	return NULL;
}

static size_t index_of(const struct nd_findings *fs, uint32_t seq)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->items[i].seq == seq)
			return i;
	fail_msg("no finding with seq %u", seq);
	return SIZE_MAX;
}

/* A finding of this kind about subject at sev, titled title; its seq. */
static uint32_t add(struct nd_findings *fs, enum nd_finding_kind kind, const char *subject,
                    enum nd_severity sev, const char *title)
{
	struct nd_finding *f = nd_findings_add(fs, kind);
	assert_non_null(f);
	f->severity = sev;
	nd_str_copy(f->subject, sizeof(f->subject), subject);
	if (title)
		nd_str_copy(f->title, sizeof(f->title), title);
	return f->seq;
}

static void explain(struct nd_findings *fs, uint32_t symptom, uint32_t cause)
{
	nd_finding_explain(by_seq(fs, symptom), by_seq(fs, cause));
}

static bool explained_by(struct nd_findings *fs, uint32_t symptom, uint32_t cause)
{
	const struct nd_finding *s = by_seq(fs, symptom);
	for (size_t i = 0; i < s->n_explained_by; i++)
		if (s->explained_by[i] == cause)
			return true;
	return false;
}

static enum nd_role role(struct nd_findings *fs, uint32_t seq)
{
	return by_seq(fs, seq)->role;
}

/* The scope of a TCP connection CLIENT:port -> server:445. */
static void flow_scope(struct nd_finding *f, const uint8_t server[16], uint16_t client_port)
{
	f->scope.ip_version = 4;
	f->scope.has_client = f->scope.has_server = f->scope.has_ports = true;
	memcpy(f->scope.client, CLIENT, 16);
	memcpy(f->scope.server, server, 16);
	f->scope.client_port = client_port;
	f->scope.server_port = 445;
}

/* The scope of an SMB finding about a share of server: the server only,
 * as the SMB rules know it for a share (any client matches). */
static void share_scope(struct nd_finding *f, const uint8_t server[16], const char *share,
                        bool network)
{
	f->scope.ip_version = 4;
	f->scope.has_server = true;
	memcpy(f->scope.server, server, 16);
	nd_str_copy(f->scope.share, sizeof(f->scope.share), share);
	f->scope.network = network;
}

static void link_and_finish(struct nd_findings *fs)
{
	struct nd_diag_input in;
	memset(&in, 0, sizeof(in));
	nd_diag_link(&in, fs);
	nd_findings_finish(fs, NULL);
}

/* ---- keys ---------------------------------------------------------------- */

/* id:subject, with #2, #3... for repeats; a subject that itself ends in #2
 * does not make a second "#2". */
static void test_keys_unique(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t a = add(&fs, ND_F_SMB_OPERATION_ERRORS, "\\\\srv\\data", ND_SEV_WARNING, NULL);
	uint32_t b = add(&fs, ND_F_SMB_OPERATION_ERRORS, "\\\\srv\\data", ND_SEV_WARNING, NULL);
	uint32_t c = add(&fs, ND_F_SMB_OPERATION_ERRORS, "\\\\srv\\data", ND_SEV_WARNING, NULL);
	uint32_t d = add(&fs, ND_F_SMB_OPERATION_ERRORS, "\\\\srv\\data#2", ND_SEV_WARNING, NULL);
	uint32_t e = add(&fs, ND_F_SMB_BAD_SHARE, "\\\\srv\\data", ND_SEV_ERROR, NULL);
	nd_findings_finish(&fs, NULL);
	/* Same id and subject: numbered in list order (which of the three
	 * equal findings gets which number is the sort's business). */
	const char *want[3] = {"smb.operation_errors:\\\\srv\\data",
	                       "smb.operation_errors:\\\\srv\\data#2",
	                       "smb.operation_errors:\\\\srv\\data#3"};
	uint32_t same[3] = {a, b, c};
	for (int w = 0; w < 3; w++) {
		int hits = 0;
		for (int i = 0; i < 3; i++)
			hits += !strcmp(by_seq(&fs, same[i])->key, want[w]);
		if (hits != 1)
			fail_msg("key %s given %d times", want[w], hits);
	}
	/* Another id: no number. */
	assert_string_equal(by_seq(&fs, e)->key, "smb.bad_share:\\\\srv\\data");
	for (size_t i = 0; i < fs.count; i++)
		for (size_t j = i + 1; j < fs.count; j++)
			if (!strcmp(fs.items[i].key, fs.items[j].key))
				fail_msg("key %s twice", fs.items[i].key);
	assert_non_null(strstr(by_seq(&fs, d)->key, "data#2"));
	nd_findings_free(&fs);
}

/* ---- roles --------------------------------------------------------------- */

/* A finding another one explains is a symptom, whatever its default role
 * and severity; an unexplained warning symptom is the root cause as far as
 * the data tells; info and incomplete findings are context. */
static void test_roles(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	/* tcp.network_loss is a cause by default; explained, a symptom. */
	uint32_t lso = add(&fs, ND_F_TCP_LSO_DROP, "flow", ND_SEV_ERROR, NULL);
	uint32_t loss = add(&fs, ND_F_TCP_NETWORK_LOSS, "flow", ND_SEV_WARNING, NULL);
	/* smb.slow_writes is a symptom by default; unexplained, a cause. */
	uint32_t slow = add(&fs, ND_F_SMB_SLOW_WRITES, "share", ND_SEV_WARNING, NULL);
	/* causes by default, but only informative or incomplete: context */
	uint32_t zw_info = add(&fs, ND_F_TCP_ZERO_WINDOW, "flow", ND_SEV_INFO, NULL);
	uint32_t slow_info = add(&fs, ND_F_SMB_SLOW_READS, "share", ND_SEV_INFO, NULL);
	uint32_t gap = add(&fs, ND_F_TCP_FLOW_TABLE_FULL, "capture", ND_SEV_WARNING, NULL);
	uint32_t incomplete_error = add(&fs, ND_F_SMB_ACCESS_DENIED, "share", ND_SEV_ERROR, NULL);
	by_seq(&fs, incomplete_error)->incomplete = true;
	/* explained wins over info: an info finding a cause explains is its
	 * symptom */
	uint32_t explained_info = add(&fs, ND_F_SMB_PENDING_AT_END, "capture", ND_SEV_INFO, NULL);
	explain(&fs, loss, lso);
	explain(&fs, explained_info, lso);
	nd_findings_finish(&fs, NULL);
	assert_true(fs.finished);
	assert_int_equal(role(&fs, lso), ND_ROLE_CAUSE);
	assert_int_equal(role(&fs, loss), ND_ROLE_SYMPTOM);
	assert_int_equal(role(&fs, slow), ND_ROLE_CAUSE);
	assert_int_equal(role(&fs, zw_info), ND_ROLE_CONTEXT);
	assert_int_equal(role(&fs, slow_info), ND_ROLE_CONTEXT);
	assert_int_equal(role(&fs, gap), ND_ROLE_CONTEXT);
	assert_int_equal(role(&fs, incomplete_error), ND_ROLE_CONTEXT);
	assert_int_equal(role(&fs, explained_info), ND_ROLE_SYMPTOM);
	nd_findings_free(&fs);
}

/* A link to a finding that is not in the list (a rule did not add it) is
 * dropped: the finding is judged as unexplained. */
static void test_link_to_missing_cause_dropped(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t slow = add(&fs, ND_F_SMB_SLOW_WRITES, "share", ND_SEV_WARNING, NULL);
	by_seq(&fs, slow)->explained_by[0] = 999;
	by_seq(&fs, slow)->n_explained_by = 1;
	nd_findings_finish(&fs, NULL);
	assert_int_equal(by_seq(&fs, slow)->n_explained_by, 0);
	assert_int_equal(role(&fs, slow), ND_ROLE_CAUSE);
	nd_findings_free(&fs);
}

/* nd_finding_explain records a cause once and never the finding itself. */
static void test_explain_once(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t c = add(&fs, ND_F_TCP_NETWORK_LOSS, "flow", ND_SEV_WARNING, NULL);
	uint32_t s = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow", ND_SEV_WARNING, NULL);
	explain(&fs, s, c);
	explain(&fs, s, c);
	explain(&fs, c, c);
	assert_int_equal(by_seq(&fs, s)->n_explained_by, 1);
	assert_int_equal(by_seq(&fs, c)->n_explained_by, 0);
	nd_findings_free(&fs);
}

/* ---- order --------------------------------------------------------------- */

/* A symptom comes right after its cause, context last, whatever order the
 * rules added them in. Root causes stay together at the top (docs/json.md,
 * findings[]): with a second cause, the symptom follows the causes. */
static void test_symptom_right_after_its_cause(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t ctx = add(&fs, ND_F_CAPTURE_TRUNCATED, "capture", ND_SEV_INFO, NULL);
	uint32_t sym = add(&fs, ND_F_SMB_SLOW_WRITES, "share", ND_SEV_WARNING, NULL);
	uint32_t cause = add(&fs, ND_F_TCP_NETWORK_LOSS, "flow", ND_SEV_WARNING, NULL);
	explain(&fs, sym, cause);
	nd_findings_finish(&fs, NULL);
	assert_int_equal(index_of(&fs, cause), 0);
	assert_int_equal(index_of(&fs, sym), 1);
	assert_int_equal(index_of(&fs, ctx), 2);
	nd_findings_free(&fs);

	memset(&fs, 0, sizeof(fs));
	ctx = add(&fs, ND_F_CAPTURE_TRUNCATED, "capture", ND_SEV_INFO, NULL);
	sym = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow", ND_SEV_WARNING, NULL);
	uint32_t other = add(&fs, ND_F_SMB_HANDLE_LEAK, "client", ND_SEV_WARNING, NULL);
	cause = add(&fs, ND_F_TCP_LSO_DROP, "flow", ND_SEV_ERROR, NULL);
	explain(&fs, sym, cause);
	nd_findings_finish(&fs, NULL);
	/* the error cause, the warning cause, the symptom, the context */
	assert_int_equal(index_of(&fs, cause), 0);
	assert_int_equal(index_of(&fs, other), 1);
	assert_int_equal(index_of(&fs, sym), 2);
	assert_int_equal(index_of(&fs, ctx), 3);
	nd_findings_free(&fs);
}

/* Root causes first, then each symptom in the order of its cause
 * (docs/json.md, findings[]): the symptoms of the first cause before those
 * of the second, although they were added the other way round. */
static void test_symptoms_follow_their_causes_order(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	/* Subjects sort against the causes' order, so that only the causes'
	 * positions can put s1 first. */
	uint32_t s2 = add(&fs, ND_F_TCP_DUP_ACK_STORM, "a", ND_SEV_WARNING, NULL);
	uint32_t c2 = add(&fs, ND_F_TCP_NETWORK_LOSS, "a", ND_SEV_WARNING, NULL);
	uint32_t s1 = add(&fs, ND_F_TCP_DUP_ACK_STORM, "z", ND_SEV_WARNING, NULL);
	uint32_t c1 = add(&fs, ND_F_TCP_LSO_DROP, "z", ND_SEV_ERROR, NULL);
	explain(&fs, s2, c2);
	explain(&fs, s1, c1);
	nd_findings_finish(&fs, NULL);
	assert_int_equal(index_of(&fs, c1), 0);
	assert_int_equal(index_of(&fs, c2), 1);
	assert_int_equal(index_of(&fs, s1), 2);
	assert_int_equal(index_of(&fs, s2), 3);
	nd_findings_free(&fs);
}

static void test_score(void **state)
{
	(void)state;
	struct nd_finding f;
	memset(&f, 0, sizeof(f));
	f.impact.waited_s = 1.5;
	f.impact.failed_ops = 2;
	f.impact.resent_bytes = 20000000;
	/* 1.5 s + 10 s per failed operation + 1 s per 10 MB resent */
	assert_true(nd_finding_score(&f) > 23.5 - 1e-9 && nd_finding_score(&f) < 23.5 + 1e-9);
}

/* Causes by severity first, then by score; a cause's score includes its
 * symptoms': a cause that costs little itself but explains a costly symptom
 * outranks a cause that costs more itself. */
static void test_causes_by_severity_then_score(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t w_small = add(&fs, ND_F_SMB_HANDLE_LEAK, "a", ND_SEV_WARNING, NULL);
	by_seq(&fs, w_small)->impact.waited_s = 1.0;
	uint32_t w_big = add(&fs, ND_F_SMB_OPERATION_ERRORS, "b", ND_SEV_WARNING, NULL);
	by_seq(&fs, w_big)->impact.failed_ops = 3; /* 30 */
	uint32_t w_carrier = add(&fs, ND_F_TCP_NETWORK_LOSS, "c", ND_SEV_WARNING, NULL);
	by_seq(&fs, w_carrier)->impact.waited_s = 0.5;
	uint32_t sym = add(&fs, ND_F_SMB_SLOW_WRITES, "c", ND_SEV_WARNING, NULL);
	by_seq(&fs, sym)->impact.waited_s = 40.0; /* 0.5 + 40 > 30 */
	uint32_t e_cheap = add(&fs, ND_F_SMB_BAD_SHARE, "d", ND_SEV_ERROR, NULL);
	explain(&fs, sym, w_carrier);
	nd_findings_finish(&fs, "all good");
	/* error first, however cheap */
	assert_int_equal(index_of(&fs, e_cheap), 0);
	assert_int_equal(index_of(&fs, w_carrier), 1);
	assert_int_equal(index_of(&fs, w_big), 2);
	assert_int_equal(index_of(&fs, w_small), 3);
	assert_int_equal(index_of(&fs, sym), 4);
	/* verdict.causes: indices of the causes in that order */
	assert_int_equal(fs.verdict.n_causes, 4);
	assert_int_equal(fs.verdict.causes[0], index_of(&fs, e_cheap));
	assert_int_equal(fs.verdict.causes[1], index_of(&fs, w_carrier));
	assert_int_equal(fs.verdict.causes[2], index_of(&fs, w_big));
	assert_int_equal(fs.verdict.causes[3], index_of(&fs, w_small));
	nd_findings_free(&fs);

	/* Without the symptom the carrier is the cheapest warning. */
	memset(&fs, 0, sizeof(fs));
	w_big = add(&fs, ND_F_SMB_OPERATION_ERRORS, "b", ND_SEV_WARNING, NULL);
	by_seq(&fs, w_big)->impact.failed_ops = 3;
	w_carrier = add(&fs, ND_F_TCP_NETWORK_LOSS, "c", ND_SEV_WARNING, NULL);
	by_seq(&fs, w_carrier)->impact.waited_s = 0.5;
	nd_findings_finish(&fs, NULL);
	assert_int_equal(index_of(&fs, w_big), 0);
	assert_int_equal(index_of(&fs, w_carrier), 1);
	nd_findings_free(&fs);
}

/* ---- verdict ------------------------------------------------------------- */

static void test_verdict_healthy(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	nd_findings_finish(&fs, "Healthy: 1 TCP connection");
	assert_int_equal(fs.verdict.status, ND_VERDICT_HEALTHY);
	assert_string_equal(fs.verdict.headline, "Healthy: 1 TCP connection");
	nd_findings_free(&fs);

	/* Context only (info, not incomplete) is still healthy; without a
	 * sentence of its own the headline says so plainly. */
	memset(&fs, 0, sizeof(fs));
	add(&fs, ND_F_TCP_OVERSIZED, "flow", ND_SEV_INFO, NULL);
	add(&fs, ND_F_TCP_ZERO_WINDOW, "flow", ND_SEV_INFO, NULL);
	nd_findings_finish(&fs, NULL);
	assert_int_equal(fs.verdict.status, ND_VERDICT_HEALTHY);
	assert_int_equal(fs.verdict.n_causes, 0);
	assert_int_equal(fs.verdict.n_gaps, 0);
	assert_string_equal(fs.verdict.headline, "Healthy: no problem found");
	nd_findings_free(&fs);
}

static void test_verdict_problems_headline(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	add(&fs, ND_F_SMB_HANDLE_LEAK, "c", ND_SEV_WARNING, "handles leak");
	add(&fs, ND_F_SMB_BAD_SHARE, "s", ND_SEV_ERROR, "no such share");
	add(&fs, ND_F_SMB_ENCRYPTED, "capture", ND_SEV_INFO, "encrypted");
	nd_findings_finish(&fs, "Healthy");
	assert_int_equal(fs.verdict.status, ND_VERDICT_PROBLEMS);
	/* the first causes by name, most important first */
	assert_string_equal(fs.verdict.headline, "2 root causes: no such share; handles leak");
	/* a gap beside problems: still problems, the gap is listed */
	assert_int_equal(fs.verdict.n_gaps, 1);
	assert_string_equal(fs.items[fs.verdict.gaps[0]].id, "smb.encrypted");
	nd_findings_free(&fs);

	memset(&fs, 0, sizeof(fs));
	add(&fs, ND_F_SMB_BAD_SHARE, "s", ND_SEV_ERROR, "no such share");
	nd_findings_finish(&fs, NULL);
	assert_string_equal(fs.verdict.headline, "1 root cause: no such share");
	nd_findings_free(&fs);

	/* More than two: the first two by name, the rest counted. */
	memset(&fs, 0, sizeof(fs));
	uint32_t first = add(&fs, ND_F_SMB_BAD_SHARE, "s1", ND_SEV_ERROR, "first");
	uint32_t third = add(&fs, ND_F_SMB_HANDLE_LEAK, "c", ND_SEV_WARNING, "third");
	add(&fs, ND_F_SMB_LOGON_FAILURE, "u", ND_SEV_ERROR, "second");
	add(&fs, ND_F_SMB_SMB1, "capture", ND_SEV_WARNING, "fourth");
	by_seq(&fs, first)->impact.failed_ops = 2; /* the bad share before the logon */
	by_seq(&fs, third)->impact.waited_s = 1.0; /* the leak before SMB1 */
	nd_findings_finish(&fs, NULL);
	assert_int_equal(fs.verdict.n_causes, 4);
	assert_string_equal(fs.verdict.headline, "4 root causes: first; second; and 2 more");
	nd_findings_free(&fs);
}

/* No root cause but something could not be checked: incomplete, and the
 * headline names the gaps. */
static void test_verdict_incomplete_headline(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	add(&fs, ND_F_TCP_OVERSIZED, "flow", ND_SEV_INFO, "harmless");
	add(&fs, ND_F_SMB_ENCRYPTED, "capture", ND_SEV_INFO, "SMB is encrypted");
	add(&fs, ND_F_JOURNAL_UNREADABLE, "journal", ND_SEV_WARNING, "journal unreadable");
	nd_findings_finish(&fs, "Healthy");
	assert_int_equal(fs.verdict.status, ND_VERDICT_INCOMPLETE);
	assert_int_equal(fs.verdict.n_causes, 0);
	assert_int_equal(fs.verdict.n_gaps, 2);
	assert_non_null(strstr(fs.verdict.headline, "not everything could"));
	/* the warning gap first (context is ordered by severity too) */
	assert_non_null(strstr(fs.verdict.headline, ": journal unreadable; SMB is encrypted"));
	assert_null(strstr(fs.verdict.headline, "harmless"));
	nd_findings_free(&fs);
}

/* What could not be checked does not count for the exit status. */
static void test_max_severity_ignores_incomplete(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	bool any = true;
	assert_int_equal(nd_findings_max_severity(&fs, &any), ND_SEV_INFO);
	assert_false(any);

	add(&fs, ND_F_CAPTURE_INPUT_ERROR, "file", ND_SEV_ERROR, NULL);
	add(&fs, ND_F_TCP_FLOW_TABLE_FULL, "capture", ND_SEV_WARNING, NULL);
	assert_int_equal(nd_findings_max_severity(&fs, &any), ND_SEV_INFO);
	assert_false(any);

	add(&fs, ND_F_TCP_OVERSIZED, "flow", ND_SEV_INFO, NULL);
	assert_int_equal(nd_findings_max_severity(&fs, &any), ND_SEV_INFO);
	assert_true(any);

	uint32_t w = add(&fs, ND_F_TCP_NETWORK_LOSS, "flow", ND_SEV_WARNING, NULL);
	assert_int_equal(nd_findings_max_severity(&fs, &any), ND_SEV_WARNING);
	/* the same finding marked incomplete no longer counts */
	by_seq(&fs, w)->incomplete = true;
	assert_int_equal(nd_findings_max_severity(&fs, &any), ND_SEV_INFO);
	nd_findings_free(&fs);
}

/* ---- joins (link.c) ------------------------------------------------------ */

/* tcp.lso_drop_suspected explains the storm of its own connection, not one
 * on another connection (another client port). */
static void test_link_lso_storm_same_flow(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t lso = add(&fs, ND_F_TCP_LSO_DROP, "flow", ND_SEV_ERROR, NULL);
	flow_scope(by_seq(&fs, lso), SERVER, 1000);
	uint32_t same = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, same), SERVER, 1000);
	uint32_t other_port = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow2", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, other_port), SERVER, 1001);
	uint32_t other_srv = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow3", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, other_srv), OTHER_SERVER, 1000);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, same, lso));
	assert_int_equal(role(&fs, same), ND_ROLE_SYMPTOM);
	assert_false(explained_by(&fs, other_port, lso));
	assert_int_equal(role(&fs, other_port), ND_ROLE_CAUSE);
	assert_false(explained_by(&fs, other_srv, lso));
	nd_findings_free(&fs);
}

/* tcp.lso_drop_suspected explains slow SMB operations between the same hosts
 * whose time went to the network, not those whose time went to the server
 * and not those of another server. */
static void test_link_lso_slow_writes(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t lso = add(&fs, ND_F_TCP_LSO_DROP, "flow", ND_SEV_ERROR, NULL);
	flow_scope(by_seq(&fs, lso), SERVER, 1000);
	uint32_t net = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, net), SERVER, "\\\\srv\\a", true);
	uint32_t srv = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\srv\\b", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, srv), SERVER, "\\\\srv\\b", false);
	uint32_t elsewhere = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\other\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, elsewhere), OTHER_SERVER, "\\\\other\\a", true);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, net, lso));
	assert_int_equal(role(&fs, net), ND_ROLE_SYMPTOM);
	assert_false(explained_by(&fs, srv, lso));
	assert_int_equal(role(&fs, srv), ND_ROLE_CAUSE); /* the server is the cause */
	assert_false(explained_by(&fs, elsewhere, lso));
	nd_findings_free(&fs);
}

/* tcp.network_loss joins like the LSO drop: storms of its connection, slow
 * operations on the network between its hosts. */
static void test_link_network_loss(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t loss = add(&fs, ND_F_TCP_NETWORK_LOSS, "flow", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, loss), SERVER, 1000);
	uint32_t storm = add(&fs, ND_F_TCP_DUP_ACK_STORM, "flow", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, storm), SERVER, 1000);
	uint32_t reads = add(&fs, ND_F_SMB_SLOW_READS, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, reads), SERVER, "\\\\srv\\a", true);
	uint32_t meta = add(&fs, ND_F_SMB_SLOW_METADATA, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, meta), SERVER, "\\\\srv\\a", false);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, storm, loss));
	assert_true(explained_by(&fs, reads, loss));
	assert_false(explained_by(&fs, meta, loss));
	nd_findings_free(&fs);
}

/* apparmor.smb_access_denied explains smb.access_denied of its share only. */
static void test_link_apparmor_same_share(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t aa =
	        add(&fs, ND_F_APPARMOR_SMB_ACCESS_DENIED, "\\\\srv\\data", ND_SEV_ERROR, NULL);
	share_scope(by_seq(&fs, aa), SERVER, "\\\\srv\\data", false);
	uint32_t same = add(&fs, ND_F_SMB_ACCESS_DENIED, "\\\\srv\\data", ND_SEV_ERROR, NULL);
	share_scope(by_seq(&fs, same), SERVER, "\\\\srv\\data", false);
	uint32_t other = add(&fs, ND_F_SMB_ACCESS_DENIED, "\\\\srv\\home", ND_SEV_ERROR, NULL);
	share_scope(by_seq(&fs, other), SERVER, "\\\\srv\\home", false);
	/* another kind on the same share is not joined */
	uint32_t errors =
	        add(&fs, ND_F_SMB_OPERATION_ERRORS, "\\\\srv\\data", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, errors), SERVER, "\\\\srv\\data", false);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, same, aa));
	assert_int_equal(role(&fs, same), ND_ROLE_SYMPTOM);
	assert_false(explained_by(&fs, other, aa));
	assert_int_equal(role(&fs, other), ND_ROLE_CAUSE);
	assert_false(explained_by(&fs, errors, aa));
	nd_findings_free(&fs);
}

/* An AppArmor finding without a share explains nothing (an empty share
 * matches no share). */
static void test_link_apparmor_needs_share(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t aa = add(&fs, ND_F_APPARMOR_SMB_ACCESS_DENIED, "?", ND_SEV_ERROR, NULL);
	uint32_t denied = add(&fs, ND_F_SMB_ACCESS_DENIED, "?", ND_SEV_ERROR, NULL);
	link_and_finish(&fs);
	assert_false(explained_by(&fs, denied, aa));
	nd_findings_free(&fs);
}

/* capture.loss explains requests left without a response: the answers may
 * be in the gaps. */
static void test_link_capture_loss_pending(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t loss = add(&fs, ND_F_CAPTURE_LOSS, "capture", ND_SEV_INFO, NULL);
	uint32_t pending = add(&fs, ND_F_SMB_PENDING_AT_END, "capture", ND_SEV_INFO, NULL);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, pending, loss));
	assert_int_equal(role(&fs, pending), ND_ROLE_SYMPTOM);
	assert_int_equal(role(&fs, loss), ND_ROLE_CONTEXT);
	nd_findings_free(&fs);
}

/* A server whose window closed (warning) explains slow WRITEs between the
 * same hosts; not at info, not READs, not another server's WRITEs; a
 * client's closed window explains slow READs. */
static void test_link_zero_window(void **state)
{
	(void)state;
	struct nd_findings fs = {0};
	uint32_t zw = add(&fs, ND_F_TCP_ZERO_WINDOW, "flow", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, zw), SERVER, 1000);
	nd_finding_evidence_str(by_seq(&fs, zw), "receiver", "server");
	/* the server's slowness is not network time: no scope.network needed */
	uint32_t writes = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, writes), SERVER, "\\\\srv\\a", false);
	uint32_t reads = add(&fs, ND_F_SMB_SLOW_READS, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, reads), SERVER, "\\\\srv\\a", false);
	uint32_t elsewhere = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\other\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, elsewhere), OTHER_SERVER, "\\\\other\\a", false);
	link_and_finish(&fs);
	assert_true(explained_by(&fs, writes, zw));
	assert_int_equal(role(&fs, writes), ND_ROLE_SYMPTOM);
	assert_false(explained_by(&fs, reads, zw));
	assert_false(explained_by(&fs, elsewhere, zw));
	nd_findings_free(&fs);

	/* The same stall at info explains nothing. */
	memset(&fs, 0, sizeof(fs));
	zw = add(&fs, ND_F_TCP_ZERO_WINDOW, "flow", ND_SEV_INFO, NULL);
	flow_scope(by_seq(&fs, zw), SERVER, 1000);
	nd_finding_evidence_str(by_seq(&fs, zw), "receiver", "server");
	writes = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, writes), SERVER, "\\\\srv\\a", false);
	link_and_finish(&fs);
	assert_false(explained_by(&fs, writes, zw));
	assert_int_equal(role(&fs, writes), ND_ROLE_CAUSE);
	nd_findings_free(&fs);

	/* The client's window: its slow READs, not the WRITEs. */
	memset(&fs, 0, sizeof(fs));
	zw = add(&fs, ND_F_TCP_ZERO_WINDOW, "flow", ND_SEV_WARNING, NULL);
	flow_scope(by_seq(&fs, zw), SERVER, 1000);
	nd_finding_evidence_str(by_seq(&fs, zw), "receiver", "client");
	writes = add(&fs, ND_F_SMB_SLOW_WRITES, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, writes), SERVER, "\\\\srv\\a", false);
	reads = add(&fs, ND_F_SMB_SLOW_READS, "\\\\srv\\a", ND_SEV_WARNING, NULL);
	share_scope(by_seq(&fs, reads), SERVER, "\\\\srv\\a", false);
	link_and_finish(&fs);
	assert_false(explained_by(&fs, writes, zw));
	assert_true(explained_by(&fs, reads, zw));
	nd_findings_free(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_keys_unique),
	        cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_link_to_missing_cause_dropped),
	        cmocka_unit_test(test_explain_once),
	        cmocka_unit_test(test_symptom_right_after_its_cause),
	        cmocka_unit_test(test_symptoms_follow_their_causes_order),
	        cmocka_unit_test(test_score),
	        cmocka_unit_test(test_causes_by_severity_then_score),
	        cmocka_unit_test(test_verdict_healthy),
	        cmocka_unit_test(test_verdict_problems_headline),
	        cmocka_unit_test(test_verdict_incomplete_headline),
	        cmocka_unit_test(test_max_severity_ignores_incomplete),
	        cmocka_unit_test(test_link_lso_storm_same_flow),
	        cmocka_unit_test(test_link_lso_slow_writes),
	        cmocka_unit_test(test_link_network_loss),
	        cmocka_unit_test(test_link_apparmor_same_share),
	        cmocka_unit_test(test_link_apparmor_needs_share),
	        cmocka_unit_test(test_link_capture_loss_pending),
	        cmocka_unit_test(test_link_zero_window),
	};
	return cmocka_run_group_tests_name("diag_verdict", tests, NULL, NULL);
}
