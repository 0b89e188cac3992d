// SPDX-License-Identifier: GPL-2.0-only
/* Cross-CPU calls, the LAPIC timer, and the kernel's page permissions. */
#include <stddef.h>

#include <arch/cpu.h>
#include <arch/paging.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

static void record_cpu(void *arg)
{
	unsigned *ran_on = arg;
	ran_on[cpu_id()] = cpu_id() + 1;
}

SV_TEST(smp_call_runs_on_the_cpu_it_names)
{
	unsigned ran_on[CPUS_MAX] = { 0 };

	for (unsigned round = 0; round < 100; round++)
		for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
			smp_call(cpu, record_cpu, ran_on);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT_EQ(ran_on[cpu], cpu + 1);
}

#define BUSY_MS 20 /* about 20 ticks */

struct busy_cpus {
	uint64_t ticks[CPUS_MAX]; /* ticks each CPU took while busy */
	uint64_t done;
};

static void spin_and_count_ticks(void *arg)
{
	struct busy_cpus *b = arg;
	uint64_t before = sched_ticks(cpu_id()), start = rdtsc();

	while (rdtsc() - start < BUSY_MS * tsc_khz())
		cpu_relax();
	b->ticks[cpu_id()] = sched_ticks(cpu_id()) - before;
	__atomic_add_fetch(&b->done, 1, __ATOMIC_RELEASE);
}

/* A CPU with a thread to run takes the scheduler's tick; one that idles
 * stops it (each tick costs VM exits), whatever the other CPUs do. */
SV_TEST(lapic_timer_ticks_on_every_busy_cpu_and_stops_on_idle_ones)
{
	static struct busy_cpus busy;
	uint64_t idle_before[CPUS_MAX];

	SV_ASSERT(tsc_khz() != 0);
	busy = (struct busy_cpus){ 0 };
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT(thread_create_on(cpu, spin_and_count_ticks, &busy, 0));
	SV_ASSERT(wait_for(&busy.done, cpus_online(), 10000));
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT(busy.ticks[cpu] >= 2);
	thread_sleep_until(rdtsc() + 2 * tsc_khz()); /* their CPUs go idle */
	for (unsigned cpu = 1; cpu < cpus_online(); cpu++)
		idle_before[cpu] = sched_ticks(cpu);
	thread_sleep_until(rdtsc() + BUSY_MS * tsc_khz());
	for (unsigned cpu = 1; cpu < cpus_online(); cpu++)
		SV_ASSERT(sched_ticks(cpu) <= idle_before[cpu] + 1);
}

#define PTE_W 2ull
#define PTE_NX (1ull << 63)

/* The leaf entry mapping va, from this CPU's page tables. */
static uint64_t leaf_entry(uint64_t va)
{
	uint64_t table = read_cr3() & 0x000ffffffffff000ull;

	for (int level = 4;; level--) {
		uint64_t e = ((uint64_t *)table)[(va >> (12 + 9 * (level - 1))) & 511];
		if (level == 1 || !(e & 1) || (e & (1ull << 7)))
			return e;
		table = e & 0x000ffffffffff000ull;
	}
}

extern char __text_start[], __rodata_start[], __data_start[];

SV_TEST(kernel_text_is_read_only_and_data_not_executable)
{
	uint64_t text = leaf_entry((uintptr_t)__text_start);
	uint64_t rodata = leaf_entry((uintptr_t)__rodata_start);
	uint64_t data = leaf_entry((uintptr_t)__data_start);

	SV_ASSERT((text & 1) && !(text & PTE_W) && !(text & PTE_NX));
	SV_ASSERT((rodata & 1) && !(rodata & PTE_W) && (rodata & PTE_NX));
	SV_ASSERT((data & 1) && (data & PTE_W) && (data & PTE_NX));
	SV_ASSERT_EQ(leaf_entry(0) & 1, 0); /* null stays a fault */
}

static void __attribute__((noinline)) write_through_bad_pointer(volatile uint64_t *p)
{
	*p = 42;
}

/* Held in memory so the compiler neither folds nor warns about it. */
static volatile uintptr_t bad_address = 0x10;

SV_CRASH_TEST(crash_page_fault_is_reported)
{
	write_through_bad_pointer((volatile uint64_t *)bad_address);
}

/* A trap taken with the stack pointer in the unmapped page 0: delivering it
 * faults, which is a double fault, which must arrive on its own stack and
 * be reported instead of shutting the machine down. */
SV_CRASH_TEST(crash_double_fault_is_reported)
{
	__asm__ volatile("mov $0x800, %%rsp\n\tint3" : : : "memory");
}
