/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two layouts of the mirror test guest's per-CPU records, shared with
 * the host test (tests/kvm/mirror_test.cc), which builds the mirror's copy
 * list from them: the new layout moves every field, adds one and pads
 * differently, as a patch that changes a struct would.
 */
#ifndef SV_TEST_MIRROR_LAYOUT_H
#define SV_TEST_MIRROR_LAYOUT_H

#include <stdint.h>

#define MIRROR_SLOTS 8 /* records per copy: one per vCPU */

struct old_rec {
	uint64_t seq;  /* n, the iteration */
	uint32_t a;    /* n, truncated, written after seq */
	uint16_t b;    /* then b */
	uint8_t c;     /* then c */
	uint8_t pad;
	uint32_t back; /* n, written through the NEW layout, mirrored back */
	uint32_t pad2;
};

struct new_rec {
	uint32_t back;
	uint8_t c;
	uint8_t pad[3];
	uint64_t added; /* only in the new layout: stays zero */
	uint16_t b;
	uint16_t pad2;
	uint32_t a;
	uint64_t seq;
};

/* The old copy shares its page with other data (written too: those writes
 * pass through the hook); the new copy has a page of its own. */
struct old_page {
	struct old_rec rec[MIRROR_SLOTS];
	uint8_t gap[2048 - MIRROR_SLOTS * sizeof(struct old_rec)];
	volatile uint64_t neighbour[MIRROR_SLOTS];
};

/* Per-CPU progress, on a page the mirror never protects. */
struct mirror_guest_stats {
	uint64_t iterations;
};

#endif
