// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own GDT and a TSS per CPU. The only reason for the TSS is
 * its interrupt stack table: a double fault (a kernel stack overflow, say)
 * switches to a known-good stack and is reported like any fault, instead
 * of escalating into a triple fault that leaves nothing to read.
 */
#include <arch/stacks.h>
#include <arch/trap.h>
#include <kernel/percpu.h>

#define SEL_TSS 0x18
#define DOUBLE_FAULT_STACK 8192

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static uint64_t gdts[CPUS_MAX][5] __attribute__((aligned(16)));
static struct tss tsses[CPUS_MAX];
static uint8_t df_stacks[CPUS_MAX][DOUBLE_FAULT_STACK] __attribute__((aligned(16)));

struct arch_stack arch_fault_stack(unsigned cpu)
{
	uint64_t lo = (uint64_t)(uintptr_t)df_stacks[cpu];

	return (struct arch_stack){ lo, lo + DOUBLE_FAULT_STACK };
}

static void tss_descriptor(uint64_t *slot, const struct tss *t)
{
	uint64_t base = (uint64_t)(uintptr_t)t, limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
		  ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	slot[1] = base >> 32;
}

void gdt_load(unsigned cpu)
{
	uint64_t *gdt = gdts[cpu];
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdts[0]) - 1, (uint64_t)(uintptr_t)gdt };

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffull; /* 0x08: 64-bit code, as the VMM's */
	gdt[2] = 0x00cf93000000ffffull; /* 0x10: data */
	tsses[cpu].ist[IST_DOUBLE_FAULT - 1] =
		(uint64_t)(uintptr_t)(df_stacks[cpu] + DOUBLE_FAULT_STACK);
	tsses[cpu].iomap_base = sizeof(struct tss);
	tss_descriptor(&gdt[3], &tsses[cpu]);
	__asm__ volatile("lgdt %0\n\tltr %w1" : : "m"(gdtr), "r"(SEL_TSS) : "memory");
}
