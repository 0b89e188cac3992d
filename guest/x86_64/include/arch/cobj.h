/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-64: the LTT is the per-CPU LTT region (arch/paging.h), so a COID is
 * this CPU's entry itself and DREF is a single load. */
#ifndef SV_ARCH_COBJ_H
#define SV_ARCH_COBJ_H

#include <arch/paging.h>

#define ARCH_LTT_BASE ((struct co_ltt_entry *)LTT_REGION_BASE)
#define ARCH_LTT_ENTRIES (LTT_REGION_SIZE / sizeof(struct co_ltt_entry))

static inline struct co_ltt_entry *arch_ltt_local(void)
{
	return ARCH_LTT_BASE;
}

/* Where `cpu` itself sees its LTT: the region, as every CPU does. */
static inline struct co_ltt_entry *arch_ltt_view(unsigned cpu)
{
	(void)cpu;
	return ARCH_LTT_BASE;
}

/* `cpu`'s LTT through the identity map of its frames (which paging_init
 * allocates contiguously), writable from any CPU. */
static inline struct co_ltt_entry *arch_ltt_of(unsigned cpu)
{
	return (struct co_ltt_entry *)(uintptr_t)paging_ltt_frame(cpu, 0);
}

#endif
