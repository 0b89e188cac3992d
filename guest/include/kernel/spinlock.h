/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-and-test-and-set spinlocks. Not FIFO, on purpose: the guest's vCPUs
 * are threads the host may deschedule at any moment, and a FIFO (ticket)
 * lock then hands the lock to a waiter that is not running while every
 * waiter behind it spins (lock-waiter preemption). In the CI sandbox, where
 * 2 vCPUs take turns on one emulated CPU, ticket locks made the 2-vCPU
 * self-test boot take 14-700 s; with these, 3-7 s. Critical sections are
 * short and CPUs few, so unfairness costs little. The _irq variants also
 * disable interrupts, for data an interrupt handler touches.
 */
#ifndef SV_KERNEL_SPINLOCK_H
#define SV_KERNEL_SPINLOCK_H

#include <stdint.h>

#include <arch/cpu.h>

struct spinlock {
	uint32_t locked;
};

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(struct spinlock *l)
{
	/* Spin on a plain load: only a free-looking lock is worth the
	 * exchange, which takes the cache line away from the holder. */
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#endif
