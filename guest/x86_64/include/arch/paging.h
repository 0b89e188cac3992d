/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's address space: RAM identity-mapped (kernel text read-only
 * and executable, everything else non-executable, page 0 unmapped), plus
 * the local translation table region: one virtual range that every CPU
 * maps to frames of its own, so the same address holds per-CPU values
 * (K42's LTT, seed 000 §2).
 */
#ifndef SV_ARCH_PAGING_H
#define SV_ARCH_PAGING_H

#include <stdint.h>

#include <sv/abi.h>

#define PAGE_SIZE 4096ull
#define LTT_REGION_BASE 0xffffff0000000000ull /* PML4 slot 510 */
#define LTT_REGION_PAGES 64ull
#define LTT_REGION_SIZE (LTT_REGION_PAGES * PAGE_SIZE)

/* Builds every CPU's page tables (on CPU 0, before the others use them). */
void paging_init(const struct sv_boot_info *bi);
/* Switches the calling CPU to its own tables. */
void paging_enter(unsigned cpu);
/* The physical frame backing an LTT-region page on a CPU (for tests). */
uint64_t paging_ltt_frame(unsigned cpu, unsigned page);

#endif
