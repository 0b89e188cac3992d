/* SPDX-License-Identifier: GPL-2.0-only */
/* A C face of memslots_plan() for the C++ tests, with the shim's own plain
 * structs so vmm/memslots.h and <linux/kvm.h> stay out of C++. */
#ifndef SV_TEST_MEMSLOTS_SHIM_H
#define SV_TEST_MEMSLOTS_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mss_range {
	uint64_t gpa;
	uint64_t size;
};

struct mss_slot {
	uint64_t gpa;
	uint64_t size;
	uint32_t flags;
};

/* The values the VMM uses: KVM_MEM_READONLY, KVM_MEM_LOG_DIRTY_PAGES and
 * MEMSLOTS_MAX, the capacity of a plan. */
uint32_t mss_flag_readonly(void);
uint32_t mss_flag_log_dirty(void);
unsigned mss_slots_max(void);

/* memslots_plan(); on success copies the plan to out[0..*count), out
 * having room for mss_slots_max() slots. nranges == 0 passes NULL, as
 * the VMM does. */
int mss_plan(uint64_t ram_size, const struct mss_range *ranges,
	     unsigned nranges, uint32_t ram_flags, struct mss_slot *out,
	     unsigned *count);

#ifdef __cplusplus
}
#endif

#endif
