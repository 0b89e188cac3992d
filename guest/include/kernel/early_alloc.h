/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_EARLY_ALLOC_H
#define SV_KERNEL_EARLY_ALLOC_H

#include <stdint.h>

#include <sv/abi.h>

/* Zeroed pages for boot (page tables, per-CPU regions), bumped from the
 * first free RAM after the kernel image. The page allocator takes over
 * everything above early_alloc_end(). Panics when RAM runs out. */
void early_alloc_init(const struct sv_boot_info *bi, uint64_t kernel_end);
void *early_alloc_pages(unsigned n);
uint64_t early_alloc_end(void);

#endif
