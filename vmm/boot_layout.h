/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the VMM puts its boot structures in guest-physical memory:
 *
 *   0x0000_0000  page 0, never used (a null guest pointer stays invalid)
 *   0x0000_1000  struct sv_boot_info
 *   0x0000_2000  GDT
 *   0x0001_0000  boot page tables (pool, up to 0x9_0000)
 *   0x0010_0000  kernel image, then free RAM
 *   below ring   the patch area (sv/abi.h), 2 MiB-aligned
 *   below stacks the request ring (sv/ring.h)
 *   top of RAM   per-CPU boot stacks
 */
#ifndef SV_VMM_BOOT_LAYOUT_H
#define SV_VMM_BOOT_LAYOUT_H

#define BOOT_INFO_GPA 0x1000ull
#define BOOT_GDT_GPA 0x2000ull
#define BOOT_PT_POOL_GPA 0x10000ull
#define BOOT_PT_POOL_END 0x90000ull
#define BOOT_KERNEL_MIN 0x100000ull
#define BOOT_STACK_SIZE 0x8000ull
#define PATCH_AREA_ALIGN 0x200000ull

#define BOOT_SEL_CODE 0x08
#define BOOT_SEL_DATA 0x10

#endif
