/* SPDX-License-Identifier: GPL-2.0-only */
/* Hosted arch layer (tests): user space has no interrupts to mask. A
 * spinning "CPU" yields, because the host thread holding the lock may not
 * be scheduled at all while we spin (2 cores, more threads). */
#ifndef SV_ARCH_CPU_H
#define SV_ARCH_CPU_H

#include <sched.h>
#include <stdint.h>
#include <time.h>

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
	sched_yield();
}

static inline uint64_t irq_save(void)
{
	return 0;
}

static inline void irq_restore(uint64_t flags)
{
	(void)flags;
}

/* The hosted "TSC" counts nanoseconds (tsc_khz() is 1,000,000). */
static inline uint64_t rdtsc(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
