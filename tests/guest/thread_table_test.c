// SPDX-License-Identifier: GPL-2.0-only
/*
 * The thread table (sv/threads.h) read as the monitor reads it: the
 * header's numbers, each CPU's idle, current and stacks, every thread
 * listed exactly once while it lives and forgotten once it is reaped, and
 * a table too small for its threads counting the rest in `overflow`.
 */
#include <stddef.h>

#include <arch/cpu.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>
#include <kernel/thread_table.h>

#include "wait.h"

#define PARKED_PER_CPU 4
#define PARKED_MAX (SV_THREAD_TABLE_SLOTS + 8)

/* Threads that each block once, until the test wakes them: nothing else
 * wakes them, so none can end (and be freed) before its wake. */
static struct {
	struct thread *threads[PARKED_MAX];
	unsigned n;
	volatile uint64_t started, current_wrong;
} parked;

static const struct sv_thread_table *const table = &sv_thread_table;

static void park(void *arg)
{
	struct thread *me = thread_current();

	(void)arg;
	if (table->cpu[me->cpu].current != (uintptr_t)me)
		__atomic_add_fetch(&parked.current_wrong, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&parked.started, 1, __ATOMIC_RELEASE);
	thread_block();
}

static bool park_on(unsigned cpu)
{
	struct thread *t;

	if (parked.n == PARKED_MAX || !(t = thread_create_on(cpu, park, NULL, 0)))
		return false;
	parked.threads[parked.n++] = t;
	return true;
}

/* Their addresses stay in parked.threads, to look for after the reaping. */
static void wake_parked(void)
{
	for (unsigned i = 0; i < parked.n; i++)
		thread_wake(parked.threads[i]);
}

static void parked_reset(void)
{
	parked.n = 0;
	parked.started = parked.current_wrong = 0;
}

static unsigned times_listed(uint64_t t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < SV_THREAD_TABLE_SLOTS; i++)
		n += __atomic_load_n(&table->thread[i], __ATOMIC_RELAXED) == t;
	return n;
}

static uint64_t slots_used(void)
{
	return SV_THREAD_TABLE_SLOTS - times_listed(0);
}

/* A field of struct thread read at the table's offset, as the monitor does. */
static uint64_t field(const struct thread *t, uint32_t off, unsigned size)
{
	const char *p = (const char *)t + off;

	return size == 8 ? *(const uint64_t *)p : *(const uint32_t *)p;
}

/* Every thread created and not yet reaped is listed, or counted in
 * overflow; waits (briefly) for threads ending on other CPUs to be reaped. */
static bool table_matches_threads_alive(void)
{
	uint64_t start = rdtsc();

	while (slots_used() + table->overflow != threads_alive())
		if (rdtsc() - start > 5000 * tsc_khz())
			return false;
		else
			thread_sleep_until(rdtsc() + tsc_khz() / 4);
	return true;
}

static bool reaped_all_but(uint64_t alive)
{
	uint64_t start = rdtsc();

	while (threads_alive() != alive && rdtsc() - start < 10000 * tsc_khz())
		thread_sleep_until(rdtsc() + tsc_khz() / 4);
	return threads_alive() == alive;
}

SV_TEST(thread_table_header_describes_struct_thread)
{
	SV_ASSERT_EQ(table->magic, SV_THREAD_TABLE_MAGIC);
	SV_ASSERT_EQ(table->version, SV_THREAD_TABLE_VERSION);
	SV_ASSERT_EQ(table->slots, SV_THREAD_TABLE_SLOTS);
	SV_ASSERT_EQ(table->ncpus, cpus_online());
	SV_ASSERT_EQ(table->overflow, 0);
	SV_ASSERT_EQ(table->stack_size, THREAD_STACK_SIZE);
	SV_ASSERT_EQ(table->off_saved_rsp, offsetof(struct thread, saved_rsp));
	SV_ASSERT_EQ(table->off_stack, offsetof(struct thread, stack));
	SV_ASSERT_EQ(table->off_cpu, offsetof(struct thread, cpu));
	SV_ASSERT_EQ(table->off_state, offsetof(struct thread, state));
	SV_ASSERT_EQ(table->off_flags, offsetof(struct thread, flags));
}

/* Each CPU's idle context and stacks; CPU 0's idle context is switched out
 * while this test's thread runs there, so its saved rsp lies in its boot
 * stack. No stack overlaps another CPU's. */
SV_TEST(thread_table_cpus_have_idle_contexts_and_their_stacks)
{
	unsigned ncpus = cpus_online();

	for (unsigned c = 0; c < ncpus; c++) {
		const struct sv_thread_table_cpu *e = &table->cpu[c];
		const struct thread *idle = (const struct thread *)(uintptr_t)e->idle;

		SV_ASSERT(idle != NULL);
		SV_ASSERT_EQ(idle->cpu, c);
		SV_ASSERT(idle->flags & THREAD_DAEMON);
		SV_ASSERT(e->idle_stack_lo && e->idle_stack_lo < e->idle_stack_hi);
		SV_ASSERT(e->fault_stack_lo && e->fault_stack_lo < e->fault_stack_hi);
		for (unsigned o = 0; o < c; o++) {
			const struct sv_thread_table_cpu *other = &table->cpu[o];

			SV_ASSERT(e->idle_stack_hi <= other->idle_stack_lo ||
				  e->idle_stack_lo >= other->idle_stack_hi);
			SV_ASSERT(e->fault_stack_hi <= other->fault_stack_lo ||
				  e->fault_stack_lo >= other->fault_stack_hi);
			SV_ASSERT(e->idle != other->idle);
		}
	}
	for (unsigned c = ncpus; c < SV_THREAD_TABLE_CPUS; c++)
		SV_ASSERT_EQ(table->cpu[c].idle, 0);
	const struct thread *idle0 = (const struct thread *)(uintptr_t)table->cpu[0].idle;
	SV_ASSERT(idle0->saved_rsp >= table->cpu[0].idle_stack_lo);
	SV_ASSERT(idle0->saved_rsp < table->cpu[0].idle_stack_hi);
}

SV_TEST(thread_table_lists_each_thread_once_until_it_is_reaped)
{
	uint64_t alive = threads_alive();
	unsigned ncpus = cpus_online();

	parked_reset();
	SV_ASSERT_EQ(table->cpu[cpu_id()].current, (uintptr_t)thread_current());
	SV_ASSERT_EQ(times_listed((uintptr_t)thread_current()), 1);
	for (unsigned i = 0; i < PARKED_PER_CPU * ncpus; i++)
		SV_ASSERT(park_on(i % ncpus));
	SV_ASSERT(wait_for(&parked.started, parked.n, 10000));
	SV_ASSERT_EQ(parked.current_wrong, 0);
	SV_ASSERT(table_matches_threads_alive());
	for (unsigned i = 0; i < parked.n; i++) {
		const struct thread *t = parked.threads[i];
		uint64_t stack = field(t, table->off_stack, 8);
		uint64_t rsp = field(t, table->off_saved_rsp, 8);

		SV_ASSERT_EQ(times_listed((uintptr_t)t), 1);
		SV_ASSERT_EQ(field(t, table->off_cpu, 4), i % ncpus);
		SV_ASSERT_EQ(field(t, table->off_flags, 4), 0);
		SV_ASSERT_EQ(stack, (uintptr_t)t->stack);
		/* blocked, or about to: switched out on its own stack */
		SV_ASSERT(rsp > stack && rsp < stack + table->stack_size);
	}
	wake_parked();
	SV_ASSERT(reaped_all_but(alive));
	SV_ASSERT(table_matches_threads_alive());
	for (unsigned i = 0; i < parked.n; i++) /* reaped: no thread was created since */
		SV_ASSERT_EQ(times_listed((uintptr_t)parked.threads[i]), 0);
}

/* Each thread the scheduler runs finds itself as its CPU's current, and
 * a CPU with nothing to run has its idle context there. */
SV_TEST(thread_table_current_is_the_running_thread)
{
	uint64_t alive = threads_alive();
	unsigned ncpus = cpus_online();

	parked_reset();
	for (unsigned c = 0; c < ncpus; c++)
		SV_ASSERT(park_on(c));
	SV_ASSERT(wait_for(&parked.started, ncpus, 10000));
	SV_ASSERT_EQ(parked.current_wrong, 0);
	wake_parked();
	SV_ASSERT(reaped_all_but(alive));
	for (unsigned c = 1; c < ncpus; c++)
		SV_ASSERT_EQ(table->cpu[c].current, table->cpu[c].idle);
	SV_ASSERT_EQ(table->cpu[0].current, (uintptr_t)thread_current());
}

/* More threads than slots: creation still succeeds, the slots fill, the
 * rest are counted in overflow, and the count drops as they are reaped. */
SV_TEST(thread_table_overflow_is_counted_and_drops_when_reaped)
{
	uint64_t alive = threads_alive();
	unsigned cpu = cpus_online() - 1;

	parked_reset();
	while (slots_used() < SV_THREAD_TABLE_SLOTS || table->overflow < 8)
		SV_ASSERT(park_on(cpu));
	SV_ASSERT(wait_for(&parked.started, parked.n, 30000));
	SV_ASSERT_EQ(slots_used(), SV_THREAD_TABLE_SLOTS);
	SV_ASSERT_EQ(table->overflow, threads_alive() - SV_THREAD_TABLE_SLOTS);
	wake_parked();
	SV_ASSERT(reaped_all_but(alive));
	SV_ASSERT_EQ(table->overflow, 0);
	SV_ASSERT(table_matches_threads_alive());
}
