/* SPDX-License-Identifier: GPL-2.0-only */
/* Hosted arch layer (tests): a host thread stands for a CPU. */
#ifndef SV_ARCH_PERCPU_H
#define SV_ARCH_PERCPU_H

struct percpu;

extern _Thread_local struct percpu *hosted_this_cpu;

static inline struct percpu *arch_this_cpu(void)
{
	return hosted_this_cpu;
}

#endif
