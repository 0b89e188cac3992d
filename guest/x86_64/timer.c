// SPDX-License-Identifier: GPL-2.0-only
/* The scheduler's tick on the LAPIC's TSC-deadline timer. */
#include <arch/lapic.h>
#include <arch/trap.h>
#include <kernel/thread.h>

void arch_timer_at(uint64_t tsc)
{
	lapic_timer_at(tsc);
}

static void timer_interrupt(struct trap_frame *frame)
{
	(void)frame;
	lapic_eoi();
	sched_tick(); /* re-arms the timer */
}

void timer_init(void)
{
	irq_register(VECTOR_TIMER, timer_interrupt);
}
