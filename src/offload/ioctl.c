/* SPDX-License-Identifier: MIT */
/* Features with the legacy SIOCETHTOOL ioctl (kernels without ethtool
 * netlink, or NETDIAG_ETHTOOL_IOCTL=1): ETHTOOL_GSSET_INFO for the number of
 * ETH_SS_FEATURES strings, ETHTOOL_GSTRINGS for their names and
 * ETHTOOL_GFEATURES for {available, requested, active, never_changed} per
 * block of 32. The same kernel fields as FEATURES_GET: available is
 * hw_features, requested is wanted_features. None needs a capability. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/common.h"
#include "offload/offload_internal.h"

static int eioctl(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	nd_str_copy(ifr.ifr_name, sizeof(ifr.ifr_name), ifname);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

static int open_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) /* as ethtool: a kernel without IPv4 */
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	return fd < 0 ? -errno : fd;
}

int nd_offload_ioctl_features(struct nd_offload_iface *ifc, char *err, size_t errlen)
{
	int fd = open_socket();
	if (fd < 0) {
		nd_offload_errf(err, errlen, "cannot open a socket for SIOCETHTOOL: %s",
		                strerror(-fd));
		return fd;
	}
	const char *step = "ETHTOOL_GSSET_INFO";
	struct ethtool_sset_info *si = calloc(1, sizeof(*si) + sizeof(uint32_t));
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_gfeatures *gf = NULL;
	uint32_t *bm[4] = {NULL, NULL, NULL, NULL};
	char(*names)[ND_OFFLOAD_FEATURE_SZ] = NULL;
	int rc = -ENOMEM;
	if (!si)
		goto out;
	si->cmd = ETHTOOL_GSSET_INFO;
	si->sset_mask = 1ULL << ETH_SS_FEATURES;
	if ((rc = eioctl(fd, ifc->name, si)) < 0)
		goto out;
	uint32_t n = (si->sset_mask & (1ULL << ETH_SS_FEATURES)) ? si->data[0] : 0;
	rc = -EPROTO;
	if (!n || n > 4096)
		goto out;
	step = "ETHTOOL_GSTRINGS";
	rc = -ENOMEM;
	gs = calloc(1, sizeof(*gs) + (size_t)n * ETH_GSTRING_LEN);
	names = calloc(n, sizeof(*names));
	if (!gs || !names)
		goto out;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = n;
	if ((rc = eioctl(fd, ifc->name, gs)) < 0)
		goto out;
	for (uint32_t i = 0; i < n && i < gs->len; i++) {
		memcpy(names[i], gs->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		names[i][ND_OFFLOAD_FEATURE_SZ - 1] = 0;
	}
	step = "ETHTOOL_GFEATURES";
	uint32_t blocks = (n + 31) / 32;
	rc = -ENOMEM;
	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	for (int k = 0; k < 4; k++)
		if (!(bm[k] = calloc(blocks, sizeof(uint32_t))))
			goto out;
	if (!gf)
		goto out;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	if ((rc = eioctl(fd, ifc->name, gf)) < 0)
		goto out;
	/* gf->size is now the kernel's block count; it copied min(ours, its). */
	uint32_t got = ND_MIN(blocks, gf->size);
	for (uint32_t b = 0; b < got; b++) {
		bm[0][b] = gf->features[b].available;
		bm[1][b] = gf->features[b].requested;
		bm[2][b] = gf->features[b].active;
		bm[3][b] = gf->features[b].never_changed;
	}
	rc = nd_offload_fill_features(ifc, (const char(*)[ND_OFFLOAD_FEATURE_SZ])names, n,
	                              ND_MIN((size_t)n, (size_t)got * 32), bm[0], bm[1], bm[2],
	                              bm[3]);
	if (!rc)
		ifc->source = ND_OFFLOAD_SRC_IOCTL;
out:
	if (rc < 0)
		nd_offload_errf(err, errlen, "cannot read offload features (SIOCETHTOOL %s): %s",
		                step, rc == -ENODEV ? "no such device" : strerror(-rc));
	for (int k = 0; k < 4; k++)
		free(bm[k]);
	free(gf);
	free(names);
	free(gs);
	free(si);
	close(fd);
	return rc;
}
