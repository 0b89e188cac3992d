/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_PAGE_WALK_H
#define SV_VMM_PAGE_WALK_H

#include <stdint.h>

struct page_walk_ctx {
	const uint8_t *ram; /* host view of guest-physical 0 .. ram_size */
	uint64_t ram_size;
	uint64_t cr0, cr3, cr4, efer;
};

/* Translates a guest virtual address through x86-64 4-level paging (4 KiB,
 * 2 MiB and 1 GiB pages) as the CPU would for a supervisor read. Returns 0,
 * -EFAULT when a level is not present (*fault_level gets 4..1), -EINVAL
 * for a non-canonical address, -ENOTSUP for 5-level paging, -ERANGE when a
 * page table lies outside RAM. Pure: reads only ctx->ram. */
int page_walk(const struct page_walk_ctx *ctx, uint64_t gva, uint64_t *gpa,
	      int *fault_level);

#endif
