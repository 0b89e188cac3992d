/* SPDX-License-Identifier: GPL-2.0-only */
/* x86-64 instructions the kernel needs, as inline functions. */
#ifndef SV_X86_CPU_H
#define SV_X86_CPU_H

#include <stdint.h>

#define MSR_EFER 0xc0000080u
#define MSR_GS_BASE 0xc0000101u
#define MSR_APIC_BASE 0x1bu

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
			 uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & (1u << 9))
		irq_enable();
}

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* sti's one-instruction shadow: an interrupt pending at the sti ends the
 * hlt rather than slipping in before it. */
static inline void halt_enabling_irqs(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

/* Rings a request-ring doorbell (sv/ring.h): a 4-byte write to the port,
 * which the VMM registered as an ioeventfd. */
static inline void arch_ring_doorbell(unsigned port)
{
	__asm__ volatile("outl %k0, %w1" : : "a"(0u), "Nd"((uint16_t)port) : "memory");
}

#endif
