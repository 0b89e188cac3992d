/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU identity. The arch layer finds this CPU's struct percpu in one
 * load (x86-64: GS points at it; hosted builds: a thread-local). Subsystems keep their own per-CPU state in
 * arrays indexed by cpu_id() rather than growing this struct.
 */
#ifndef SV_KERNEL_PERCPU_H
#define SV_KERNEL_PERCPU_H

#include <stdint.h>

#define CPUS_MAX 64

struct thread;

struct percpu {
	struct percpu *self;     /* at offset 0: this_cpu() reads %gs:0 */
	unsigned cpu;
	unsigned apic_id;
	struct thread *current;  /* the thread running on this CPU */
	uint64_t irq_depth;      /* nested interrupt handlers running */
};

#include <arch/percpu.h> /* arch_this_cpu() */

static inline struct percpu *this_cpu(void)
{
	return arch_this_cpu();
}

static inline unsigned cpu_id(void)
{
	return this_cpu()->cpu;
}

/* Number of CPUs the VMM started; all are online once kernel_main runs. */
unsigned cpus_online(void);

extern struct percpu percpu_area[CPUS_MAX];

#endif
