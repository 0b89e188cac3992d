// SPDX-License-Identifier: GPL-2.0-only
/* Hosted guest threads: see hosted_threads.h. */
#include "hosted_threads.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <arch/cpu.h>
#include <kernel/generation.h>
#include <kernel/kernel.h>
#include <kernel/thread.h>

/* The host thread's own thread: a daemon, as the guest's test runner. */
static _Thread_local struct thread own_daemon = { .flags = THREAD_DAEMON };
static _Thread_local struct thread *current;

struct thread *thread_current(void)
{
	return current ? current : &own_daemon;
}

uint64_t tsc_khz(void)
{
	return 1000000; /* rdtsc() counts nanoseconds */
}

struct thread *hosted_thread_begin(unsigned cpu)
{
	/* Host memory: the guest heap's counts stay the objects' own. */
	struct thread *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->cpu = cpu;
	generation_thread_start(t);
	current = t;
	return t;
}

void hosted_thread_end(struct thread *t)
{
	current = NULL;
	generation_thread_exit(t);
	free(t);
}

/* wake_pending is the futex word: 1 once a wake is due. */
static bool wait_for_wake(struct thread *me, const struct timespec *timeout)
{
	int *word = &me->wake_pending;

	while (!__atomic_exchange_n(word, 0, __ATOMIC_ACQUIRE))
		if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, timeout, NULL, 0) != 0 &&
		    errno == ETIMEDOUT)
			return __atomic_exchange_n(word, 0, __ATOMIC_ACQUIRE);
	return true;
}

void thread_block(void)
{
	wait_for_wake(thread_current(), NULL);
}

bool thread_block_until(uint64_t tsc)
{
	uint64_t now = rdtsc();
	struct timespec left;

	if (now >= tsc)
		return __atomic_exchange_n(&thread_current()->wake_pending, 0, __ATOMIC_ACQUIRE);
	left.tv_sec = (time_t)((tsc - now) / 1000000000u);
	left.tv_nsec = (long)((tsc - now) % 1000000000u);
	return wait_for_wake(thread_current(), &left);
}

void thread_wake(struct thread *t)
{
	__atomic_store_n(&t->wake_pending, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &t->wake_pending, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
