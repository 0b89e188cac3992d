/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_SMP_H
#define SV_KERNEL_SMP_H

/* Runs fn(arg) on `cpu` in interrupt context and returns once it has run
 * there (on the calling CPU, directly). Call with interrupts enabled, so
 * that two CPUs calling each other both make progress. */
void smp_call(unsigned cpu, void (*fn)(void *arg), void *arg);

/* smp_call always through the IPI, to the calling CPU too (as a self-IPI):
 * what one IPI round trip costs, on any number of CPUs. */
void smp_call_by_ipi(unsigned cpu, void (*fn)(void *arg), void *arg);

/* The interrupt handler side, called by the arch layer's IPI vector. */
void smp_call_handle(void);

#endif
