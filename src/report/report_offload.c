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

/* Appends ", name value" for a limit the kernel reports (v >= 0). */
static size_t limit(char *buf, size_t len, size_t at, const char *name, int64_t v)
{
	if (v < 0 || at >= len)
		return at;
	int n = snprintf(buf + at, len - at, "%s%s %" PRId64, at ? ", " : "", name, v);
	return n < 0 ? at : at + (size_t)n;
}

static void limits_line(struct nd_text_out *o, const struct nd_offload_iface *ifc)
{
	char buf[256] = "";
	size_t n = limit(buf, sizeof(buf), 0, "gso_max_size", ifc->gso_max_size);
	n = limit(buf, sizeof(buf), n, "gso_max_segs", ifc->gso_max_segs);
	n = limit(buf, sizeof(buf), n, "gro_max_size", ifc->gro_max_size);
	n = limit(buf, sizeof(buf), n, "tso_max_size", ifc->tso_max_size);
	n = limit(buf, sizeof(buf), n, "tso_max_segs", ifc->tso_max_segs);
	nd_text_wrap(o, 2, "limits: ", n ? buf : "not reported by this kernel");
}

/* "    name: on [fixed]", as `ethtool -k` prints it (tests compare the two). */
static void feature_line(struct nd_text_out *o, const struct nd_offload_feature *f)
{
	const char *suffix = "";
	if (f->fixed)
		suffix = " [fixed]";
	else if (f->active != f->requested)
		suffix = f->requested ? " [requested on]" : " [requested off]";
	nd_text_wrapf(o, 4, "", "%s: %s%s", f->name, f->active ? "on" : "off", suffix);
}

static void iface_header(struct nd_text_out *o, const struct nd_offload_iface *ifc)
{
	char name[64], extra[128] = "";
	snprintf(name, sizeof(name), "%s%s%s  ", nd_text_sgr(o, ND_SGR_BOLD), ifc->name,
	         nd_text_sgr(o, ND_SGR_RESET));
	if (ifc->master_ifindex)
		snprintf(extra, sizeof(extra), ", %s port of %s",
		         ifc->master_kind[0] ? ifc->master_kind : "master", ifc->master);
	nd_text_printf(o, "\n");
	nd_text_wrapf(o, 0, name, "%s, %s, mtu %u%s%s", ifc->kind, ifc->oper_state, ifc->mtu, extra,
	              ifc->ip_forwarding ? ", IP forwarding on" : "");
}

static void iface_text(struct nd_text_out *o, const struct nd_offload_iface *ifc)
{
	iface_header(o, ifc);
	limits_line(o, ifc);
	if (ifc->n_ports) {
		char buf[1024] = "";
		size_t n = 0;
		for (size_t p = 0; p < ifc->n_ports && n < sizeof(buf); p++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", p ? ", " : "",
			                      ifc->ports[p].name);
		nd_text_wrap(o, 2, "ports: ", buf);
	}
	nd_text_wrapf(o, 2, "", "features (%s, %zu in all; --json lists every one):",
	              nd_offload_source_name(ifc->source), ifc->n_features);
	size_t nh;
	const char *const *hl = nd_offload_highlighted(&nh);
	for (size_t i = 0; i < nh; i++) {
		const struct nd_offload_feature *f = nd_offload_find(ifc, hl[i]);
		if (f)
			feature_line(o, f);
		else
			nd_text_wrapf(o, 4, "", "%s: not reported by this kernel", hl[i]);
	}
}

void nd_report_offload_section(struct nd_text_out *o, const struct nd_offload_set *set)
{
	nd_text_section(o, "Offload");
	for (size_t i = 0; i < set->n; i++)
		iface_text(o, &set->ifs[i]);
	for (size_t i = 0; i < set->n_errs; i++) {
		nd_text_printf(o, "\n");
		nd_text_wrapf(o, 0, "", "%s  not read: %s", set->errs[i].name, set->errs[i].msg);
	}
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
