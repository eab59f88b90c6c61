/* SPDX-License-Identifier: MIT */
/* netdiag offload IFACE... | --all: offload features, MTU and GSO/TSO
 * limits of interfaces (and of a bridge's ports), and the findings about
 * them. Text or one JSON document (docs/offload.md). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "diag/diag.h"
#include "diag/rules_offload.h"
#include "offload/offload.h"
#include "report/report.h"
#include "version.h"

#define TEXT_INDENT 10
#define TEXT_WIDTH  100

struct offload_opts {
	bool json, all, no_color;
};

struct iface_error {
	char name[64];
	char msg[320];
};

struct run {
	struct nd_offload *reader;
	struct nd_offload_iface *ifs;
	size_t n, cap;
	struct iface_error *errs;
	size_t n_errs, cap_errs;
	bool oom;
};

static void offload_usage(FILE *out)
{
	fprintf(out,
	        "Usage: netdiag offload [OPTIONS] IFACE...\n"
	        "       netdiag offload [OPTIONS] --all\n"
	        "\n"
	        "Shows each interface's MTU, GSO/GRO/TSO limits and the offload features that\n"
	        "matter (as `ethtool -k` shows them), the same for every port of a bridge, and\n"
	        "the findings: features the kernel keeps off although requested, bridge ports\n"
	        "with different MTUs, LRO on an interface that forwards.\n"
	        "\n"
	        "Options:\n"
	        "      --all          every interface of this network namespace\n"
	        "      --json         one JSON document on stdout, with every feature the\n"
	        "                     kernel reports (schema: docs/offload.md)\n"
	        "      --no-color     no colour in the text report\n"
	        "  -h, --help         show this help\n"
	        "\n"
	        "Environment: NETDIAG_ETHTOOL_IOCTL=1 reads features with the SIOCETHTOOL ioctl\n"
	        "instead of ethtool netlink (used automatically on kernels before 5.7).\n"
	        "\n"
	        "Exit status: 0 nothing at warning or above; 1 findings at warning or above;\n"
	        "2 usage error, or an interface could not be read (unknown interface, no\n"
	        "permission, netlink error: one line on stderr each; the others are still\n"
	        "reported).\n");
}

/* 0: run; 1: help shown; -1: usage error. */
static int parse_args(int argc, char **argv, struct offload_opts *o, int *first)
{
	enum { OPT_JSON = 1000, OPT_ALL, OPT_NO_COLOR };
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, OPT_JSON},
	        {"all", no_argument, NULL, OPT_ALL},
	        {"no-color", no_argument, NULL, OPT_NO_COLOR},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case 'h':
			offload_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "netdiag offload: try 'netdiag offload --help'\n");
			return -1;
		}
	}
	if (o->all && optind < argc) {
		fprintf(stderr, "netdiag offload: give interface names or --all, not both\n");
		return -1;
	}
	if (!o->all && optind >= argc) {
		fprintf(stderr, "netdiag offload: no interface given (try --help)\n");
		return -1;
	}
	*first = optind;
	return 0;
}

static bool have(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->ifs[i].name, name))
			return true;
	for (size_t i = 0; i < r->n_errs; i++)
		if (!strcmp(r->errs[i].name, name))
			return true;
	return false;
}

static void add_error(struct run *r, const char *name, const char *msg)
{
	fprintf(stderr, "netdiag: %s: %s\n", name, msg);
	if (r->n_errs == r->cap_errs) {
		size_t nc = r->cap_errs ? r->cap_errs * 2 : 4;
		struct iface_error *ne = realloc(r->errs, nc * sizeof(*ne));
		if (!ne) {
			r->oom = true;
			return;
		}
		r->errs = ne;
		r->cap_errs = nc;
	}
	struct iface_error *e = &r->errs[r->n_errs++];
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* Reads one interface; on success appends it and returns it. */
static const struct nd_offload_iface *query_one(struct run *r, const char *name)
{
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 8;
		struct nd_offload_iface *ni = realloc(r->ifs, nc * sizeof(*ni));
		if (!ni) {
			add_error(r, name, "out of memory");
			r->oom = true;
			return NULL;
		}
		r->ifs = ni;
		r->cap = nc;
	}
	struct nd_offload_iface *ifc = &r->ifs[r->n];
	char err[256] = "";
	int rc = nd_offload_query(r->reader, name, ifc, err, sizeof(err));
	if (rc < 0) {
		nd_offload_iface_free(ifc);
		add_error(r, name, err[0] ? err : strerror(-rc));
		return NULL;
	}
	r->n++;
	return ifc;
}

/* A bridge's ports follow it (unless listed already). */
static void query_with_ports(struct run *r, const char *name, bool ports)
{
	if (have(r, name))
		return;
	const struct nd_offload_iface *ifc = query_one(r, name);
	if (!ifc || !ports || !nd_offload_is_bridge(ifc))
		return;
	size_t idx = (size_t)(ifc - r->ifs), np = ifc->n_ports;
	for (size_t p = 0; p < np; p++) {
		char pn[ND_OFFLOAD_IFNAMSIZ];
		memcpy(pn, r->ifs[idx].ports[p].name, sizeof(pn)); /* r->ifs may move */
		if (!have(r, pn))
			query_one(r, pn);
	}
}

/* ---- text ---- */

static const char *sgr(bool color, const char *code)
{
	return color ? code : "";
}
#define BOLD   "\033[1m"
#define RESET  "\033[0m"
#define RED    "\033[31m"
#define YELLOW "\033[33m"
#define CYAN   "\033[36m"

static void limit(FILE *out, const char *name, int64_t v, bool *first)
{
	if (v < 0)
		return;
	fprintf(out, "%s%s %" PRId64, *first ? "" : ", ", name, v);
	*first = false;
}

static void feature_line(FILE *out, const struct nd_offload_feature *f)
{
	const char *suffix = "";
	if (f->fixed)
		suffix = " [fixed]";
	else if (f->active != f->requested)
		suffix = f->requested ? " [requested on]" : " [requested off]";
	fprintf(out, "    %s: %s%s\n", f->name, f->active ? "on" : "off", suffix);
}

static void iface_text(FILE *out, bool color, const struct nd_offload_iface *ifc)
{
	fprintf(out, "\n%s%s%s  %s, %s, mtu %u", sgr(color, BOLD), ifc->name, sgr(color, RESET),
	        ifc->kind, ifc->oper_state, ifc->mtu);
	if (ifc->master_ifindex)
		fprintf(out, ", %s port of %s", ifc->master_kind[0] ? ifc->master_kind : "master",
		        ifc->master);
	if (ifc->ip_forwarding)
		fprintf(out, ", IP forwarding on");
	fprintf(out, "\n  limits: ");
	bool first = true;
	limit(out, "gso_max_size", ifc->gso_max_size, &first);
	limit(out, "gso_max_segs", ifc->gso_max_segs, &first);
	limit(out, "gro_max_size", ifc->gro_max_size, &first);
	limit(out, "tso_max_size", ifc->tso_max_size, &first);
	limit(out, "tso_max_segs", ifc->tso_max_segs, &first);
	fprintf(out, "%s\n", first ? "not reported by this kernel" : "");
	if (ifc->n_ports) {
		fprintf(out, "  ports:");
		for (size_t p = 0; p < ifc->n_ports; p++)
			fprintf(out, "%s %s", p ? "," : "", ifc->ports[p].name);
		fprintf(out, "\n");
	}
	fprintf(out, "  features (%s, %zu in all; --json lists every one):\n",
	        nd_offload_source_name(ifc->source), ifc->n_features);
	size_t nh;
	const char *const *hl = nd_offload_highlighted(&nh);
	for (size_t i = 0; i < nh; i++) {
		const struct nd_offload_feature *f = nd_offload_find(ifc, hl[i]);
		if (f)
			feature_line(out, f);
		else
			fprintf(out, "    %s: not reported by this kernel\n", hl[i]);
	}
}

static void wrapped(FILE *out, const char *label, const char *text)
{
	int start = TEXT_INDENT + (int)strlen(label), col = start;
	fprintf(out, "%*s%s", TEXT_INDENT, "", label);
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		int w = (int)strcspn(p, " ");
		if (!w)
			break;
		if (col + w > TEXT_WIDTH && col > start) {
			fprintf(out, "\n%*s", start, "");
			col = start;
		} else if (col > start) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", w, p);
		col += w;
		p += w;
	}
	fputc('\n', out);
}

static void findings_text(FILE *out, bool color, const struct nd_findings *fs)
{
	fprintf(out, "\n%sFindings (%zu)%s\n", sgr(color, BOLD), fs->count, sgr(color, RESET));
	if (!fs->count)
		fprintf(out, "  nothing to report: no offload or MTU problem found\n");
	for (size_t i = 0; i < fs->count; i++) {
		const struct nd_finding *f = &fs->items[i];
		const char *c = f->severity == ND_SEV_ERROR     ? RED
		                : f->severity == ND_SEV_WARNING ? YELLOW
		                                                : CYAN;
		fprintf(out, "  %s%-7s%s %s%s%s  [%s %s]\n", sgr(color, c),
		        nd_severity_name(f->severity), sgr(color, RESET), sgr(color, BOLD), f->id,
		        sgr(color, RESET), f->subject_kind, f->subject);
		wrapped(out, "", f->summary);
		if (f->n_evidence) {
			fprintf(out, "          evidence:");
			for (size_t e = 0; e < f->n_evidence; e++) {
				const struct nd_evidence *ev = &f->evidence[e];
				if (ev->is_real)
					fprintf(out, " %s=%.6g", ev->name, ev->value_real);
				else
					fprintf(out, " %s=%" PRIu64, ev->name, ev->value);
			}
			fputc('\n', out);
		}
		if (f->advice[0])
			wrapped(out, "fix: ", f->advice);
	}
}

static int report_text(FILE *out, bool color, const struct run *r, const struct nd_findings *fs)
{
	fprintf(out, "%snetdiag offload%s\n", sgr(color, BOLD), sgr(color, RESET));
	for (size_t i = 0; i < r->n; i++)
		iface_text(out, color, &r->ifs[i]);
	for (size_t i = 0; i < r->n_errs; i++)
		fprintf(out, "\n%s  not read: %s\n", r->errs[i].name, r->errs[i].msg);
	findings_text(out, color, fs);
	return ferror(out) || fflush(out) ? -1 : 0;
}

/* ---- JSON (docs/offload.md; field names are a public interface) ---- */

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *j_limit(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

static json_object *iface_json(const struct nd_offload_iface *ifc)
{
	json_object *o = json_object_new_object();
	add(o, "name", json_object_new_string(ifc->name));
	add(o, "ifindex", json_object_new_int(ifc->ifindex));
	add(o, "kind", json_object_new_string(ifc->kind));
	add(o, "oper_state", json_object_new_string(ifc->oper_state));
	add(o, "admin_up", json_object_new_boolean(ifc->admin_up));
	add(o, "mtu", json_object_new_int64(ifc->mtu));
	add(o, "min_mtu", j_limit(ifc->min_mtu));
	add(o, "max_mtu", j_limit(ifc->max_mtu));
	add(o, "gso_max_size", j_limit(ifc->gso_max_size));
	add(o, "gso_max_segs", j_limit(ifc->gso_max_segs));
	add(o, "gro_max_size", j_limit(ifc->gro_max_size));
	add(o, "tso_max_size", j_limit(ifc->tso_max_size));
	add(o, "tso_max_segs", j_limit(ifc->tso_max_segs));
	add(o, "master", ifc->master_ifindex ? json_object_new_string(ifc->master) : NULL);
	add(o, "master_kind",
	    ifc->master_ifindex && ifc->master_kind[0] ? json_object_new_string(ifc->master_kind)
	                                               : NULL);
	json_object *ports = json_object_new_array();
	for (size_t p = 0; p < ifc->n_ports; p++)
		json_object_array_add(ports, json_object_new_string(ifc->ports[p].name));
	add(o, "ports", ports);
	add(o, "ip_forwarding", json_object_new_boolean(ifc->ip_forwarding));
	add(o, "feature_source", json_object_new_string(nd_offload_source_name(ifc->source)));
	json_object *feats = json_object_new_object();
	for (size_t i = 0; i < ifc->n_features; i++) {
		const struct nd_offload_feature *f = &ifc->features[i];
		json_object *fo = json_object_new_object();
		add(fo, "active", json_object_new_boolean(f->active));
		add(fo, "requested", json_object_new_boolean(f->requested));
		add(fo, "fixed", json_object_new_boolean(f->fixed));
		add(feats, f->name, fo);
	}
	add(o, "features", feats);
	return o;
}

static json_object *j_time(nd_ns t)
{
	char buf[64];
	return t ? json_object_new_string(nd_report_time(t, buf, sizeof(buf))) : NULL;
}

/* The same shape as analyze's findings (src/report/report_json.c). */
static json_object *finding_json(const struct nd_finding *f)
{
	json_object *o = json_object_new_object();
	add(o, "id", json_object_new_string(f->id));
	add(o, "severity", json_object_new_string(nd_severity_name(f->severity)));
	json_object *subj = json_object_new_object();
	add(subj, "kind", json_object_new_string(f->subject_kind));
	add(subj, "name", json_object_new_string(f->subject));
	add(o, "subject", subj);
	add(o, "start", j_time(f->first_ts));
	add(o, "end", j_time(f->last_ts));
	add(o, "summary", json_object_new_string(f->summary));
	json_object *ev = json_object_new_object();
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct nd_evidence *e = &f->evidence[i];
		char buf[64];
		snprintf(buf, sizeof(buf), "%.6f", e->value_real);
		add(ev, e->name,
		    e->is_real ? json_object_new_double_s(e->value_real, buf)
		               : json_object_new_uint64(e->value));
	}
	add(o, "evidence", ev);
	add(o, "advice", json_object_new_string(f->advice));
	return o;
}

static int report_json(FILE *out, const struct run *r, const struct nd_findings *fs)
{
	json_object *root = json_object_new_object();
	json_object *meta = json_object_new_object();
	add(meta, "version", json_object_new_string(ND_VERSION));
	add(meta, "command", json_object_new_string("offload"));
	add(meta, "schema", json_object_new_int(1));
	add(root, "netdiag", meta);
	json_object *off = json_object_new_object();
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < r->n; i++)
		json_object_array_add(arr, iface_json(&r->ifs[i]));
	add(off, "interfaces", arr);
	json_object *errs = json_object_new_array();
	for (size_t i = 0; i < r->n_errs; i++) {
		json_object *e = json_object_new_object();
		add(e, "name", json_object_new_string(r->errs[i].name));
		add(e, "error", json_object_new_string(r->errs[i].msg));
		json_object_array_add(errs, e);
	}
	add(off, "errors", errs);
	add(root, "offload", off);
	json_object *farr = json_object_new_array();
	for (size_t i = 0; i < fs->count; i++)
		json_object_array_add(farr, finding_json(&fs->items[i]));
	add(root, "findings", farr);
	const char *s = json_object_to_json_string_ext(
	        root,
	        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = fputs(s, out) < 0 || fputc('\n', out) == EOF || fflush(out) ? -1 : 0;
	json_object_put(root);
	return rc;
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		nd_offload_iface_free(&r->ifs[i]);
	free(r->ifs);
	free(r->errs);
	nd_offload_close(r->reader);
}

int nd_cmd_offload(int argc, char **argv)
{
	struct offload_opts o = {0};
	int first = 0;
	int pr = parse_args(argc, argv, &o, &first);
	if (pr)
		return pr > 0 ? ND_EXIT_OK : ND_EXIT_USAGE;
	struct run r = {0};
	char err[256] = "";
	if (nd_offload_open(&r.reader, err, sizeof(err)) < 0) {
		fprintf(stderr, "netdiag: %s\n", err[0] ? err : "cannot open netlink");
		return ND_EXIT_USAGE;
	}
	if (o.all) {
		char(*names)[ND_OFFLOAD_IFNAMSIZ] = NULL;
		size_t n = 0;
		if (nd_offload_list(r.reader, &names, &n, err, sizeof(err)) < 0) {
			fprintf(stderr, "netdiag: %s\n", err);
			run_free(&r);
			return ND_EXIT_USAGE;
		}
		for (size_t i = 0; i < n; i++)
			query_with_ports(&r, names[i], false);
		free(names);
	} else {
		for (int i = first; i < argc; i++)
			query_with_ports(&r, argv[i], true);
	}
	struct nd_findings fs = {0};
	nd_rules_offload(r.ifs, r.n, &fs);
	nd_findings_sort(&fs);
	bool color = !o.no_color && !o.json && isatty(STDOUT_FILENO);
	int wr = o.json ? report_json(stdout, &r, &fs) : report_text(stdout, color, &r, &fs);
	bool any;
	enum nd_severity max = nd_findings_max_severity(&fs, &any);
	int status = r.n_errs || r.oom              ? ND_EXIT_USAGE
	             : any && max >= ND_SEV_WARNING ? ND_EXIT_FINDINGS
	                                            : ND_EXIT_OK;
	nd_findings_free(&fs);
	run_free(&r);
	if (wr) {
		fprintf(stderr, "netdiag: cannot write the report: %s\n", strerror(errno));
		return ND_EXIT_USAGE;
	}
	return status;
}
