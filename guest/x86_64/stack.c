// SPDX-License-Identifier: GPL-2.0-only
#include <arch/switch.h>

/* The frame arch_switch pops: six callee-saved registers, then the return
 * address, which is the thread's entry. rbp = 0 ends backtraces there. */
uint64_t arch_stack_init(void *stack_top, void (*entry)(void))
{
	uint64_t *sp = (uint64_t *)((uintptr_t)stack_top & ~15ull);

	*--sp = 0;                          /* fake return address of entry */
	*--sp = (uint64_t)(uintptr_t)entry; /* arch_switch's ret */
	for (int i = 0; i < 6; i++)
		*--sp = 0;                  /* r15 r14 r13 r12 rbx rbp */
	return (uint64_t)(uintptr_t)sp;
}
