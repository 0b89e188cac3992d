// SPDX-License-Identifier: GPL-2.0-only
#include <arch/lapic.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <kernel/percpu.h>

void arch_send_call_ipi(unsigned cpu)
{
	lapic_send_ipi(percpu_area[cpu].apic_id, VECTOR_CALL_IPI);
}

void arch_send_reschedule_ipi(unsigned cpu)
{
	lapic_send_ipi(percpu_area[cpu].apic_id, VECTOR_RESCHEDULE_IPI);
}
