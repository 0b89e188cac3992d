// SPDX-License-Identifier: GPL-2.0-only
/*
 * The thread table (sv/threads.h, kernel/thread_table.h). Its reader is a
 * monitor looking at a paused VM, not another CPU: what matters is that
 * each field changes by one store the compiler can neither split nor move
 * across the scheduler's other writes (a vCPU's retired stores are all
 * visible once it is paused). Hence atomic stores for single fields, and
 * compiler fences where one write must come before another.
 */
#include <stddef.h>

#include <arch/stacks.h>
#include <kernel/percpu.h>
#include <kernel/thread.h>
#include <kernel/thread_table.h>

struct sv_thread_table sv_thread_table = {
	.magic = SV_THREAD_TABLE_MAGIC,
	.version = SV_THREAD_TABLE_VERSION,
	.slots = SV_THREAD_TABLE_SLOTS,
	.stack_size = THREAD_STACK_SIZE,
	.off_saved_rsp = offsetof(struct thread, saved_rsp),
	.off_stack = offsetof(struct thread, stack),
	.off_cpu = offsetof(struct thread, cpu),
	.off_state = offsetof(struct thread, state),
	.off_flags = offsetof(struct thread, flags),
};

_Static_assert(sizeof(((struct thread *)0)->saved_rsp) == 8 &&
		       sizeof(((struct thread *)0)->stack) == 8 &&
		       sizeof(((struct thread *)0)->cpu) == 4 &&
		       sizeof(((struct thread *)0)->state) == 4 &&
		       sizeof(((struct thread *)0)->flags) == 4,
	       "sv/threads.h promises these field sizes");
_Static_assert(THREAD_DAEMON == SV_THREAD_FLAG_DAEMON && THREAD_RUNNABLE == 0 && THREAD_BLOCKED == 1 &&
		       THREAD_DEAD == 2,
	       "sv/threads.h promises these values");

/* Where the next search for a free slot starts: just past the last slot
 * taken, so a search usually ends at its first look. A hint only. */
static unsigned next_free;

/* Everything written before it reaches memory before what is written
 * after it: the monitor's view of one CPU is that CPU's program order. */
static inline void in_order(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void store(uint64_t *field, uint64_t value)
{
	__atomic_store_n(field, value, __ATOMIC_RELAXED);
}

void thread_table_cpu_up(struct thread *idle)
{
	struct sv_thread_table_cpu *e = &sv_thread_table.cpu[idle->cpu];
	struct arch_stack boot = arch_boot_stack(idle->cpu);
	struct arch_stack fault = arch_fault_stack(idle->cpu);

	store(&e->idle, (uint64_t)(uintptr_t)idle);
	store(&e->idle_stack_lo, boot.lo);
	store(&e->idle_stack_hi, boot.hi);
	store(&e->fault_stack_lo, fault.lo);
	store(&e->fault_stack_hi, fault.hi);
	store(&e->current, (uint64_t)(uintptr_t)idle);
	in_order();
	__atomic_add_fetch(&sv_thread_table.ncpus, 1, __ATOMIC_RELAXED);
}

void thread_table_add(struct thread *t)
{
	unsigned start = __atomic_load_n(&next_free, __ATOMIC_RELAXED);

	in_order(); /* t's saved rsp, stack and cpu first */
	for (unsigned i = 0; i < SV_THREAD_TABLE_SLOTS; i++) {
		unsigned slot = (start + i) % SV_THREAD_TABLE_SLOTS;
		uint64_t *entry = &sv_thread_table.thread[slot];
		uint64_t expected = 0;

		if (__atomic_load_n(entry, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(entry, &expected, (uint64_t)(uintptr_t)t, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			t->table_slot = (int)slot;
			__atomic_store_n(&next_free, slot + 1, __ATOMIC_RELAXED);
			return;
		}
	}
	t->table_slot = -1;
	__atomic_add_fetch(&sv_thread_table.overflow, 1, __ATOMIC_RELAXED);
}

void thread_table_remove(struct thread *t)
{
	if (t->table_slot < 0)
		__atomic_sub_fetch(&sv_thread_table.overflow, 1, __ATOMIC_RELAXED);
	else
		store(&sv_thread_table.thread[t->table_slot], 0);
	in_order(); /* then the caller frees the stack */
}

void thread_table_switch(struct thread *next)
{
	store(&sv_thread_table.cpu[next->cpu].current, (uint64_t)(uintptr_t)next);
	in_order(); /* then arch_switch */
}
