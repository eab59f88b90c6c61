/* SPDX-License-Identifier: MIT */
/* The reader: one rtnetlink socket and link cache, the ethtool genetlink
 * socket on first use, and the fallback to the ioctl. */
#include <errno.h>
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
