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

static void note_ticks(void *arg)
{
	uint64_t *ticks = arg;
	ticks[cpu_id()] = sched_ticks(cpu_id());
}

SV_TEST(lapic_timer_ticks_on_every_cpu)
{
	uint64_t before[CPUS_MAX], after[CPUS_MAX], start = rdtsc();

	SV_ASSERT(tsc_khz() != 0);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, note_ticks, before);
	while (rdtsc() - start < 20 * tsc_khz()) /* 20 ms: about 20 ticks */
		halt();
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, note_ticks, after);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT(after[cpu] >= before[cpu] + 2);
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
