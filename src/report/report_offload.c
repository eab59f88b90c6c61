/* SPDX-License-Identifier: MIT */
/* The offload section: each interface's MTU, limits and offload features as
 * `ethtool -k` shows them (text), or every feature the kernel reports
 * (JSON, docs/offload.md). */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

#include "report/report_internal.h"

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

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
	fprintf(out, "\n%s%s%s  %s, %s, mtu %u", color ? "\033[1m" : "", ifc->name,
	        color ? "\033[0m" : "", ifc->kind, ifc->oper_state, ifc->mtu);
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

void nd_report_offload_text(FILE *out, bool color, const struct nd_offload_set *set)
{
	fprintf(out, "\n%sOffload%s\n", color ? "\033[1m" : "", color ? "\033[0m" : "");
	for (size_t i = 0; i < set->n; i++)
		iface_text(out, color, &set->ifs[i]);
	for (size_t i = 0; i < set->n_errs; i++)
		fprintf(out, "\n%s  not read: %s\n", set->errs[i].name, set->errs[i].msg);
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

json_object *nd_report_offload_json(const struct nd_offload_set *set)
{
	json_object *off = json_object_new_object();
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < set->n; i++)
		json_object_array_add(arr, iface_json(&set->ifs[i]));
	add(off, "interfaces", arr);
	json_object *errs = json_object_new_array();
	for (size_t i = 0; i < set->n_errs; i++) {
		json_object *e = json_object_new_object();
		add(e, "name", json_object_new_string(set->errs[i].name));
		add(e, "error", json_object_new_string(set->errs[i].msg));
		json_object_array_add(errs, e);
	}
	add(off, "errors", errs);
	return off;
}
