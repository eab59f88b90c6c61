/* SPDX-License-Identifier: MIT */
/* The offload rules and the pure helpers of src/offload on crafted
 * interface states: no netlink, no root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag/diag.h"
#include "diag/rules_offload.h"
#include "offload/offload.h"
#include "offload/offload_internal.h" /* nd_offload_fill_features */

/* A veth-like default: what `ethtool -k` shows on a fresh veth. */
static const struct {
	const char *name;
	bool active, requested, fixed;
} veth_defaults[] = {
        {"rx-checksum", true, true, false},
        {"tx-checksum-ipv4", false, false, true},
        {"tx-checksum-ip-generic", true, true, false},
        {"tx-checksum-ipv6", false, false, true},
        {"tx-scatter-gather", true, true, false},
        {"tx-tcp-segmentation", true, true, false},
        {"tx-tcp6-segmentation", true, true, false},
        {"tx-generic-segmentation", true, true, false},
        {"rx-gro", false, false, false},
        {"rx-lro", false, false, true},
        {"tx-udp-segmentation", true, true, false},
        {"rx-gro-hw", false, false, true},
        {"highdma", true, true, false},
};

static void mk(struct nd_offload_iface *ifc, const char *name, int ifindex, const char *kind,
               uint32_t mtu)
{
	memset(ifc, 0, sizeof(*ifc));
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = ifindex;
	snprintf(ifc->kind, sizeof(ifc->kind), "%s", kind);
	snprintf(ifc->oper_state, sizeof(ifc->oper_state), "up");
	ifc->mtu = mtu;
	ifc->gso_max_size = 65536;
	ifc->gso_max_segs = 65535;
	ifc->min_mtu = ifc->max_mtu = ifc->gro_max_size = ifc->tso_max_size = ifc->tso_max_segs =
	        -1;
	ifc->source = ND_OFFLOAD_SRC_NETLINK;
	ifc->n_features = sizeof(veth_defaults) / sizeof(veth_defaults[0]);
	ifc->features = calloc(ifc->n_features, sizeof(*ifc->features));
	assert_non_null(ifc->features);
	for (size_t i = 0; i < ifc->n_features; i++) {
		struct nd_offload_feature *f = &ifc->features[i];
		snprintf(f->name, sizeof(f->name), "%s", veth_defaults[i].name);
		f->active = veth_defaults[i].active;
		f->requested = veth_defaults[i].requested;
		f->fixed = veth_defaults[i].fixed;
		f->hw = !f->fixed;
	}
}

static void set(struct nd_offload_iface *ifc, const char *name, bool active, bool requested,
                bool fixed)
{
	struct nd_offload_feature *f = (struct nd_offload_feature *)nd_offload_find(ifc, name);
	assert_non_null(f);
	f->active = active;
	f->requested = requested;
	f->fixed = fixed;
	f->hw = !fixed;
}

static void port_of(struct nd_offload_iface *port, const struct nd_offload_iface *br)
{
	port->master_ifindex = br->ifindex;
	snprintf(port->master, sizeof(port->master), "%s", br->name);
	snprintf(port->master_kind, sizeof(port->master_kind), "%s", br->kind);
}

static void add_ports(struct nd_offload_iface *br, struct nd_offload_iface *ports, size_t n)
{
	br->ports = calloc(n, sizeof(*br->ports));
	assert_non_null(br->ports);
	br->n_ports = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(br->ports[i].name, sizeof(br->ports[i].name), "%s", ports[i].name);
		br->ports[i].ifindex = ports[i].ifindex;
		port_of(&ports[i], br);
	}
}

static void free_all(struct nd_offload_iface *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		nd_offload_iface_free(&v[i]);
}

static const struct nd_finding *find(const struct nd_findings *fs, const char *id,
                                     const char *subject)
{
	for (size_t i = 0; i < fs->count; i++)
		if (!strcmp(fs->items[i].id, id) && !strcmp(fs->items[i].subject, subject))
			return &fs->items[i];
	return NULL;
}

/* Evidence is typed (it becomes a JSON number, string, true/false or
 * null): each accessor fails on a missing key and on the wrong type. */
static const struct nd_evidence *ev_of(const struct nd_finding *f, const char *name,
                                       enum nd_evidence_type type)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (!strcmp(f->evidence[i].name, name)) {
			if (f->evidence[i].type != type)
				fail_msg("evidence %s has type %d, want %d", name,
				         (int)f->evidence[i].type, (int)type);
			return &f->evidence[i];
		}
	fail_msg("no evidence %s", name);
	return NULL;
}

static uint64_t ev(const struct nd_finding *f, const char *name)
{
	return ev_of(f, name, ND_EV_U64)->value;
}

static bool ev_bool(const struct nd_finding *f, const char *name)
{
	return ev_of(f, name, ND_EV_BOOL)->value != 0;
}

static const char *ev_str(const struct nd_finding *f, const char *name)
{
	return ev_of(f, name, ND_EV_STR)->str;
}

/* Every evidence key a rule writes is in the registry (evidence.def), so
 * the JSON and docs/findings.md agree. */
static void assert_registered(const struct nd_findings *fs)
{
	for (size_t i = 0; i < fs->count; i++)
		for (size_t j = 0; j < fs->items[i].n_evidence; j++)
			if (!nd_evidence_known(fs->items[i].kind, fs->items[i].evidence[j].name))
				fail_msg("%s: evidence %s is not in evidence.def", fs->items[i].id,
				         fs->items[i].evidence[j].name);
}

/* A bridge (br0, 1500) with two veth ports (p1, p2) of the same MTU. */
static void bridge_setup(struct nd_offload_iface v[3])
{
	mk(&v[0], "br0", 10, "bridge", 1500);
	set(&v[0], "rx-checksum", false, false, true);
	set(&v[0], "rx-gro", true, true, false);
	mk(&v[1], "p1", 11, "veth", 1500);
	mk(&v[2], "p2", 12, "veth", 1500);
	add_ports(&v[0], &v[1], 2);
}

static void test_clean_bridge_silent(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	assert_int_equal(fs.count, 0);
	nd_findings_free(&fs);
	free_all(v, 3);
}

/* The seed: every port has sg off, so the bridge has no sg and the kernel
 * keeps its GSO/TSO off although they are requested. */
static void test_requested_not_active_bridge(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	set(&v[0], "tx-scatter-gather", false, true, false);
	set(&v[0], "tx-generic-segmentation", false, true, false);
	set(&v[0], "tx-tcp-segmentation", false, true, false);
	set(&v[0], "tx-tcp6-segmentation", false, true, false);
	for (int p = 1; p <= 2; p++)
		set(&v[p], "tx-scatter-gather", false, false, false);
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	const struct nd_finding *f = find(&fs, "offload.requested_not_active", "br0");
	assert_non_null(f);
	assert_int_equal(f->severity, ND_SEV_WARNING);
	assert_string_equal(f->subject_kind, "interface");
	assert_non_null(strstr(f->summary, "tx-generic-segmentation"));
	assert_non_null(strstr(f->summary, "tx-scatter-gather"));
	assert_non_null(strstr(f->summary, "'off [requested on]'"));
	assert_non_null(strstr(f->advice, "`ethtool -K p1 sg on`"));
	assert_non_null(strstr(f->advice, "`ethtool -K p2 sg on`"));
	assert_non_null(strstr(f->advice, "`ethtool -K br0 tx-tcp-segmentation off "
	                                  "tx-tcp6-segmentation off tx-generic-segmentation off "
	                                  "tx-scatter-gather off`"));
	assert_non_null(strstr(f->advice, "Disable-NetAdapterLso"));
	assert_int_equal(ev(f, "features_not_active"), 4);
	assert_int_equal(ev(f, "segmentation_features"), 3);
	assert_string_equal(ev_str(f, "features"), "tx-tcp-segmentation, tx-tcp6-segmentation, "
	                                           "tx-generic-segmentation, tx-scatter-gather");
	assert_int_equal(ev(f, "mtu_bytes"), 1500);
	/* The first thing to do, as a command: the request matching what is in
	 * effect; the port commands stay in the advice. */
	assert_string_equal(f->fix, "ethtool -K br0 tx-tcp-segmentation off tx-tcp6-segmentation "
	                            "off tx-generic-segmentation off tx-scatter-gather off");
	assert_string_equal(f->scope.iface, "br0");
	assert_registered(&fs);
	/* The ports: sg requested off, nothing else: silent. */
	assert_null(find(&fs, "offload.requested_not_active", "p1"));
	nd_findings_free(&fs);
	free_all(v, 3);
}

static void test_requested_not_active_single(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "eth0", 2, "physical", 1500);
	set(&v, "tx-checksum-ip-generic", false, false, false);
	set(&v, "tx-tcp-segmentation", false, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(&v, 1, &fs);
	const struct nd_finding *f = find(&fs, "offload.requested_not_active", "eth0");
	assert_non_null(f);
	assert_non_null(strstr(f->summary, "IPv4 TX checksumming is off"));
	assert_non_null(strstr(f->advice, "`ethtool -K eth0 tx-tcp-segmentation off`"));
	assert_string_equal(f->fix, "ethtool -K eth0 tx-tcp-segmentation off");
	assert_int_equal(ev(f, "features_not_active"), 1);
	assert_string_equal(ev_str(f, "features"), "tx-tcp-segmentation");
	assert_registered(&fs);
	nd_findings_free(&fs);
	free_all(&v, 1);
}

/* [fixed] wins over [requested on] (ethtool's rule), so no finding; a
 * feature that is not highlighted does not count either. */
static void test_requested_not_active_ignores_fixed(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "eth0", 2, "physical", 1500);
	set(&v, "tx-tcp-segmentation", false, true, true);
	set(&v, "highdma", false, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(&v, 1, &fs);
	assert_int_equal(fs.count, 0);
	nd_findings_free(&fs);
	free_all(&v, 1);
}

static void test_requested_not_active_lro_forwarding_skipped(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	/* The kernel turns LRO off on bridge ports on purpose. */
	set(&v[1], "rx-lro", false, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	assert_int_equal(fs.count, 0);
	nd_findings_free(&fs);
	free_all(v, 3);
}

static void test_requested_not_active_tap_is_info(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "tap0", 5, "tun", 1500);
	set(&v, "tx-tcp-segmentation", false, true, false);
	set(&v, "tx-checksum-ip-generic", false, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(&v, 1, &fs);
	const struct nd_finding *f = find(&fs, "offload.requested_not_active", "tap0");
	assert_non_null(f);
	assert_int_equal(f->severity, ND_SEV_INFO);
	assert_non_null(strstr(f->advice, "virtio"));
	nd_findings_free(&fs);
	/* A feature the tap owner does not switch is a warning again. */
	set(&v, "rx-gro", false, true, false);
	nd_rules_offload(&v, 1, &fs);
	assert_int_equal(fs.items[0].severity, ND_SEV_WARNING);
	nd_findings_free(&fs);
	free_all(&v, 1);
}

static void test_bridge_mtu_ports_differ(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	v[1].mtu = 9000;
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	assert_int_equal(fs.count, 1);
	const struct nd_finding *f = find(&fs, "offload.bridge_mtu_mismatch", "br0");
	assert_non_null(f);
	assert_int_equal(f->severity, ND_SEV_WARNING);
	assert_non_null(strstr(f->summary, "p1 9000, p2 1500"));
	assert_non_null(strstr(f->advice, "`ip link set dev p1 mtu 1500`"));
	assert_null(strstr(f->advice, "dev p2 mtu"));
	assert_non_null(strstr(f->advice, "NlMtuBytes 1500"));
	/* The first command of the advice is the fix, without backquotes. */
	assert_string_equal(f->fix, "ip link set dev p1 mtu 1500");
	/* Keys carry their unit since the verdict model (min_port_mtu was the
	 * old name). */
	assert_int_equal(ev(f, "bridge_mtu_bytes"), 1500);
	assert_int_equal(ev(f, "min_port_mtu_bytes"), 1500);
	assert_int_equal(ev(f, "max_port_mtu_bytes"), 9000);
	assert_int_equal(ev(f, "ports"), 2);
	assert_int_equal(ev(f, "ports_below_bridge_mtu"), 0);
	assert_registered(&fs);
	nd_findings_free(&fs);
	free_all(v, 3);
}

static void test_bridge_mtu_port_below_bridge(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	v[0].mtu = 9000;
	v[1].mtu = 9000;
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	const struct nd_finding *f = find(&fs, "offload.bridge_mtu_mismatch", "br0");
	assert_non_null(f);
	assert_int_equal(f->severity, ND_SEV_ERROR);
	assert_non_null(strstr(f->summary, "port p2 is smaller"));
	assert_non_null(strstr(f->advice, "`ip link set dev p2 mtu 9000`"));
	assert_string_equal(f->fix, "ip link set dev p2 mtu 9000");
	assert_int_equal(ev(f, "bridge_mtu_bytes"), 9000);
	assert_int_equal(ev(f, "ports_below_bridge_mtu"), 1);
	nd_findings_free(&fs);
	/* All ports equal but below the bridge (user-set bridge MTU). */
	v[1].mtu = 1500;
	nd_rules_offload(v, 3, &fs);
	assert_int_equal(fs.count, 1);
	assert_int_equal(fs.items[0].severity, ND_SEV_ERROR);
	assert_int_equal(ev(&fs.items[0], "ports_below_bridge_mtu"), 2);
	nd_findings_free(&fs);
	free_all(v, 3);
}

/* Ports that were not read cannot be judged. */
static void test_bridge_mtu_unknown_ports(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	v[1].mtu = 9000;
	struct nd_findings fs = {0};
	nd_rules_offload(v, 1, &fs);
	assert_int_equal(fs.count, 0);
	nd_findings_free(&fs);
	free_all(v, 3);
}

/* No virtual device lets LRO be turned on (veth, bridge, tap: fixed off),
 * and the kernel turns it off on bridge ports: crafted state only. */
static void test_lro_on_bridge_port(void **state)
{
	struct nd_offload_iface v[3];
	bridge_setup(v);
	set(&v[2], "rx-lro", true, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(v, 3, &fs);
	assert_int_equal(fs.count, 1);
	const struct nd_finding *f = find(&fs, "offload.lro_on_forwarding", "p2");
	assert_non_null(f);
	assert_int_equal(f->severity, ND_SEV_ERROR);
	assert_non_null(strstr(f->summary, "a port of bridge br0"));
	assert_non_null(strstr(f->advice, "`ethtool -K p2 lro off`"));
	assert_string_equal(f->fix, "ethtool -K p2 lro off");
	/* Boolean evidence is JSON true/false, not 1/0. */
	assert_true(ev_bool(f, "bridge_port"));
	assert_false(ev_bool(f, "ip_forwarding"));
	assert_false(ev_bool(f, "fixed"));
	assert_registered(&fs);
	nd_findings_free(&fs);
	/* Fixed on: the advice cannot be ethtool -K. */
	set(&v[2], "rx-lro", true, false, true);
	nd_rules_offload(v, 3, &fs);
	f = find(&fs, "offload.lro_on_forwarding", "p2");
	assert_non_null(f);
	assert_null(strstr(f->advice, "lro off`"));
	assert_non_null(strstr(f->advice, "fixed on"));
	assert_string_equal(f->fix, ""); /* no command turns it off */
	assert_true(ev_bool(f, "fixed"));
	nd_findings_free(&fs);
	free_all(v, 3);
}

static void test_lro_ip_forwarding_and_not(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "eth0", 2, "physical", 1500);
	set(&v, "rx-lro", true, true, false);
	struct nd_findings fs = {0};
	nd_rules_offload(&v, 1, &fs);
	assert_int_equal(fs.count, 0); /* a plain host may use LRO */
	v.ip_forwarding = true;
	nd_rules_offload(&v, 1, &fs);
	const struct nd_finding *f = find(&fs, "offload.lro_on_forwarding", "eth0");
	assert_non_null(f);
	assert_non_null(strstr(f->summary, "IP forwarding"));
	assert_true(ev_bool(f, "ip_forwarding"));
	assert_false(ev_bool(f, "bridge_port"));
	nd_findings_free(&fs);
	free_all(&v, 1);
}

static void test_features_not_read_skipped(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "eth0", 2, "physical", 1500);
	set(&v, "tx-tcp-segmentation", false, true, false);
	v.source = ND_OFFLOAD_SRC_NONE;
	struct nd_findings fs = {0};
	nd_rules_offload(&v, 1, &fs);
	assert_int_equal(fs.count, 0);
	nd_findings_free(&fs);
	free_all(&v, 1);
}

static void test_tso_with_loss_pure(void **state)
{
	struct nd_offload_iface v;
	struct nd_offload_tso_check c;
	mk(&v, "eth0", 2, "physical", 1500);
	assert_false(nd_offload_tso_with_loss(&v, false, &c));
	assert_false(c.suspect);
	assert_true(c.tso && c.tso6 && c.gso);
	assert_true(nd_offload_tso_with_loss(&v, true, &c));
	assert_string_equal(c.command, "ethtool -K eth0 tso off gso off");
	assert_false(c.fixed);
	set(&v, "tx-tcp-segmentation", false, false, false);
	set(&v, "tx-tcp6-segmentation", false, false, false);
	assert_true(nd_offload_tso_with_loss(&v, true, &c));
	assert_string_equal(c.command, "ethtool -K eth0 gso off");
	set(&v, "tx-generic-segmentation", false, false, false);
	assert_false(nd_offload_tso_with_loss(&v, true, &c));
	assert_string_equal(c.command, "");
	set(&v, "tx-tcp6-segmentation", true, false, true);
	assert_true(nd_offload_tso_with_loss(&v, true, &c));
	assert_true(c.tso6 && c.fixed);
	assert_string_equal(c.command, "ethtool -K eth0 tso off");
	free_all(&v, 1);
}

static void test_tso_with_loss_finding(void **state)
{
	struct nd_offload_iface v;
	mk(&v, "eth0", 2, "physical", 1500);
	struct nd_findings fs = {0};
	assert_false(nd_rules_offload_tso_loss(&v, false, &fs));
	assert_int_equal(fs.count, 0);
	assert_true(nd_rules_offload_tso_loss(&v, true, &fs));
	assert_int_equal(fs.count, 1);
	const struct nd_finding *f = &fs.items[0];
	assert_string_equal(f->id, "offload.tso_with_loss");
	assert_int_equal(f->severity, ND_SEV_ERROR);
	assert_string_equal(f->subject_kind, "interface");
	assert_string_equal(f->subject, "eth0");
	assert_non_null(strstr(f->advice, "`ethtool -K eth0 tso off gso off`"));
	assert_non_null(strstr(f->advice, "Disable-NetAdapterLso -Name \"Ethernet\""));
	assert_string_equal(f->fix, "ethtool -K eth0 tso off gso off");
	/* tso/tso6/gso (1/0 each) became features_on, the kernel names of the
	 * segmentation features that are on. */
	assert_string_equal(ev_str(f, "features_on"),
	                    "tx-tcp-segmentation, tx-tcp6-segmentation, tx-generic-segmentation");
	assert_false(ev_bool(f, "fixed"));
	assert_int_equal(ev(f, "gso_max_size_bytes"), 65536);
	assert_int_equal(ev(f, "mtu_bytes"), 1500);
	assert_registered(&fs);
	nd_findings_free(&fs);
	/* Only GSO left on, TSO6 fixed on, and a gso_max_size the kernel did not
	 * give: what is on is named, the limit is null (unknown), not 0. */
	set(&v, "tx-tcp-segmentation", false, false, false);
	set(&v, "tx-tcp6-segmentation", true, false, true);
	v.gso_max_size = -1;
	assert_true(nd_rules_offload_tso_loss(&v, true, &fs));
	f = &fs.items[0];
	assert_string_equal(ev_str(f, "features_on"),
	                    "tx-tcp6-segmentation, tx-generic-segmentation");
	assert_true(ev_bool(f, "fixed"));
	ev_of(f, "gso_max_size_bytes", ND_EV_NULL);
	/* `tso off` still asked for: ethtool turns off what it can. */
	assert_string_equal(f->fix, "ethtool -K eth0 tso off gso off");
	assert_non_null(strstr(f->advice, "fixed on for this driver"));
	nd_findings_free(&fs);
	free_all(&v, 1);
}

static void test_helpers(void **state)
{
	size_t n;
	const char *const *hl = nd_offload_highlighted(&n);
	assert_int_equal(n, 12);
	const char *want[] = {"tx-tcp-segmentation",
	                      "tx-tcp6-segmentation",
	                      "tx-generic-segmentation",
	                      "rx-gro",
	                      "rx-lro",
	                      "tx-scatter-gather",
	                      "tx-checksum-ipv4",
	                      "tx-checksum-ip-generic",
	                      "tx-checksum-ipv6",
	                      "rx-checksum",
	                      "tx-udp-segmentation",
	                      "rx-gro-hw"};
	for (size_t i = 0; i < n; i++)
		assert_string_equal(hl[i], want[i]);
	assert_string_equal(nd_offload_source_name(ND_OFFLOAD_SRC_IOCTL), "ioctl");
	assert_string_equal(nd_offload_source_name(ND_OFFLOAD_SRC_NETLINK), "netlink");
	struct nd_offload_iface v;
	mk(&v, "p1", 3, "veth", 1500);
	assert_false(nd_offload_forwards(&v));
	v.master_ifindex = 9;
	snprintf(v.master_kind, sizeof(v.master_kind), "bond");
	assert_false(nd_offload_forwards(&v));
	snprintf(v.master_kind, sizeof(v.master_kind), "openvswitch");
	assert_true(nd_offload_forwards(&v));
	assert_true(nd_offload_on(&v, "tx-scatter-gather"));
	assert_false(nd_offload_on(&v, "rx-gro"));
	assert_false(nd_offload_on(&v, "no-such-feature"));
	assert_null(nd_offload_find(&v, "no-such-feature"));
	free_all(&v, 1);
}

/* ethtool's rules from the four kernel bitmaps: fixed = !hw || nochange;
 * requested is the wanted bit; unnamed bits are skipped. */
static void test_fill_features(void **state)
{
	static const char names[5][ND_OFFLOAD_FEATURE_SZ] = {"f0", "f1", "", "f3", "f4"};
	uint32_t hw = 0x1b, wanted = 0x03, active = 0x19, nochange = 0x10;
	struct nd_offload_iface v;
	memset(&v, 0, sizeof(v));
	assert_int_equal(
	        nd_offload_fill_features(&v, names, 5, 5, &hw, &wanted, &active, &nochange), 0);
	assert_int_equal(v.n_features, 4);
	const struct nd_offload_feature *f = nd_offload_find(&v, "f0");
	assert_true(f->active && f->requested && !f->fixed);
	f = nd_offload_find(&v, "f1"); /* hw, wanted, not active: off [requested on] */
	assert_true(!f->active && f->requested && !f->fixed);
	f = nd_offload_find(&v, "f3"); /* hw, active, not wanted: on [requested off] */
	assert_true(f->active && !f->requested && !f->fixed);
	f = nd_offload_find(&v, "f4"); /* hw but never-change: on [fixed] */
	assert_true(f->active && f->fixed && f->nochange && f->hw);
	nd_offload_iface_free(&v);
	/* More names than bits (a newer kernel's names, an older bitmap). */
	memset(&v, 0, sizeof(v));
	assert_int_equal(
	        nd_offload_fill_features(&v, names, 5, 2, &hw, &wanted, &active, &nochange), 0);
	assert_int_equal(v.n_features, 2);
	assert_true(nd_offload_find(&v, "f1")->fixed == false);
	nd_offload_iface_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_clean_bridge_silent),
	        cmocka_unit_test(test_requested_not_active_bridge),
	        cmocka_unit_test(test_requested_not_active_single),
	        cmocka_unit_test(test_requested_not_active_ignores_fixed),
	        cmocka_unit_test(test_requested_not_active_lro_forwarding_skipped),
	        cmocka_unit_test(test_requested_not_active_tap_is_info),
	        cmocka_unit_test(test_bridge_mtu_ports_differ),
	        cmocka_unit_test(test_bridge_mtu_port_below_bridge),
	        cmocka_unit_test(test_bridge_mtu_unknown_ports),
	        cmocka_unit_test(test_lro_on_bridge_port),
	        cmocka_unit_test(test_lro_ip_forwarding_and_not),
	        cmocka_unit_test(test_features_not_read_skipped),
	        cmocka_unit_test(test_tso_with_loss_pure),
	        cmocka_unit_test(test_tso_with_loss_finding),
	        cmocka_unit_test(test_helpers),
	        cmocka_unit_test(test_fill_features),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
