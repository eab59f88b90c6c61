/* SPDX-License-Identifier: MIT */
/* The pure part of offload/: building the feature list from bitmaps,
 * looking features up, and the TSO-with-loss verdict. No I/O here, so the
 * diag rules and their unit tests need neither netlink nor root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "offload/offload_internal.h"

void nd_offload_errf(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int nd_offload_fill_features(struct nd_offload_iface *ifc,
                             const char (*names)[ND_OFFLOAD_FEATURE_SZ], size_t n_names,
                             size_t nbits, const uint32_t *hw, const uint32_t *wanted,
                             const uint32_t *active, const uint32_t *nochange)
{
	size_t n = ND_MIN(nbits, n_names);
	free(ifc->features);
	ifc->features = calloc(n ? n : 1, sizeof(*ifc->features));
	ifc->n_features = 0;
	if (!ifc->features)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!names[i][0])
			continue;
		struct nd_offload_feature *f = &ifc->features[ifc->n_features++];
		nd_str_copy(f->name, sizeof(f->name), names[i]);
		f->hw = nd_offload_bit(hw, nbits, i);
		f->requested = nd_offload_bit(wanted, nbits, i);
		f->active = nd_offload_bit(active, nbits, i);
		f->nochange = nd_offload_bit(nochange, nbits, i);
		f->fixed = !f->hw || f->nochange;
	}
	return 0;
}

const struct nd_offload_feature *nd_offload_find(const struct nd_offload_iface *ifc,
                                                 const char *name)
{
	for (size_t i = 0; i < ifc->n_features; i++)
		if (!strcmp(ifc->features[i].name, name))
			return &ifc->features[i];
	return NULL;
}

bool nd_offload_on(const struct nd_offload_iface *ifc, const char *name)
{
	const struct nd_offload_feature *f = nd_offload_find(ifc, name);
	return f && f->active;
}

static const char *const highlighted[] = {
        "tx-tcp-segmentation",
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
        "rx-gro-hw",
};

const char *const *nd_offload_highlighted(size_t *n)
{
	*n = ND_ARRAY_LEN(highlighted);
	return highlighted;
}

const char *nd_offload_source_name(enum nd_offload_source s)
{
	switch (s) {
	case ND_OFFLOAD_SRC_NETLINK:
		return "netlink";
	case ND_OFFLOAD_SRC_IOCTL:
		return "ioctl";
	default:
		return "none";
	}
}

bool nd_offload_is_bridge(const struct nd_offload_iface *ifc)
{
	return !strcmp(ifc->kind, "bridge");
}

bool nd_offload_forwards(const struct nd_offload_iface *ifc)
{
	if (ifc->master_ifindex &&
	    (!strcmp(ifc->master_kind, "bridge") || !strcmp(ifc->master_kind, "openvswitch")))
		return true;
	return ifc->ip_forwarding;
}

bool nd_offload_tso_with_loss(const struct nd_offload_iface *ifc, bool capture_oversized_loss,
                              struct nd_offload_tso_check *out)
{
	memset(out, 0, sizeof(*out));
	static const char *const names[3] = {"tx-tcp-segmentation", "tx-tcp6-segmentation",
	                                     "tx-generic-segmentation"};
	bool *on[3] = {&out->tso, &out->tso6, &out->gso};
	for (int i = 0; i < 3; i++) {
		const struct nd_offload_feature *f = nd_offload_find(ifc, names[i]);
		if (f && f->active) {
			*on[i] = true;
			if (f->fixed)
				out->fixed = true;
		}
	}
	bool any = out->tso || out->tso6 || out->gso;
	out->suspect = capture_oversized_loss && any;
	if (any)
		/* `tso` covers every tx-tcp*-segmentation bit, v4 and v6. */
		snprintf(out->command, sizeof(out->command), "ethtool -K %s%s%s", ifc->name,
		         out->tso || out->tso6 ? " tso off" : "", out->gso ? " gso off" : "");
	return out->suspect;
}
