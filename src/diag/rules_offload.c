/* SPDX-License-Identifier: MIT */
/* Rules about offload state: features the kernel keeps off although they
 * were requested (the seed's "generic-segmentation-offload: off [requested
 * on]" on the bridge), bridge ports whose MTUs disagree, LRO on an interface
 * that forwards, and TSO/GSO on a sender whose capture shows the
 * super-segments being lost. */
#include <stdio.h>

#include "diag/diag.h"
#include "diag/rules_offload.h"
#include "diag/rules_text.h"

#define WINDOWS_LSO                                                                                \
	"`Disable-NetAdapterLso -Name \"Ethernet\"` (or set Large Send Offload v2 (IPv4/IPv6) to " \
	"Disabled in the adapter's advanced properties)"

static const struct nd_offload_iface *find_ifindex(const struct nd_offload_iface *ifs, size_t n,
                                                   int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (ifs[i].ifindex == ifindex)
			return &ifs[i];
	return NULL;
}

static bool is_tcp_seg(const char *name)
{
	return !strcmp(name, "tx-tcp-segmentation") || !strcmp(name, "tx-tcp6-segmentation");
}

static bool needs_sg(const char *name)
{
	return is_tcp_seg(name) || !strcmp(name, "tx-generic-segmentation");
}

/* Features a tap's owner (QEMU, virtio negotiation: TUNSETOFFLOAD) switches;
 * the kernel keeps them off until it does. */
static bool tun_negotiated(const char *name)
{
	return is_tcp_seg(name) || !strcmp(name, "tx-checksum-ip-generic") ||
	       !strcmp(name, "tx-udp-segmentation");
}

/* What rule_requested_not_active finds on one interface: the features the
 * kernel keeps off although they were requested, its reasons, the fixes. */
struct requested {
	char names[384];     /* "tx-tcp-segmentation, tx-generic-segmentation" */
	char why[512];       /* the kernel's reasons, one phrase each */
	char fix[384];       /* commands that give the kernel what is missing */
	char off_cmd[256];   /* " tx-tcp-segmentation off tx-generic-segmentation off" */
	unsigned count, seg; /* features, and of them segmentation features */
	bool is_tun, only_negotiated;
	bool sg_port_fix; /* the bridge's ports were already asked for sg */
};

/* A bridge has sg when any port has it: asks for sg on each port that lacks
 * it and can switch it, once per bridge. */
static void sg_fix_ports(const struct nd_offload_iface *ifs, size_t n,
                         const struct nd_offload_iface *br, struct requested *r)
{
	if (r->sg_port_fix)
		return;
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct nd_offload_iface *port = find_ifindex(ifs, n, br->ports[p].ifindex);
		if (!port || nd_offload_on(port, "tx-scatter-gather"))
			continue;
		const struct nd_offload_feature *f = nd_offload_find(port, "tx-scatter-gather");
		if (f && !f->fixed) {
			char tmp[160];
			snprintf(tmp, sizeof(tmp), "`ethtool -K %s sg on`", port->name);
			nd_rules_list_add(r->fix, sizeof(r->fix), tmp);
		}
	}
	r->sg_port_fix = true;
}

static void sg_fix_iface(const struct nd_offload_iface *ifc, struct requested *r)
{
	const struct nd_offload_feature *f = nd_offload_find(ifc, "tx-scatter-gather");
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "`ethtool -K %s sg on`", ifc->name);
	if (f && !f->fixed && !strstr(r->fix, tmp))
		nd_rules_list_add(r->fix, sizeof(r->fix), tmp);
}

/* Segmentation needs scatter-gather: the reason once, and how to get sg. */
static void explain_no_sg(const struct nd_offload_iface *ifs, size_t n,
                          const struct nd_offload_iface *ifc, struct requested *r)
{
	if (!strstr(r->why, "scatter-gather"))
		nd_rules_list_add(r->why, sizeof(r->why),
		                  "tx-scatter-gather (sg) is off and segmentation needs it");
	if (nd_offload_is_bridge(ifc))
		sg_fix_ports(ifs, n, ifc, r);
	else
		sg_fix_iface(ifc, r);
}

/* Off because a feature feat needs is off, or one that excludes it is on;
 * NULL when neither. */
static const char *missing_dependency(const struct nd_offload_iface *ifc, const char *feat)
{
	bool csum4 = nd_offload_on(ifc, "tx-checksum-ipv4") ||
	             nd_offload_on(ifc, "tx-checksum-ip-generic");
	bool csum6 = nd_offload_on(ifc, "tx-checksum-ipv6") ||
	             nd_offload_on(ifc, "tx-checksum-ip-generic");
	if (!strcmp(feat, "tx-tcp-segmentation") && !csum4)
		return "IPv4 TX checksumming is off and TSO needs it";
	if (!strcmp(feat, "tx-tcp6-segmentation") && !csum6)
		return "IPv6 TX checksumming is off and TSO6 needs it";
	if (!strcmp(feat, "rx-gro-hw") && !nd_offload_on(ifc, "rx-checksum"))
		return "rx-checksum is off and hardware GRO needs it";
	if (!strcmp(feat, "rx-lro") && nd_offload_on(ifc, "rx-gro-hw"))
		return "hardware GRO is on, which excludes LRO";
	return NULL;
}

/* The kernel's reason a requested feature is off (netdev_fix_features and
 * the bridge's feature recomputation); one phrase into r->why, commands for
 * the fix into r->fix. */
static void explain(const struct nd_offload_iface *ifs, size_t n,
                    const struct nd_offload_iface *ifc, const char *feat, struct requested *r)
{
	if (needs_sg(feat) && !nd_offload_on(ifc, "tx-scatter-gather")) {
		explain_no_sg(ifs, n, ifc, r);
		return;
	}
	const char *dep = missing_dependency(ifc, feat);
	if (dep) {
		nd_rules_list_add(r->why, sizeof(r->why), dep);
	} else if (nd_offload_is_bridge(ifc)) {
		char tmp[160];
		snprintf(tmp, sizeof(tmp), "%s is missing on the bridge's ports", feat);
		nd_rules_list_add(r->why, sizeof(r->why), tmp);
	}
}

/* Fills r with ifc's highlighted features that are requested but off and
 * could be on. */
static void requested_features_scan(const struct nd_offload_iface *ifs, size_t n,
                                    const struct nd_offload_iface *ifc, struct requested *r)
{
	size_t nh;
	const char *const *hl = nd_offload_highlighted(&nh);
	for (size_t i = 0; i < nh; i++) {
		const struct nd_offload_feature *f = nd_offload_find(ifc, hl[i]);
		if (!f || !f->requested || f->active || f->fixed)
			continue;
		/* The kernel turns LRO off on purpose where it would break forwarding. */
		if (!strcmp(f->name, "rx-lro") && nd_offload_forwards(ifc))
			continue;
		r->count++;
		if (needs_sg(f->name) || !strcmp(f->name, "tx-udp-segmentation"))
			r->seg++;
		if (!r->is_tun || !tun_negotiated(f->name))
			r->only_negotiated = false;
		nd_rules_list_add(r->names, sizeof(r->names), f->name);
		nd_rules_cat(r->off_cmd, sizeof(r->off_cmd), " %s off", f->name);
		explain(ifs, n, ifc, f->name, r);
	}
}

/* A tap whose owner has not negotiated the features: usually harmless. */
static void requested_tap_advice(const struct nd_offload_iface *ifc, const struct requested *r,
                                 struct nd_finding *f)
{
	snprintf(f->advice, sizeof(f->advice),
	         "Usually harmless: a tap gets these offloads when the program that owns it "
	         "enables them (QEMU does when the guest's virtio-net driver negotiates them); "
	         "with no VM attached they stay off. If a VM is attached and slow, check the "
	         "guest driver's offload settings. To silence it: `ethtool -K %s%s`.",
	         ifc->name, r->off_cmd);
}

static void requested_advice(const struct nd_offload_iface *ifc, const struct requested *r,
                             struct nd_finding *f)
{
	int w = snprintf(f->advice, sizeof(f->advice), "%s%s%s",
	                 r->fix[0] ? "Give the kernel what the feature needs: " : "", r->fix,
	                 r->fix[0] ? "; or make" : "Make");
	if (w < 0 || (size_t)w >= sizeof(f->advice))
		w = 0;
	snprintf(
	        f->advice + w, sizeof(f->advice) - (size_t)w,
	        " the request match what is in effect, so nothing relies on it: `ethtool -K %s%s`."
	        "%s",
	        ifc->name, r->off_cmd,
	        r->seg ? " Senders whose large segments cross this device should not rely on "
	                 "segmentation offload either: on a Linux sender `ethtool -K IFACE tso off "
	                 "gso off`; in a Windows guest " WINDOWS_LSO "."
	               : "");
}

static void requested_text(const struct nd_offload_iface *ifc, struct requested *r,
                           struct nd_finding *f)
{
	bool tap_only = r->is_tun && r->only_negotiated;
	if (tap_only)
		nd_rules_list_add(
		        r->why, sizeof(r->why),
		        "the program that owns this tap (QEMU/virtio) has not enabled them");
	nd_rules_setf(f->summary, sizeof(f->summary),
	              "%s (%s): the kernel keeps %s off although %s requested on (`ethtool -k %s` "
	              "shows 'off [requested on]')%s%s",
	              ifc->name, ifc->kind, r->names, r->count > 1 ? "they are" : "it is",
	              ifc->name, r->why[0] ? ": " : "", r->why);
	if (tap_only)
		requested_tap_advice(ifc, r, f);
	else
		requested_advice(ifc, r, f);
	nd_rules_setf(f->title, sizeof(f->title), "%s: the kernel keeps %s off although requested",
	              ifc->name, r->names);
	snprintf(f->fix, sizeof(f->fix), "ethtool -K %s%s", ifc->name, r->off_cmd);
}

static void rule_requested_not_active(const struct nd_offload_iface *ifs, size_t n,
                                      const struct nd_offload_iface *ifc, struct nd_findings *out)
{
	struct requested r = {.is_tun = !strcmp(ifc->kind, "tun"), .only_negotiated = true};
	requested_features_scan(ifs, n, ifc, &r);
	if (!r.count)
		return;
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_REQUESTED_NOT_ACTIVE);
	if (!f)
		return;
	f->severity = r.is_tun && r.only_negotiated ? ND_SEV_INFO : ND_SEV_WARNING;
	nd_str_copy(f->subject, sizeof(f->subject), ifc->name);
	requested_text(ifc, &r, f);
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), ifc->name);
	nd_finding_evidence(f, "features_not_active", r.count);
	nd_finding_evidence_str(f, "features", "%s", r.names);
	nd_finding_evidence(f, "segmentation_features", r.seg);
	nd_finding_evidence(f, "mtu_bytes", ifc->mtu);
}

/* A bridge's ports (those found in the set) and their MTUs. */
struct bridge_mtu {
	uint32_t lo, hi;         /* the smallest and the largest port MTU */
	uint32_t target;         /* the one MTU to give them all */
	unsigned known, smaller; /* ports found; of them, below the bridge's MTU */
	char list[512];          /* "p1 9000, p2 1500" */
	char small[256];         /* the ports below the bridge's MTU */
	char cmds[384];          /* "`ip link set dev p1 mtu 1500`, ..." */
};

static void bridge_mtu_scan(const struct nd_offload_iface *ifs, size_t n,
                            const struct nd_offload_iface *br, struct bridge_mtu *m)
{
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct nd_offload_iface *port = find_ifindex(ifs, n, br->ports[p].ifindex);
		if (!port)
			continue;
		m->known++;
		m->lo = ND_MIN(m->lo, port->mtu);
		m->hi = ND_MAX(m->hi, port->mtu);
		char item[64];
		snprintf(item, sizeof(item), "%s %u", port->name, port->mtu);
		nd_rules_list_add(m->list, sizeof(m->list), item);
		if (port->mtu < br->mtu) {
			m->smaller++;
			nd_rules_list_add(m->small, sizeof(m->small), port->name);
		}
	}
}

/* One MTU for all: the bridge's when ports are below it, else the smallest;
 * a command for each port that has another. */
static void bridge_mtu_cmds(const struct nd_offload_iface *ifs, size_t n,
                            const struct nd_offload_iface *br, struct bridge_mtu *m)
{
	m->target = m->smaller ? br->mtu : m->lo;
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct nd_offload_iface *port = find_ifindex(ifs, n, br->ports[p].ifindex);
		if (port && port->mtu != m->target) {
			char c[96];
			snprintf(c, sizeof(c), "`ip link set dev %s mtu %u`", port->name,
			         m->target);
			nd_rules_list_add(m->cmds, sizeof(m->cmds), c);
		}
	}
}

/* Ports below the bridge's MTU drop what it accepts (error); ports that
 * only differ among themselves drop what the bigger ones send (warning). */
static void bridge_mtu_summary(const struct nd_offload_iface *br, const struct bridge_mtu *m,
                               struct nd_finding *f)
{
	if (m->smaller)
		nd_rules_setf(
		        f->summary, sizeof(f->summary),
		        "Bridge %s has MTU %u but its port%s %s %s smaller (ports: %s): frames "
		        "the bridge accepts at its MTU are dropped on %s without an ICMP error",
		        br->name, br->mtu, m->smaller > 1 ? "s" : "", m->small,
		        m->smaller > 1 ? "are" : "is", m->list, m->small);
	else
		nd_rules_setf(f->summary, sizeof(f->summary),
		              "The ports of bridge %s (MTU %u) have different MTUs (%s): frames "
		              "larger than %u sent by a device on the bigger-MTU ports are dropped "
		              "silently where they leave through a smaller one",
		              br->name, br->mtu, m->list, m->lo);
}

static void bridge_mtu_text(const struct nd_offload_iface *br, const struct bridge_mtu *m,
                            struct nd_finding *f)
{
	bridge_mtu_summary(br, m, f);
	snprintf(f->advice, sizeof(f->advice),
	         "Give the bridge and every port one MTU: %s%s(or raise all of them and the "
	         "whole path to the larger MTU if it supports jumbo frames). Guests on the "
	         "bridge must use it too: in a Linux guest `ip link set dev IFACE mtu %u`; in "
	         "a Windows guest `Set-NetIPInterface -InterfaceAlias \"Ethernet\" "
	         "-NlMtuBytes %u` (and the adapter's Jumbo Packet property to match).",
	         m->cmds, m->cmds[0] ? " " : "", m->target, m->target);
	snprintf(f->title, sizeof(f->title), "bridge %s: port MTUs differ (%u to %u bytes)",
	         br->name, m->lo, m->hi);
	/* The fix is the first command, without its backquotes. */
	const char *b = strchr(m->cmds, '`'), *e = b ? strchr(b + 1, '`') : NULL;
	if (b && e)
		snprintf(f->fix, sizeof(f->fix), "%.*s", (int)(e - b - 1), b + 1);
}

static void rule_bridge_mtu(const struct nd_offload_iface *ifs, size_t n,
                            const struct nd_offload_iface *br, struct nd_findings *out)
{
	if (!nd_offload_is_bridge(br))
		return;
	struct bridge_mtu m = {.lo = UINT32_MAX};
	bridge_mtu_scan(ifs, n, br, &m);
	if (!m.known || (m.lo == m.hi && !m.smaller))
		return;
	bridge_mtu_cmds(ifs, n, br, &m);
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_BRIDGE_MTU);
	if (!f)
		return;
	f->severity = m.smaller ? ND_SEV_ERROR : ND_SEV_WARNING;
	nd_str_copy(f->subject, sizeof(f->subject), br->name);
	bridge_mtu_text(br, &m, f);
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), br->name);
	nd_finding_evidence(f, "bridge_mtu_bytes", br->mtu);
	nd_finding_evidence(f, "min_port_mtu_bytes", m.lo);
	nd_finding_evidence(f, "max_port_mtu_bytes", m.hi);
	nd_finding_evidence(f, "ports", m.known);
	nd_finding_evidence(f, "ports_below_bridge_mtu", m.smaller);
}

static void rule_lro_forwarding(const struct nd_offload_iface *ifc, struct nd_findings *out)
{
	const struct nd_offload_feature *lro = nd_offload_find(ifc, "rx-lro");
	if (!lro || !lro->active || !nd_offload_forwards(ifc))
		return;
	bool port = ifc->master_ifindex && (!strcmp(ifc->master_kind, "bridge") ||
	                                    !strcmp(ifc->master_kind, "openvswitch"));
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_LRO_FORWARDING);
	if (!f)
		return;
	nd_str_copy(f->subject, sizeof(f->subject), ifc->name);
	char where[96];
	if (port)
		snprintf(where, sizeof(where), "a port of %s %s", ifc->master_kind, ifc->master);
	else
		snprintf(where, sizeof(where), "IP forwarding is on for it");
	snprintf(f->summary, sizeof(f->summary),
	         "%s has large receive offload (rx-lro) on although it forwards (%s): LRO merges "
	         "received segments into packets that cannot be forwarded as they are, so they are "
	         "dropped or mangled%s",
	         ifc->name, where, lro->fixed ? "; the driver does not let it be turned off" : "");
	if (lro->fixed)
		snprintf(f->advice, sizeof(f->advice),
		         "LRO is fixed on for this driver: take %s out of the %s, or disable LRO "
		         "through the driver (module parameter, firmware setting) or use another "
		         "NIC; GRO (`ethtool -K %s gro on`) gives the same benefit safely.",
		         ifc->name, port ? "bridge" : "forwarding path", ifc->name);
	else
		snprintf(f->advice, sizeof(f->advice),
		         "`ethtool -K %s lro off` (GRO, `ethtool -K %s gro on`, is the safe "
		         "replacement); make it persistent in the interface configuration.",
		         ifc->name, ifc->name);
	snprintf(f->title, sizeof(f->title),
	         "%s merges received segments (LRO) although it forwards", ifc->name);
	if (!lro->fixed)
		snprintf(f->fix, sizeof(f->fix), "ethtool -K %s lro off", ifc->name);
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), ifc->name);
	nd_finding_evidence_bool(f, "bridge_port", port);
	nd_finding_evidence_bool(f, "ip_forwarding", ifc->ip_forwarding);
	nd_finding_evidence_bool(f, "fixed", lro->fixed);
}

void nd_rules_offload(const struct nd_offload_iface *ifs, size_t n, struct nd_findings *out)
{
	for (size_t i = 0; i < n; i++) {
		if (ifs[i].source == ND_OFFLOAD_SRC_NONE)
			continue; /* features not read */
		rule_requested_not_active(ifs, n, &ifs[i], out);
		rule_lro_forwarding(&ifs[i], out);
	}
	for (size_t i = 0; i < n; i++)
		rule_bridge_mtu(ifs, n, &ifs[i], out);
}

/* The segmentation features c found on, as a comma list into on. */
static void tso_features_on(const struct nd_offload_tso_check *c, char *on, size_t n)
{
	if (c->tso)
		nd_rules_list_add(on, n, "tx-tcp-segmentation");
	if (c->tso6)
		nd_rules_list_add(on, n, "tx-tcp6-segmentation");
	if (c->gso)
		nd_rules_list_add(on, n, "tx-generic-segmentation");
}

/* on: the features that are on (tso_features_on). */
static void tso_loss_text(const struct nd_offload_iface *ifc, const struct nd_offload_tso_check *c,
                          const char *on, struct nd_finding *f)
{
	snprintf(f->summary, sizeof(f->summary),
	         "%s sends with segmentation offload on (%s) and the capture on this host shows "
	         "its oversized TCP segments being lost and retransmitted: a device on the path "
	         "(bridge, tunnel, NIC, hypervisor switch) drops the super-segments",
	         ifc->name, on);
	snprintf(f->advice, sizeof(f->advice),
	         "Turn segmentation offload off on the sender: `%s`%s, then check that transfers "
	         "recover (the TCP finding goes away). Where the sender is a Windows guest, in the "
	         "guest: " WINDOWS_LSO ". Then fix the device that drops them (`ethtool -k` on the "
	         "bridge and its ports: look for 'off [requested on]'; `ip -d link`: every bridge "
	         "port the same MTU).",
	         c->command,
	         c->fixed ? " (part of it is fixed on for this driver; turning the rest off and "
	                    "lowering gso_max_size with `ip link set dev IFACE gso_max_size 1500` "
	                    "limits it)"
	                  : "");
	snprintf(f->title, sizeof(f->title),
	         "%s sends with segmentation offload on and its large segments are lost",
	         ifc->name);
	nd_str_copy(f->fix, sizeof(f->fix), c->command);
}

bool nd_rules_offload_tso_loss(const struct nd_offload_iface *ifc, bool capture_oversized_loss,
                               struct nd_findings *out)
{
	struct nd_offload_tso_check c;
	if (!nd_offload_tso_with_loss(ifc, capture_oversized_loss, &c))
		return false;
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_TSO_WITH_LOSS);
	if (!f)
		return true;
	nd_str_copy(f->subject, sizeof(f->subject), ifc->name);
	char on[96] = "";
	tso_features_on(&c, on, sizeof(on));
	tso_loss_text(ifc, &c, on, f);
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), ifc->name);
	nd_finding_evidence_str(f, "features_on", "%s", on);
	nd_finding_evidence_bool(f, "fixed", c.fixed);
	if (ifc->gso_max_size >= 0)
		nd_finding_evidence(f, "gso_max_size_bytes", (uint64_t)ifc->gso_max_size);
	else
		nd_finding_evidence_null(f, "gso_max_size_bytes");
	nd_finding_evidence(f, "mtu_bytes", ifc->mtu);
	return true;
}
