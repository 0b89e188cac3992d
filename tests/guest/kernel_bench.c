// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel base's costs in guest TSC cycles, as one JSON line (run with
 * test=kernel_bench): boot to the first test, context switch, and an idle
 * generation-quiescence round, each also as a ratio to one IPI round trip
 * of the same run (to CPU 1, or a self-IPI on a 1-vCPU guest).
 */
#include <stddef.h>

#include <arch/cpu.h>
#include <kernel/generation.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "bench.h"

#define IPI_ROUNDS 1000
#define SWITCH_ROUNDS 10000
#define QUIESCE_ROUNDS 100

static uint64_t yielders_done;
static struct thread *bench_thread;

static void yield_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < SWITCH_ROUNDS; i++)
		thread_yield();
	if (__atomic_add_fetch(&yielders_done, 1, __ATOMIC_ACQ_REL) == 2)
		thread_wake(bench_thread);
}

/* Two threads yielding to each other (on CPU 1 when there is one) while
 * the benchmark's thread is blocked: each yield is one switch. */
static uint64_t context_switch(void)
{
	uint64_t start = rdtsc();

	yielders_done = 0;
	bench_thread = thread_current();
	if (!thread_create_on(bench_other_cpu(), yield_many, NULL, 0) ||
	    !thread_create_on(bench_other_cpu(), yield_many, NULL, 0))
		return 0;
	thread_block();
	return (rdtsc() - start) / (2 * SWITCH_ROUNDS);
}

static volatile int fired;

static void quiescent(void *arg)
{
	(void)arg;
	__atomic_store_n(&fired, 1, __ATOMIC_RELEASE);
}

static uint64_t quiescence_round(void)
{
	uint64_t start = rdtsc();

	for (int i = 0; i < QUIESCE_ROUNDS; i++) {
		fired = 0;
		if (generation_request(quiescent, NULL))
			return 0;
		while (!__atomic_load_n(&fired, __ATOMIC_ACQUIRE))
			cpu_relax();
	}
	return (rdtsc() - start) / QUIESCE_ROUNDS;
}

SV_BENCH(kernel_bench)
{
	uint64_t boot = rdtsc() - boot_tsc;
	char r_boot[32], r_switch[32], r_quiesce[32];

	uint64_t ipi = bench_ipi_round_trip(IPI_ROUNDS), sw = context_switch(), q = quiescence_round();
	SV_ASSERT(ipi && sw && q);
	bench_ratio(r_boot, sizeof(r_boot), boot, ipi);
	bench_ratio(r_switch, sizeof(r_switch), sw, ipi);
	bench_ratio(r_quiesce, sizeof(r_quiesce), q, ipi);
	printk("{\"cpus\":%u,\"ipi_to\":\"%s\",\"tsc_khz\":%llu,\"ipi_round_trip_cycles\":%llu,"
	       "\"boot_to_first_test_cycles\":%llu,\"boot_ratio_to_ipi\":%s,"
	       "\"context_switch_cycles\":%llu,\"context_switch_ratio_to_ipi\":%s,"
	       "\"idle_quiescence_cycles\":%llu,\"quiescence_ratio_to_ipi\":%s}\n",
	       cpus_online(), bench_other_cpu() ? "cpu1" : "self", (unsigned long long)tsc_khz(), (unsigned long long)ipi,
	       (unsigned long long)boot, r_boot, (unsigned long long)sw, r_switch,
	       (unsigned long long)q, r_quiesce);
}
