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

/* The kernel's reason a requested feature is off (netdev_fix_features and
 * the bridge's feature recomputation); one phrase into why, commands for the
 * fix into fix. */
static void explain(const struct nd_offload_iface *ifs, size_t n,
                    const struct nd_offload_iface *ifc, const char *feat, char *why, size_t why_len,
                    char *fix, size_t fix_len, bool *sg_port_fix)
{
	bool sg = nd_offload_on(ifc, "tx-scatter-gather");
	bool csum4 = nd_offload_on(ifc, "tx-checksum-ipv4") ||
	             nd_offload_on(ifc, "tx-checksum-ip-generic");
	bool csum6 = nd_offload_on(ifc, "tx-checksum-ipv6") ||
	             nd_offload_on(ifc, "tx-checksum-ip-generic");
	char tmp[160];
	if (needs_sg(feat) && !sg) {
		if (!strstr(why, "scatter-gather"))
			nd_rules_list_add(
			        why, why_len,
			        "tx-scatter-gather (sg) is off and segmentation needs it");
		if (nd_offload_is_bridge(ifc)) {
			/* A bridge has sg when any port has it. */
			for (size_t p = 0; p < ifc->n_ports; p++) {
				const struct nd_offload_iface *port =
				        find_ifindex(ifs, n, ifc->ports[p].ifindex);
				if (port && !nd_offload_on(port, "tx-scatter-gather") &&
				    !*sg_port_fix) {
					const struct nd_offload_feature *f =
					        nd_offload_find(port, "tx-scatter-gather");
					if (f && !f->fixed) {
						snprintf(tmp, sizeof(tmp), "`ethtool -K %s sg on`",
						         port->name);
						nd_rules_list_add(fix, fix_len, tmp);
					}
				}
			}
			*sg_port_fix = true;
		} else {
			const struct nd_offload_feature *f =
			        nd_offload_find(ifc, "tx-scatter-gather");
			snprintf(tmp, sizeof(tmp), "`ethtool -K %s sg on`", ifc->name);
			if (f && !f->fixed && !strstr(fix, tmp))
				nd_rules_list_add(fix, fix_len, tmp);
		}
		return;
	}
	if (!strcmp(feat, "tx-tcp-segmentation") && !csum4) {
		nd_rules_list_add(why, why_len, "IPv4 TX checksumming is off and TSO needs it");
		return;
	}
	if (!strcmp(feat, "tx-tcp6-segmentation") && !csum6) {
		nd_rules_list_add(why, why_len, "IPv6 TX checksumming is off and TSO6 needs it");
		return;
	}
	if (!strcmp(feat, "rx-gro-hw") && !nd_offload_on(ifc, "rx-checksum")) {
		nd_rules_list_add(why, why_len, "rx-checksum is off and hardware GRO needs it");
		return;
	}
	if (!strcmp(feat, "rx-lro") && nd_offload_on(ifc, "rx-gro-hw")) {
		nd_rules_list_add(why, why_len, "hardware GRO is on, which excludes LRO");
		return;
	}
	if (nd_offload_is_bridge(ifc)) {
		snprintf(tmp, sizeof(tmp), "%s is missing on the bridge's ports", feat);
		nd_rules_list_add(why, why_len, tmp);
		return;
	}
}

static void rule_requested_not_active(const struct nd_offload_iface *ifs, size_t n,
                                      const struct nd_offload_iface *ifc, struct nd_findings *out)
{
	size_t nh;
	const char *const *hl = nd_offload_highlighted(&nh);
	char names[384] = "", why[512] = "", fix[384] = "", off_cmd[256] = "";
	unsigned count = 0, seg = 0;
	bool is_tun = !strcmp(ifc->kind, "tun"), only_negotiated = true, sg_port_fix = false;
	for (size_t i = 0; i < nh; i++) {
		const struct nd_offload_feature *f = nd_offload_find(ifc, hl[i]);
		if (!f || !f->requested || f->active || f->fixed)
			continue;
		/* The kernel turns LRO off on purpose where it would break forwarding. */
		if (!strcmp(f->name, "rx-lro") && nd_offload_forwards(ifc))
			continue;
		count++;
		if (needs_sg(f->name) || !strcmp(f->name, "tx-udp-segmentation"))
			seg++;
		if (!is_tun || !tun_negotiated(f->name))
			only_negotiated = false;
		nd_rules_list_add(names, sizeof(names), f->name);
		nd_rules_cat(off_cmd, sizeof(off_cmd), " %s off", f->name);
		explain(ifs, n, ifc, f->name, why, sizeof(why), fix, sizeof(fix), &sg_port_fix);
	}
	if (!count)
		return;
	enum nd_severity sev = is_tun && only_negotiated ? ND_SEV_INFO : ND_SEV_WARNING;
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_REQUESTED_NOT_ACTIVE);
	if (!f)
		return;
	f->severity = sev;
	nd_str_copy(f->subject, sizeof(f->subject), ifc->name);
	if (is_tun && only_negotiated)
		nd_rules_list_add(
		        why, sizeof(why),
		        "the program that owns this tap (QEMU/virtio) has not enabled them");
	snprintf(f->summary, sizeof(f->summary),
	         "%s (%s): the kernel keeps %s off although %s requested on (`ethtool -k %s` "
	         "shows 'off [requested on]')%s%s",
	         ifc->name, ifc->kind, names, count > 1 ? "they are" : "it is", ifc->name,
	         why[0] ? ": " : "", why);
	if (is_tun && only_negotiated) {
		snprintf(
		        f->advice, sizeof(f->advice),
		        "Usually harmless: a tap gets these offloads when the program that owns it "
		        "enables them (QEMU does when the guest's virtio-net driver negotiates "
		        "them); "
		        "with no VM attached they stay off. If a VM is attached and slow, check "
		        "the "
		        "guest driver's offload settings. To silence it: `ethtool -K %s%s`.",
		        ifc->name, off_cmd);
		goto evidence;
	}
	int w = snprintf(f->advice, sizeof(f->advice), "%s%s%s",
	                 fix[0] ? "Give the kernel what the feature needs: " : "", fix,
	                 fix[0] ? "; or make" : "Make");
	if (w < 0 || (size_t)w >= sizeof(f->advice))
		w = 0;
	snprintf(f->advice + w, sizeof(f->advice) - (size_t)w,
	         " the request match what is in effect, so nothing relies on it: `ethtool -K %s%s`."
	         "%s",
	         ifc->name, off_cmd,
	         seg ? " Senders whose large segments cross this device should not rely on "
	               "segmentation offload either: on a Linux sender `ethtool -K IFACE tso off "
	               "gso off`; in a Windows guest " WINDOWS_LSO "."
	             : "");
evidence:
	snprintf(f->title, sizeof(f->title), "%s: the kernel keeps %s off although requested",
	         ifc->name, names);
	snprintf(f->fix, sizeof(f->fix), "ethtool -K %s%s", ifc->name, off_cmd);
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), ifc->name);
	nd_finding_evidence(f, "features_not_active", count);
	nd_finding_evidence_str(f, "features", "%s", names);
	nd_finding_evidence(f, "segmentation_features", seg);
	nd_finding_evidence(f, "mtu_bytes", ifc->mtu);
}

static void rule_bridge_mtu(const struct nd_offload_iface *ifs, size_t n,
                            const struct nd_offload_iface *br, struct nd_findings *out)
{
	if (!nd_offload_is_bridge(br))
		return;
	uint32_t lo = UINT32_MAX, hi = 0;
	unsigned known = 0, smaller = 0;
	char list[512] = "", small[256] = "", cmds[384] = "";
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct nd_offload_iface *port = find_ifindex(ifs, n, br->ports[p].ifindex);
		if (!port)
			continue;
		known++;
		lo = ND_MIN(lo, port->mtu);
		hi = ND_MAX(hi, port->mtu);
		char item[64];
		snprintf(item, sizeof(item), "%s %u", port->name, port->mtu);
		nd_rules_list_add(list, sizeof(list), item);
		if (port->mtu < br->mtu) {
			smaller++;
			nd_rules_list_add(small, sizeof(small), port->name);
		}
	}
	if (!known || (lo == hi && !smaller))
		return;
	/* One MTU for all: the bridge's when ports are below it, else the smallest. */
	uint32_t target = smaller ? br->mtu : lo;
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct nd_offload_iface *port = find_ifindex(ifs, n, br->ports[p].ifindex);
		if (port && port->mtu != target) {
			char c[96];
			snprintf(c, sizeof(c), "`ip link set dev %s mtu %u`", port->name, target);
			nd_rules_list_add(cmds, sizeof(cmds), c);
		}
	}
	struct nd_finding *f = nd_findings_add(out, ND_F_OFFLOAD_BRIDGE_MTU);
	if (!f)
		return;
	f->severity = smaller ? ND_SEV_ERROR : ND_SEV_WARNING;
	nd_str_copy(f->subject, sizeof(f->subject), br->name);
	if (smaller)
		snprintf(
		        f->summary, sizeof(f->summary),
		        "Bridge %s has MTU %u but its port%s %s %s smaller (ports: %s): frames the "
		        "bridge accepts at its MTU are dropped on %s without an ICMP error",
		        br->name, br->mtu, smaller > 1 ? "s" : "", small,
		        smaller > 1 ? "are" : "is", list, small);
	else
		snprintf(f->summary, sizeof(f->summary),
		         "The ports of bridge %s (MTU %u) have different MTUs (%s): frames larger "
		         "than %u sent by a device on the bigger-MTU ports are dropped silently "
		         "where they leave through a smaller one",
		         br->name, br->mtu, list, lo);
	snprintf(f->advice, sizeof(f->advice),
	         "Give the bridge and every port one MTU: %s%s(or raise all of them and the "
	         "whole path to the larger MTU if it supports jumbo frames). Guests on the bridge "
	         "must use it too: in a Linux guest `ip link set dev IFACE mtu %u`; in a Windows "
	         "guest `Set-NetIPInterface -InterfaceAlias \"Ethernet\" -NlMtuBytes %u` (and the "
	         "adapter's Jumbo Packet property to match).",
	         cmds, cmds[0] ? " " : "", target, target);
	snprintf(f->title, sizeof(f->title), "bridge %s: port MTUs differ (%u to %u bytes)",
	         br->name, lo, hi);
	if (cmds[0]) {
		/* the first command, without its backquotes */
		const char *b = strchr(cmds, '`'), *e = b ? strchr(b + 1, '`') : NULL;
		if (b && e)
			snprintf(f->fix, sizeof(f->fix), "%.*s", (int)(e - b - 1), b + 1);
	}
	nd_str_copy(f->scope.iface, sizeof(f->scope.iface), br->name);
	nd_finding_evidence(f, "bridge_mtu_bytes", br->mtu);
	nd_finding_evidence(f, "min_port_mtu_bytes", lo);
	nd_finding_evidence(f, "max_port_mtu_bytes", hi);
	nd_finding_evidence(f, "ports", known);
	nd_finding_evidence(f, "ports_below_bridge_mtu", smaller);
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
	if (c.tso)
		nd_rules_list_add(on, sizeof(on), "tx-tcp-segmentation");
	if (c.tso6)
		nd_rules_list_add(on, sizeof(on), "tx-tcp6-segmentation");
	if (c.gso)
		nd_rules_list_add(on, sizeof(on), "tx-generic-segmentation");
	snprintf(
	        f->summary, sizeof(f->summary),
	        "%s sends with segmentation offload on (%s) and the capture on this host shows its "
	        "oversized TCP segments being lost and retransmitted: a device on the path "
	        "(bridge, "
	        "tunnel, NIC, hypervisor switch) drops the super-segments",
	        ifc->name, on);
	snprintf(f->advice, sizeof(f->advice),
	         "Turn segmentation offload off on the sender: `%s`%s, then check that transfers "
	         "recover (the TCP finding goes away). Where the sender is a Windows guest, in the "
	         "guest: " WINDOWS_LSO ". Then fix the device that drops them (`ethtool -k` on the "
	         "bridge and its ports: look for 'off [requested on]'; `ip -d link`: every bridge "
	         "port the same MTU).",
	         c.command,
	         c.fixed ? " (part of it is fixed on for this driver; turning the rest off and "
	                   "lowering gso_max_size with `ip link set dev IFACE gso_max_size 1500` "
	                   "limits it)"
	                 : "");
	snprintf(f->title, sizeof(f->title),
	         "%s sends with segmentation offload on and its large segments are lost",
	         ifc->name);
	nd_str_copy(f->fix, sizeof(f->fix), c.command);
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
