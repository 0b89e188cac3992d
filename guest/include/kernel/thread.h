/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel threads, K42-style: short-lived (one per request), bound to the
 * CPU they were created on, preempted by the timer. Each thread is counted
 * in its CPU's current generation (kernel/generation.h) from creation to
 * exit; daemon threads are long-lived, are not counted, and must reach
 * explicit safe points instead.
 */
#ifndef SV_KERNEL_THREAD_H
#define SV_KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/co_frames.h>

enum thread_state {
	THREAD_RUNNABLE,
	THREAD_BLOCKED,
	THREAD_DEAD,
};

#define THREAD_DAEMON 1u /* long-lived: outside the generation counts */
#define THREAD_STACK_SIZE 16384 /* bytes, every thread but the idle contexts */

struct thread {
	uint64_t saved_rsp;    /* while switched out (arch_switch) */
	struct thread *next;   /* run queue or zombie list link */
	void (*fn)(void *arg);
	void *arg;
	void *stack;
	unsigned cpu;
	unsigned generation;   /* index of the generation it is counted in */
	/* Its place in that generation's list, by which a request that waits
	 * on the generation names whom it waits for (kernel/generation.h). */
	struct thread *gen_prev, *gen_next;
	unsigned flags;
	int state;             /* enum thread_state */
	uint64_t wake_tsc;     /* asleep on the sleepers list: when to wake */
	int wake_pending;      /* thread_wake came before thread_block */
	int wakeable;          /* the sleep is thread_block_until's */
	int woken;             /* thread_wake ended that sleep */
	struct co_frames co_frames; /* interposed calls in progress */
	int table_slot;        /* its slot in the thread table, -1: none */
};

/* Per-CPU scheduler set-up; the calling context becomes the CPU's idle
 * thread, which runs when nothing else is runnable. */
void sched_init_cpu(void);
/* One round of the idle thread's loop: runs what is runnable, or halts
 * with the CPU's tick stopped until an interrupt (a sleeper's deadline, a
 * wake from another CPU, a call) comes. Interrupts on. */
void sched_idle(void);

/* Creates a thread on `cpu` (any CPU); NULL when out of memory. */
struct thread *thread_create_on(unsigned cpu, void (*fn)(void *), void *arg,
				unsigned flags);
void thread_yield(void);
void thread_exit(void) __attribute__((noreturn));
/* Blocks the calling thread until thread_wake (or the deadline, for
 * thread_sleep_until). A wake that came before the block ends it at once,
 * so a wake meant for an earlier wait can end a later one: wait in a loop
 * on the condition. A wake interrupts the thread's CPU if that CPU idles;
 * a busy CPU switches at its next tick. */
void thread_block(void);
void thread_wake(struct thread *t);
void thread_sleep_until(uint64_t tsc);
/* Blocks until thread_wake (true) or until the TSC reaches `tsc` (false;
 * checked at the timer tick). A wake that came first is consumed. */
bool thread_block_until(uint64_t tsc);
struct thread *thread_current(void);

/* Threads created and not yet reaped, over all CPUs (for leak checks). */
uint64_t threads_alive(void);
/* Timer ticks a CPU has taken. */
uint64_t sched_ticks(unsigned cpu);

/* Arms the calling CPU's one-shot timer (arch layer); 0 disarms it. */
void arch_timer_at(uint64_t tsc);

/* The timer tick (arch layer): wakes sleepers, asks for preemption. */
void sched_tick(void);
/* Called by the arch layer on the way out of an interrupt. */
void sched_preempt_point(void);

#endif
