/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_BOOT_PAGING_H
#define SV_VMM_BOOT_PAGING_H

#include <stdint.h>

/* Builds the boot page tables in guest RAM: the first 4 GiB identity-mapped
 * (RAM and the APIC MMIO above it), and RAM again at every link offset.
 * Returns the PML4's guest-physical address (for CR3) or 0 when the pool
 * runs out. */
uint64_t boot_paging_build(uint8_t *ram, uint64_t ram_size,
			   const uint64_t *link_offsets, unsigned noffsets);

#endif
