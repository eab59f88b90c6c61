/* SPDX-License-Identifier: MIT */
/* Links over rtnetlink with libnl-route-3: MTU, kind, state, master and
 * ports from the link object and the link cache; the attributes libnl 3.7
 * has no getter for (IFLA_MIN_MTU/MAX_MTU, IFLA_GRO_MAX_SIZE,
 * IFLA_TSO_MAX_SIZE/SEGS) from a raw RTM_GETLINK reply. */
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "offload/offload_internal.h"

/* Older uapi headers: the numbers are stable ABI. */
#define ND_IFLA_MIN_MTU      50
#define ND_IFLA_MAX_MTU      51
#define ND_IFLA_GSO_MAX_SEGS 40
#define ND_IFLA_GSO_MAX_SIZE 41
#define ND_IFLA_GRO_MAX_SIZE 58
#define ND_IFLA_TSO_MAX_SIZE 59
#define ND_IFLA_TSO_MAX_SEGS 60
#define ND_IFLA_RAW_MAX      64

int nd_offload_link_open(struct nd_offload *o, char *err, size_t errlen)
{
	o->route = nl_socket_alloc();
	if (!o->route)
		return -ENOMEM;
	int rc = nl_connect(o->route, NETLINK_ROUTE);
	if (rc < 0) {
		nd_offload_errf(err, errlen, "cannot open an rtnetlink socket: %s",
		                nl_geterror(rc));
		return -EIO;
	}
	rc = rtnl_link_alloc_cache(o->route, AF_UNSPEC, &o->links);
	if (rc < 0) {
		nd_offload_errf(err, errlen, "cannot list network interfaces: %s", nl_geterror(rc));
		o->links = NULL;
		return -EIO;
	}
	return 0;
}

void nd_offload_link_close(struct nd_offload *o)
{
	if (o->links)
		nl_cache_free(o->links);
	if (o->route)
		nl_socket_free(o->route);
	o->links = NULL;
	o->route = NULL;
}

/* ---- raw RTM_GETLINK for the attributes libnl has no getter for ---- */

struct raw_txn {
	int done, error;
	struct nd_offload_iface *ifc;
	bool got;
};

static int64_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] && nla_len(tb[type]) >= 4 ? (int64_t)nla_get_u32(tb[type]) : -1;
}

static int raw_valid(struct nl_msg *msg, void *arg)
{
	struct raw_txn *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[ND_IFLA_RAW_MAX + 1];
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, ND_IFLA_RAW_MAX, NULL) < 0)
		return NL_SKIP;
	struct ifinfomsg *ifi = nlmsg_data(nlh);
	if (ifi->ifi_index != t->ifc->ifindex)
		return NL_SKIP;
	struct nd_offload_iface *ifc = t->ifc;
	ifc->min_mtu = get_u32(tb, ND_IFLA_MIN_MTU);
	ifc->max_mtu = get_u32(tb, ND_IFLA_MAX_MTU);
	ifc->gso_max_size = get_u32(tb, ND_IFLA_GSO_MAX_SIZE);
	ifc->gso_max_segs = get_u32(tb, ND_IFLA_GSO_MAX_SEGS);
	ifc->gro_max_size = get_u32(tb, ND_IFLA_GRO_MAX_SIZE);
	ifc->tso_max_size = get_u32(tb, ND_IFLA_TSO_MAX_SIZE);
	ifc->tso_max_segs = get_u32(tb, ND_IFLA_TSO_MAX_SEGS);
	t->got = true;
	return NL_OK;
}

static int raw_ack(struct nl_msg *msg, void *arg)
{
	((struct raw_txn *)arg)->done = 0;
	return NL_STOP;
}

static int raw_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct raw_txn *t = arg;
	t->error = e->error;
	t->done = 0;
	return NL_STOP;
}

static int raw_limits(struct nd_offload *o, struct nd_offload_iface *ifc)
{
	struct nl_msg *m = NULL;
	if (rtnl_link_build_get_request(ifc->ifindex, NULL, &m) < 0)
		return -ENOMEM;
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	struct raw_txn t = {.done = 1, .ifc = ifc};
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, raw_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, raw_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, raw_ack, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, raw_err, &t);
	int rc = nl_send_auto(o->route, m);
	nlmsg_free(m);
	while (rc >= 0 && t.done)
		rc = nl_recvmsgs(o->route, cb);
	nl_cb_put(cb);
	if (t.error)
		return t.error;
	if (rc < 0)
		return -EIO;
	return t.got ? 0 : -EPROTO;
}

/* ---- the link object ---- */

static bool read_sysctl_one(const char *family, const char *ifname)
{
	char path[128], buf[8] = "";
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/forwarding", family, ifname);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool on = fgets(buf, sizeof(buf), f) && buf[0] == '1';
	fclose(f);
	return on;
}

static void kind_of(struct rtnl_link *l, char *out, size_t len)
{
	const char *type = rtnl_link_get_type(l);
	if (type && *type)
		nd_str_copy(out, len, type);
	else if (rtnl_link_get_arptype(l) == ARPHRD_LOOPBACK)
		nd_str_copy(out, len, "loopback");
	else
		nd_str_copy(out, len, "physical");
}

static int cmp_port(const void *a, const void *b)
{
	const struct nd_offload_port *x = a, *y = b;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static int collect_ports(struct nd_offload *o, struct nd_offload_iface *ifc)
{
	size_t cap = 0;
	for (struct nl_object *obj = nl_cache_get_first(o->links); obj;
	     obj = nl_cache_get_next(obj)) {
		struct rtnl_link *p = (struct rtnl_link *)obj;
		if (rtnl_link_get_master(p) != ifc->ifindex ||
		    rtnl_link_get_ifindex(p) == ifc->ifindex)
			continue;
		struct nd_offload_port *np =
		        nd_array_grow(ifc->ports, &cap, ifc->n_ports, sizeof(*np), 8);
		if (!np)
			return -ENOMEM;
		ifc->ports = np;
		struct nd_offload_port *port = &ifc->ports[ifc->n_ports++];
		nd_str_copy(port->name, sizeof(port->name), rtnl_link_get_name(p));
		port->ifindex = rtnl_link_get_ifindex(p);
	}
	if (ifc->n_ports > 1)
		qsort(ifc->ports, ifc->n_ports, sizeof(*ifc->ports), cmp_port);
	return 0;
}

static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

int nd_offload_link_query(struct nd_offload *o, const char *ifname, struct nd_offload_iface *ifc,
                          char *err, size_t errlen)
{
	if (!*ifname || strlen(ifname) >= ND_OFFLOAD_IFNAMSIZ) {
		nd_offload_errf(err, errlen, "no such interface (a name has 1 to %d characters)",
		                ND_OFFLOAD_IFNAMSIZ - 1);
		return -ENODEV;
	}
	struct rtnl_link *l = NULL;
	int rc = rtnl_link_get_kernel(o->route, 0, ifname, &l);
	if (rc < 0) {
		int e = nl_to_errno(rc);
		if (e == -ENODEV)
			nd_offload_errf(err, errlen, "no such interface");
		else
			nd_offload_errf(err, errlen, "cannot read the link over rtnetlink: %s",
			                nl_geterror(rc));
		return e;
	}
	nd_str_copy(ifc->name, sizeof(ifc->name), rtnl_link_get_name(l));
	ifc->ifindex = rtnl_link_get_ifindex(l);
	kind_of(l, ifc->kind, sizeof(ifc->kind));
	rtnl_link_operstate2str(rtnl_link_get_operstate(l), ifc->oper_state,
	                        sizeof(ifc->oper_state));
	ifc->admin_up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
	ifc->mtu = rtnl_link_get_mtu(l);
	uint32_t v;
	ifc->gso_max_size = rtnl_link_get_gso_max_size(l, &v) == 0 ? (int64_t)v : -1;
	ifc->gso_max_segs = rtnl_link_get_gso_max_segs(l, &v) == 0 ? (int64_t)v : -1;
	ifc->master_ifindex = rtnl_link_get_master(l);
	rtnl_link_put(l);

	if (ifc->master_ifindex) {
		struct rtnl_link *m = NULL;
		if (rtnl_link_get_kernel(o->route, ifc->master_ifindex, NULL, &m) == 0) {
			nd_str_copy(ifc->master, sizeof(ifc->master), rtnl_link_get_name(m));
			kind_of(m, ifc->master_kind, sizeof(ifc->master_kind));
			rtnl_link_put(m);
		} else {
			snprintf(ifc->master, sizeof(ifc->master), "if%d", ifc->master_ifindex);
		}
	}
	rc = raw_limits(o, ifc);
	if (rc < 0 && rc != -EPROTO) {
		nd_offload_errf(err, errlen, "cannot read the link limits over rtnetlink: %s",
		                strerror(-rc));
		return rc;
	}
	ifc->ip_forwarding =
	        read_sysctl_one("ipv4", ifc->name) || read_sysctl_one("ipv6", ifc->name);
	rc = collect_ports(o, ifc);
	if (rc < 0)
		nd_offload_errf(err, errlen, "out of memory");
	return rc;
}
