/* SPDX-License-Identifier: MIT */
/* The reader: one rtnetlink socket and link cache, the ethtool genetlink
 * socket on first use, and the fallback to the ioctl. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "offload/offload_internal.h"

static bool env_forces_ioctl(void)
{
	const char *e = getenv("NETDIAG_ETHTOOL_IOCTL");
	return e && *e && strcmp(e, "0") != 0;
}

int nd_offload_open(struct nd_offload **out, char *err, size_t errlen)
{
	*out = NULL;
	struct nd_offload *o = calloc(1, sizeof(*o));
	if (!o) {
		nd_offload_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	o->family = -1;
	o->force_ioctl = env_forces_ioctl();
	int rc = nd_offload_link_open(o, err, errlen);
	if (rc < 0) {
		nd_offload_close(o);
		return rc;
	}
	*out = o;
	return 0;
}

void nd_offload_close(struct nd_offload *o)
{
	if (!o)
		return;
	nd_offload_ethnl_close(o);
	nd_offload_link_close(o);
	free(o);
}

struct name_idx {
	int ifindex;
	char name[ND_OFFLOAD_IFNAMSIZ];
};

static int cmp_idx(const void *a, const void *b)
{
	const struct name_idx *x = a, *y = b;
	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int nd_offload_list(struct nd_offload *o, char (**names)[ND_OFFLOAD_IFNAMSIZ], size_t *n, char *err,
                    size_t errlen)
{
	*names = NULL;
	*n = 0;
	int rc = nl_cache_refill(o->route, o->links);
	if (rc < 0) {
		nd_offload_errf(err, errlen, "cannot list network interfaces: %s", nl_geterror(rc));
		return -EIO;
	}
	size_t count = (size_t)nl_cache_nitems(o->links);
	struct name_idx *v = calloc(count ? count : 1, sizeof(*v));
	char(*out)[ND_OFFLOAD_IFNAMSIZ] = calloc(count ? count : 1, sizeof(*out));
	if (!v || !out) {
		free(v);
		free(out);
		nd_offload_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	size_t k = 0;
	for (struct nl_object *obj = nl_cache_get_first(o->links); obj && k < count;
	     obj = nl_cache_get_next(obj), k++) {
		struct rtnl_link *l = (struct rtnl_link *)obj;
		v[k].ifindex = rtnl_link_get_ifindex(l);
		nd_str_copy(v[k].name, sizeof(v[k].name), rtnl_link_get_name(l));
	}
	qsort(v, k, sizeof(*v), cmp_idx);
	for (size_t i = 0; i < k; i++)
		memcpy(out[i], v[i].name, sizeof(out[i]));
	free(v);
	*names = out;
	*n = k;
	return 0;
}

int nd_offload_query(struct nd_offload *o, const char *ifname, struct nd_offload_iface *out,
                     char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	nd_str_copy(out->name, sizeof(out->name), ifname);
	out->min_mtu = out->max_mtu = -1;
	out->gso_max_size = out->gso_max_segs = out->gro_max_size = -1;
	out->tso_max_size = out->tso_max_segs = -1;
	if (err && errlen)
		err[0] = 0;
	int rc = nd_offload_link_query(o, ifname, out, err, errlen);
	if (rc < 0)
		return rc;
	if (!o->force_ioctl) {
		rc = nd_offload_ethnl_features(o, out, err, errlen);
		if (rc != -EOPNOTSUPP && rc != -EPROTONOSUPPORT)
			return rc;
	}
	/* No ethtool netlink (kernel < 5.7), or forced. */
	return nd_offload_ioctl_features(out, err, errlen);
}

void nd_offload_iface_free(struct nd_offload_iface *ifc)
{
	free(ifc->features);
	free(ifc->ports);
	ifc->features = NULL;
	ifc->ports = NULL;
	ifc->n_features = ifc->n_ports = 0;
}

/* --- sets of interfaces for a report ------------------------------------ */

static bool set_has(const struct nd_offload_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->ifs[i].name, name))
			return true;
	for (size_t i = 0; i < s->n_errs; i++)
		if (!strcmp(s->errs[i].name, name))
			return true;
	return false;
}

static void set_error(struct nd_offload_set *s, const char *name, const char *msg)
{
	struct nd_offload_error *errs =
	        nd_array_grow(s->errs, &s->cap_errs, s->n_errs, sizeof(*errs), 4);
	if (!errs)
		return;
	s->errs = errs;
	struct nd_offload_error *e = &s->errs[s->n_errs++];
	snprintf(e->name, sizeof(e->name), "%.63s", name);
	snprintf(e->msg, sizeof(e->msg), "%.319s", msg);
}

/* The interface's addresses; getifaddrs is libc's view of the same
 * rtnetlink dump and needs no second netlink socket here. */
static void read_addrs(struct nd_offload_iface *ifc)
{
	struct ifaddrs *list, *a;
	if (getifaddrs(&list) != 0)
		return;
	for (a = list; a && ifc->n_addrs < ND_OFFLOAD_MAX_ADDRS; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, ifc->name) != 0)
			continue;
		uint8_t *dst = ifc->addrs[ifc->n_addrs].addr;
		memset(dst, 0, 16);
		if (a->ifa_addr->sa_family == AF_INET) {
			memcpy(dst, &((struct sockaddr_in *)(void *)a->ifa_addr)->sin_addr, 4);
			ifc->addrs[ifc->n_addrs++].version = 4;
		} else if (a->ifa_addr->sa_family == AF_INET6) {
			memcpy(dst, &((struct sockaddr_in6 *)(void *)a->ifa_addr)->sin6_addr, 16);
			ifc->addrs[ifc->n_addrs++].version = 6;
		}
	}
	freeifaddrs(list);
}

static struct nd_offload_iface *set_query(struct nd_offload *o, struct nd_offload_set *s,
                                          const char *name)
{
	struct nd_offload_iface *ifs = nd_array_grow(s->ifs, &s->cap, s->n, sizeof(*ifs), 8);
	if (!ifs) {
		set_error(s, name, "out of memory");
		return NULL;
	}
	s->ifs = ifs;
	struct nd_offload_iface *ifc = &s->ifs[s->n];
	char err[256] = "";
	int rc = nd_offload_query(o, name, ifc, err, sizeof(err));
	if (rc < 0) {
		nd_offload_iface_free(ifc);
		set_error(s, name, err[0] ? err : strerror(-rc));
		return NULL;
	}
	ifc->n_addrs = 0;
	read_addrs(ifc);
	s->n++;
	return ifc;
}

int nd_offload_set_add(struct nd_offload *o, struct nd_offload_set *set, const char *name,
                       bool ports)
{
	if (set_has(set, name))
		return 0;
	struct nd_offload_iface *ifc = set_query(o, set, name);
	if (!ifc)
		return -1;
	if (!ports || !nd_offload_is_bridge(ifc))
		return 0;
	size_t idx = (size_t)(ifc - set->ifs), np = ifc->n_ports;
	for (size_t p = 0; p < np; p++) {
		char pn[ND_OFFLOAD_IFNAMSIZ];
		memcpy(pn, set->ifs[idx].ports[p].name, sizeof(pn)); /* set->ifs may move */
		if (!set_has(set, pn))
			set_query(o, set, pn);
	}
	return 0;
}

void nd_offload_set_free(struct nd_offload_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		nd_offload_iface_free(&set->ifs[i]);
	free(set->ifs);
	free(set->errs);
	memset(set, 0, sizeof(*set));
}

bool nd_offload_has_addr(const struct nd_offload_iface *ifc, int version, const uint8_t addr[16])
{
	size_t len = version == 6 ? 16 : 4;
	for (size_t i = 0; i < ifc->n_addrs; i++)
		if (ifc->addrs[i].version == version && !memcmp(ifc->addrs[i].addr, addr, len))
			return true;
	return false;
}
