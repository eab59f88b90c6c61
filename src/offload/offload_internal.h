/* SPDX-License-Identifier: MIT */
/* Private to offload/: the reader's state and the three back ends. */
#ifndef ND_OFFLOAD_INTERNAL_H
#define ND_OFFLOAD_INTERNAL_H

#include <stdarg.h>

#include "offload/offload.h"

struct nl_sock;
struct nl_cache;

struct nd_offload {
	struct nl_sock *route;  /* rtnetlink: link cache and single-link requests */
	struct nl_cache *links; /* AF_UNSPEC link cache, refreshed by nd_offload_list */
	struct nl_sock *genl;   /* ethtool genetlink; NULL before the first use */
	int family;             /* ethtool family id; < 0 when the kernel has none */
	bool genl_tried;
	bool force_ioctl;                     /* NETDIAG_ETHTOOL_IOCTL set */
	char (*names)[ND_OFFLOAD_FEATURE_SZ]; /* ETH_SS_FEATURES, cached */
	size_t n_names;
};

/* Bit i of a u32-word bitmap (host order, least significant word first). */
static inline bool nd_offload_bit(const uint32_t *w, size_t nbits, size_t i)
{
	return i < nbits && (w[i / 32] >> (i % 32)) & 1u;
}

/* Fills ifc->features from the four bitmaps and the names; unnamed bits are
 * skipped (as ethtool does). 0 or -ENOMEM. */
int nd_offload_fill_features(struct nd_offload_iface *ifc,
                             const char (*names)[ND_OFFLOAD_FEATURE_SZ], size_t n_names,
                             size_t nbits, const uint32_t *hw, const uint32_t *wanted,
                             const uint32_t *active, const uint32_t *nochange);

/* ethtool netlink. 0; -EOPNOTSUPP (or -EPROTONOSUPPORT when the family is
 * missing) when the caller should fall back to the ioctl; another negative
 * errno with a message in err. */
int nd_offload_ethnl_features(struct nd_offload *o, struct nd_offload_iface *ifc, char *err,
                              size_t errlen);
void nd_offload_ethnl_close(struct nd_offload *o);

/* SIOCETHTOOL. 0 or a negative errno with a message in err. */
int nd_offload_ioctl_features(struct nd_offload_iface *ifc, char *err, size_t errlen);

/* rtnetlink. */
int nd_offload_link_open(struct nd_offload *o, char *err, size_t errlen);
void nd_offload_link_close(struct nd_offload *o);
int nd_offload_link_query(struct nd_offload *o, const char *ifname, struct nd_offload_iface *ifc,
                          char *err, size_t errlen);

void nd_offload_errf(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
