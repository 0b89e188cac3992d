// SPDX-License-Identifier: GPL-2.0-only
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/trap.h>
#include <kernel/panic.h>

#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)
#define MSR_X2APIC_ID 0x802u
#define MSR_X2APIC_TPR 0x808u
#define MSR_X2APIC_EOI 0x80bu
#define MSR_X2APIC_SVR 0x80fu
#define MSR_X2APIC_ICR 0x830u
#define MSR_X2APIC_LVT_TIMER 0x832u
#define MSR_TSC_DEADLINE 0x6e0u
#define SVR_ENABLE (1u << 8)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static void require_features(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID1_ECX_X2APIC))
		panic("the CPU has no x2APIC (CPUID.1:ECX[21])");
	if (!(c & CPUID1_ECX_TSC_DEADLINE))
		panic("the CPU has no TSC-deadline timer (CPUID.1:ECX[24])");
}

void lapic_init(void)
{
	require_features();
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	wrmsr(MSR_X2APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	wrmsr(MSR_X2APIC_TPR, 0);
	wrmsr(MSR_X2APIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VECTOR_TIMER);
}

uint32_t lapic_id(void)
{
	return (uint32_t)rdmsr(MSR_X2APIC_ID);
}

void lapic_eoi(void)
{
	wrmsr(MSR_X2APIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	/* Fixed delivery, physical destination, edge, assert. */
	wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | vector);
}

void lapic_timer_at(uint64_t tsc)
{
	wrmsr(MSR_TSC_DEADLINE, tsc);
}
