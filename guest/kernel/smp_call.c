// SPDX-License-Identifier: GPL-2.0-only
/* Cross-CPU function calls: one mailbox per target CPU, a lock so callers
 * to the same target take turns, and an IPI to make the target look. */
#include <arch/smp.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>

struct mailbox {
	struct spinlock lock;   /* held by the caller for the whole call */
	void (*fn)(void *arg);
	void *arg;
	int pending;
	int done;
};

static struct mailbox mailboxes[CPUS_MAX];

void smp_call(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	if (cpu == cpu_id()) {
		uint64_t flags = irq_save();
		fn(arg);
		irq_restore(flags);
		return;
	}
	smp_call_by_ipi(cpu, fn, arg);
}

void smp_call_by_ipi(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	struct mailbox *m = &mailboxes[cpu];

	spin_lock(&m->lock);
	m->fn = fn;
	m->arg = arg;
	__atomic_store_n(&m->done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&m->pending, 1, __ATOMIC_RELEASE);
	arch_send_call_ipi(cpu);
	while (!__atomic_load_n(&m->done, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_unlock(&m->lock);
}

void smp_call_handle(void)
{
	struct mailbox *m = &mailboxes[cpu_id()];

	if (!__atomic_exchange_n(&m->pending, 0, __ATOMIC_ACQUIRE))
		return;
	m->fn(m->arg);
	__atomic_store_n(&m->done, 1, __ATOMIC_RELEASE);
}
