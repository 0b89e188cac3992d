/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC in x2APIC mode (MSR access, no MMIO mapping needed). */
#ifndef SV_ARCH_LAPIC_H
#define SV_ARCH_LAPIC_H

#include <stdint.h>

void lapic_init(void);          /* on every CPU */
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* One-shot timer interrupt at `tsc` (TSC-deadline mode). */
void lapic_timer_at(uint64_t tsc);

#endif
