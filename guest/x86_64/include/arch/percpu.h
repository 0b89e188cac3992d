/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_ARCH_PERCPU_H
#define SV_ARCH_PERCPU_H

struct percpu;

/* GS base holds this CPU's struct percpu, whose first word points at itself. */
static inline struct percpu *arch_this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
