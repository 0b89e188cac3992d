/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler's half of the thread table (sv/threads.h), which a
 * monitor reads with every vCPU paused: the scheduler reports each change
 * of who exists and who runs where, and this file turns each into one
 * untearable store. No locks: a paused CPU may hold any of them.
 */
#ifndef SV_KERNEL_THREAD_TABLE_H
#define SV_KERNEL_THREAD_TABLE_H

#include <sv/threads.h>

struct thread;

/* The table itself, at the kernel ELF symbol the monitor looks up. */
extern struct sv_thread_table sv_thread_table;

/* The calling CPU is up with `idle` (its boot context) running: its entry
 * (idle context, boot and fault stacks, current) is filled, then counted
 * in ncpus. */
void thread_table_cpu_up(struct thread *idle);

/* Before `t` can first run: it takes a free slot, or is counted in
 * overflow when there is none (creating it does not fail for that). */
void thread_table_add(struct thread *t);

/* Before t's stack is freed: its slot is given back (or the overflow
 * count it was in drops). */
void thread_table_remove(struct thread *t);

/* Just before CPU next->cpu switches to `next`. */
void thread_table_switch(struct thread *next);

#endif
