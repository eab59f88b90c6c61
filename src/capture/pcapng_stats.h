/* SPDX-License-Identifier: MIT */
/* Private to capture/: drop counters from pcapng Interface Statistics Blocks. */
#ifndef ND_PCAPNG_STATS_H
#define ND_PCAPNG_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct nd_pcapng_drops {
	bool known;      /* at least one ISB carried a drop counter */
	uint64_t ifdrop; /* isb_ifdrop summed over interfaces (last ISB of each) */
	uint64_t osdrop; /* isb_osdrop likewise */
	uint64_t ifrecv; /* isb_ifrecv likewise */
};

/* 0 on success (drops->known tells whether any counter was present),
 * -1 when the file cannot be walked. */
int nd_pcapng_read_drops(const char *path, struct nd_pcapng_drops *drops);

#endif
