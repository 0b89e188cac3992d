// SPDX-License-Identifier: GPL-2.0-only
/* Threads, preemption, sleep and wake, and generation quiescence. */
#include <stddef.h>

#include <arch/cpu.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

static volatile uint64_t runs;

static void count_run(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&runs, 1, __ATOMIC_ACQ_REL);
}

#define SHORT_THREADS 10000
#define IN_FLIGHT_MAX 256

SV_TEST(ten_thousand_short_threads_run_and_are_reaped)
{
	uint64_t alive = threads_alive();
	struct heap_stats before, after;

	heap_stats(&before);
	runs = 0;
	for (unsigned i = 0; i < SHORT_THREADS; i++) {
		while (threads_alive() - alive >= IN_FLIGHT_MAX)
			halt(); /* bounded in flight: stacks are 16 KiB each */
		SV_ASSERT(thread_create_on(i % cpus_online(), count_run, NULL, 0) != NULL);
	}
	SV_ASSERT(wait_for(&runs, SHORT_THREADS, 60000));
	uint64_t start = rdtsc();
	while (threads_alive() != alive && rdtsc() - start < 10000 * tsc_khz())
		halt();
	SV_ASSERT_EQ(threads_alive(), alive);
	heap_stats(&after);
	SV_ASSERT_EQ(after.objects_in_use, before.objects_in_use);
}

struct busy {
	volatile uint64_t progress[2];
	volatile int stop;
	volatile uint64_t exited;
};

static struct busy busy;

static void spin_and_count(void *arg)
{
	volatile uint64_t *mine = arg;

	while (!busy.stop)
		(*mine)++; /* never yields: only the timer can switch us out */
	__atomic_add_fetch(&busy.exited, 1, __ATOMIC_ACQ_REL);
}

SV_TEST(timer_preemption_shares_a_cpu_between_busy_threads)
{
	unsigned cpu = cpus_online() - 1;
	uint64_t p0, p1, start;

	busy = (struct busy){ 0 };
	SV_ASSERT(thread_create_on(cpu, spin_and_count, (void *)&busy.progress[0], 0));
	SV_ASSERT(thread_create_on(cpu, spin_and_count, (void *)&busy.progress[1], 0));
	start = rdtsc();
	while (rdtsc() - start < 50 * tsc_khz()) /* 50 ms, ~50 ticks */
		halt();
	p0 = busy.progress[0];
	p1 = busy.progress[1];
	busy.stop = 1;
	SV_ASSERT(wait_for(&busy.exited, 2, 5000));
	SV_ASSERT(p0 > 0);
	SV_ASSERT(p1 > 0);
}

struct sleeper {
	struct thread *thread;
	volatile uint64_t state; /* 1 blocked soon, 2 woken, 3 slept, 4 done */
	uint64_t deadline, woke_at;
};

static void block_then_sleep(void *arg)
{
	struct sleeper *s = arg;

	s->thread = thread_current();
	__atomic_store_n(&s->state, 1, __ATOMIC_RELEASE);
	thread_block();
	__atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
	s->deadline = rdtsc() + 5 * tsc_khz();
	thread_sleep_until(s->deadline);
	s->woke_at = rdtsc();
	__atomic_store_n(&s->state, 4, __ATOMIC_RELEASE);
}

SV_TEST(threads_block_wake_and_sleep)
{
	static struct sleeper s;

	s = (struct sleeper){ 0 };
	SV_ASSERT(thread_create_on(cpus_online() - 1, block_then_sleep, &s, 0));
	SV_ASSERT(wait_for(&s.state, 1, 5000));
	uint64_t start = rdtsc();
	while (rdtsc() - start < 10 * tsc_khz()) /* stays blocked until woken */
		halt();
	SV_ASSERT_EQ(s.state, 1);
	thread_wake(s.thread);
	SV_ASSERT(wait_for(&s.state, 4, 5000));
	SV_ASSERT(s.woke_at >= s.deadline);
}

/* Generation quiescence: threads of random length on every CPU, a request
 * while they run, and a callback that must find every one of them ended. */
#define QUIESCE_ROUNDS 1000
#define QUIESCE_THREADS_PER_CPU 2

struct round {
	volatile uint64_t ended;   /* threads of this round that finished */
	uint64_t started;
	volatile uint64_t fired;
	uint64_t early;            /* callbacks that came too soon */
};

static struct round round;
static uint64_t rng = 88172645463325252ull;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void work_then_end(void *arg)
{
	uint64_t until = rdtsc() + (uint64_t)(uintptr_t)arg;

	while (rdtsc() < until)
		if (next_random() % 64 == 0)
			thread_yield();
	__atomic_add_fetch(&round.ended, 1, __ATOMIC_ACQ_REL);
}

static void quiescent(void *arg)
{
	(void)arg;
	if (__atomic_load_n(&round.ended, __ATOMIC_ACQUIRE) != round.started)
		round.early++;
	__atomic_store_n(&round.fired, 1, __ATOMIC_RELEASE);
}

SV_TEST(generation_quiescence_waits_for_every_thread_alive_at_the_request)
{
	uint64_t swaps_before = generation_swaps(0);

	for (unsigned r = 0; r < QUIESCE_ROUNDS; r++) {
		round.ended = 0;
		round.fired = 0;
		round.started = (uint64_t)cpus_online() * QUIESCE_THREADS_PER_CPU;
		for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
			for (unsigned i = 0; i < QUIESCE_THREADS_PER_CPU; i++) {
				uint64_t cycles = next_random() % (tsc_khz() / 5 + 1); /* < 200 us */
				SV_ASSERT(thread_create_on(cpu, work_then_end,
							   (void *)(uintptr_t)cycles, 0));
			}
		SV_ASSERT_EQ(generation_request(quiescent, NULL), 0);
		SV_ASSERT(wait_for(&round.fired, 1, 10000));
		SV_ASSERT_EQ(round.ended, round.started);
	}
	SV_ASSERT_EQ(round.early, 0);
	SV_ASSERT(generation_swaps(0) >= swaps_before + 2 * QUIESCE_ROUNDS);
}
