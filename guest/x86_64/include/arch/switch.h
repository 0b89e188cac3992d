/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_ARCH_SWITCH_H
#define SV_ARCH_SWITCH_H

#include <stdint.h>

/* Saves the callee-saved registers on the current stack, stores its stack
 * pointer in *save_rsp, and continues on the stack at new_rsp. */
void arch_switch(uint64_t *save_rsp, uint64_t new_rsp);

/* Prepares a fresh stack so that switching to it calls entry(). Returns
 * the stack pointer to switch to. */
uint64_t arch_stack_init(void *stack_top, void (*entry)(void));

#endif
