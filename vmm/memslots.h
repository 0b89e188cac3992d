/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM memslot layout of guest RAM. RAM is one slot until ranges are
 * write-protected; each protected range then becomes a read-only slot and
 * the RAM around it is split into writable slots, all backed by the same
 * host mapping, so protecting and unprotecting never copies memory.
 */
#ifndef SV_VMM_MEMSLOTS_H
#define SV_VMM_MEMSLOTS_H

#include <stdint.h>

struct memslot {
	uint64_t gpa;
	uint64_t size;
	uint32_t flags; /* KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES */
};

struct gpa_range {
	uint64_t gpa;
	uint64_t size;
};

#define MEMSLOTS_MAX 33 /* 16 protected ranges and the RAM between them */

struct memslot_table {
	struct memslot slot[MEMSLOTS_MAX];
	unsigned count;
};

/* Lays out RAM around the read-only ranges (page-aligned, inside RAM,
 * not overlapping; in any order). Pure: no KVM involved. */
int memslots_plan(struct memslot_table *out, uint64_t ram_size,
		  const struct gpa_range *readonly, unsigned nreadonly,
		  uint32_t ram_flags);

/* Replaces the slots KVM has (cur) by next. The caller has paused every
 * vCPU: between the removal and the re-creation RAM is briefly absent. */
int memslots_install(int vm_fd, uint8_t *ram, struct memslot_table *cur,
		     const struct memslot_table *next);

#endif
