/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_ARCH_SMP_H
#define SV_ARCH_SMP_H

/* Interrupts `cpu` so that it runs smp_call_handle(). */
void arch_send_call_ipi(unsigned cpu);

/* Interrupts `cpu` so that it reschedules on the way out (a thread was
 * made runnable there). */
void arch_send_reschedule_ipi(unsigned cpu);

#endif
