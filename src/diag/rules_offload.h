/* SPDX-License-Identifier: MIT */
/* Rules about interface offload state (ids offload.*; conditions in
 * docs/offload.md). They read what src/offload read from the kernel, or a
 * crafted state in tests. */
#ifndef ND_DIAG_RULES_OFFLOAD_H
#define ND_DIAG_RULES_OFFLOAD_H

#include "diag/diag.h"
#include "offload/offload.h"

/* offload.requested_not_active, offload.bridge_mtu_mismatch and
 * offload.lro_on_forwarding over a set of interfaces. A bridge's MTU check
 * uses the ports found in the same set (by master ifindex). Does not sort. */
void nd_rules_offload(const struct nd_offload_iface *ifs, size_t n, struct nd_findings *out);

/* offload.tso_with_loss for one local interface: capture_oversized_loss is
 * "a capture on this host shows oversized segments from this host followed
 * by loss" (tcp.lso_drop_suspected with this host as the sender). Adds the
 * finding and returns true when it applies. */
bool nd_rules_offload_tso_loss(const struct nd_offload_iface *ifc, bool capture_oversized_loss,
                               struct nd_findings *out);

#endif
