// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "load.h"
#include "wait.h"

static void load_thread(void *arg)
{
	struct load *l = arg;
	unsigned cpu = cpu_id();
	uint64_t first = __atomic_fetch_add(&l->calls, LOAD_CALLS_PER_THREAD, __ATOMIC_RELAXED);
	int64_t added = 0;

	for (uint64_t i = first; i < first + LOAD_CALLS_PER_THREAD; i++)
		added += l->call(l, cpu, i);
	__atomic_add_fetch(&l->added, added, __ATOMIC_RELAXED);
	/* The successor is counted before this thread is counted finished,
	 * so started == finished only once the chain has ended. */
	if (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		__atomic_add_fetch(&l->started, 1, __ATOMIC_ACQ_REL);
		if (!thread_create_on(cpu, load_thread, l, 0))
			__atomic_sub_fetch(&l->started, 1, __ATOMIC_ACQ_REL);
	}
	__atomic_add_fetch(&l->finished, 1, __ATOMIC_ACQ_REL);
}

bool load_start(struct load *l, unsigned per_cpu)
{
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		for (unsigned k = 0; k < per_cpu; k++) {
			__atomic_add_fetch(&l->started, 1, __ATOMIC_ACQ_REL);
			if (!thread_create_on(cpu, load_thread, l, 0)) {
				__atomic_sub_fetch(&l->started, 1, __ATOMIC_ACQ_REL);
				load_stop(l);
				return false;
			}
		}
	return true;
}

bool load_progress(struct load *l, uint64_t calls)
{
	uint64_t want = __atomic_load_n(&l->calls, __ATOMIC_ACQUIRE) + calls;

	if (wait_for(&l->calls, want, LOAD_STALL_MS))
		return true;
	test_fail(__FILE__, __LINE__,
		  "load stalled: %llu of %llu calls after %u ms; chains' threads "
		  "started %llu, finished %llu; %llu threads alive, %llu free pages",
		  (unsigned long long)l->calls, (unsigned long long)want, LOAD_STALL_MS,
		  (unsigned long long)l->started, (unsigned long long)l->finished,
		  (unsigned long long)threads_alive(), (unsigned long long)pages_free_count());
	return false;
}

bool load_stop(struct load *l)
{
	__atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
	for (unsigned tries = 0; tries < LOAD_STALL_MS; tries++) {
		/* finished first: a thread ending between the two reads has
		 * already counted its successor. */
		uint64_t finished = __atomic_load_n(&l->finished, __ATOMIC_ACQUIRE);

		if (finished == __atomic_load_n(&l->started, __ATOMIC_ACQUIRE))
			return true;
		wait_for(&l->finished, finished + 1, 1);
	}
	return false;
}
