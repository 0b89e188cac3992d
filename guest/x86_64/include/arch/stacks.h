/* SPDX-License-Identifier: GPL-2.0-only */
/* The stacks a CPU runs on outside its threads' own, for the thread table
 * (sv/threads.h): the boot stack its idle context keeps, and the stack
 * its double-fault handler switches to (IST 1). */
#ifndef SV_ARCH_STACKS_H
#define SV_ARCH_STACKS_H

#include <stdint.h>

struct arch_stack {
	uint64_t lo, hi; /* [lo, hi), guest-virtual */
};

struct arch_stack arch_boot_stack(unsigned cpu);  /* boot.c */
struct arch_stack arch_fault_stack(unsigned cpu); /* gdt.c */

#endif
