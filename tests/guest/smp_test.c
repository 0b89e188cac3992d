// SPDX-License-Identifier: GPL-2.0-only
/* Cross-CPU calls, the LAPIC timer, and the kernel's page permissions. */
#include <stddef.h>

#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/trap.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/test.h>

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

static volatile unsigned timer_ticks;

static void count_tick(struct trap_frame *frame)
{
	(void)frame;
	timer_ticks++;
	lapic_eoi();
}

SV_TEST(lapic_timer_interrupts_at_the_deadline)
{
	uint64_t start = rdtsc(), deadline = start + tsc_khz(); /* 1 ms */

	SV_ASSERT(tsc_khz() != 0);
	irq_register(VECTOR_TIMER, count_tick);
	timer_ticks = 0;
	lapic_timer_at(deadline);
	while (!timer_ticks && rdtsc() - start < 1000 * tsc_khz()) /* 1 s */
		halt(); /* the timer wakes us */
	SV_ASSERT_EQ(timer_ticks, 1);
	SV_ASSERT(rdtsc() >= deadline);
	irq_register(VECTOR_TIMER, NULL);
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
