// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page tables. One set of lower-level tables is shared by every CPU; each
 * CPU has its own PML4 that points at them, plus, in slot 510, tables that
 * map the LTT region onto that CPU's own frames.
 */
#include <stdbool.h>

#include <arch/cpu.h>
#include <arch/paging.h>
#include <kernel/early_alloc.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>

#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PAGE_2M (2ull << 20)

extern char __kernel_start[], __text_start[], __text_end[], __rodata_end[],
	__kernel_end[];

static uint64_t *cpu_pml4[CPUS_MAX];
static uint64_t *cpu_ltt_pt[CPUS_MAX];

static uint64_t *new_table(void)
{
	return early_alloc_pages(1);
}

static uint64_t *table_at(uint64_t *entry)
{
	if (!(*entry & PTE_P))
		*entry = (uint64_t)(uintptr_t)new_table() | PTE_P | PTE_W;
	return (uint64_t *)(uintptr_t)(*entry & 0x000ffffffffff000ull);
}

static unsigned slot(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The permission a kernel page gets, from the section it lies in. */
static uint64_t kernel_page_flags(uint64_t pa)
{
	if (pa >= (uintptr_t)__text_start && pa < (uintptr_t)__text_end)
		return PTE_P;                 /* text: read, execute */
	if (pa >= (uintptr_t)__text_end && pa < (uintptr_t)__rodata_end)
		return PTE_P | PTE_NX;        /* rodata */
	return PTE_P | PTE_W | PTE_NX;        /* data, bss, the rest of RAM */
}

/* A 2 MiB piece of RAM that holds kernel pages (or page 0) gets 4 KiB
 * pages so each can have its own permission. */
static void map_small(uint64_t *pd, uint64_t base)
{
	uint64_t *pt = table_at(&pd[slot(base, 2)]);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t pa = base + i * PAGE_SIZE;
		pt[i] = pa == 0 ? 0 : pa | kernel_page_flags(pa); /* null stays a fault */
	}
}

/* A 2 MiB page of the rest of RAM: data, except the patch area's code
 * half, where the monitor writes modules' code (read-execute; the host
 * writes it through guest-physical memory, not through this mapping). */
static uint64_t large_page_flags(const struct sv_boot_info *bi, uint64_t base)
{
	bool patch_code = bi->patch_size && base >= bi->patch_base &&
			  base < bi->patch_base + bi->patch_size / 2;

	return patch_code ? PTE_P | PTE_PS : PTE_P | PTE_W | PTE_PS | PTE_NX;
}

static void map_ram(uint64_t *pml4, const struct sv_boot_info *bi)
{
	uint64_t kernel_lo = (uintptr_t)__kernel_start & ~(PAGE_2M - 1);
	uint64_t kernel_hi = (uintptr_t)__kernel_end;

	for (uint64_t base = 0; base < bi->ram_size; base += PAGE_2M) {
		uint64_t *pdpt = table_at(&pml4[slot(base, 4)]);
		uint64_t *pd = table_at(&pdpt[slot(base, 3)]);
		if (base == 0 || (base >= kernel_lo && base < kernel_hi))
			map_small(pd, base);
		else
			pd[slot(base, 2)] = base | large_page_flags(bi, base);
	}
}

static void map_ltt_region(unsigned cpu, uint64_t *pml4)
{
	uint64_t *pdpt = table_at(&pml4[slot(LTT_REGION_BASE, 4)]);
	uint64_t *pd = table_at(&pdpt[slot(LTT_REGION_BASE, 3)]);
	uint64_t *pt = table_at(&pd[slot(LTT_REGION_BASE, 2)]);
	uint8_t *frames = early_alloc_pages(LTT_REGION_PAGES);

	for (unsigned i = 0; i < LTT_REGION_PAGES; i++)
		pt[slot(LTT_REGION_BASE, 1) + i] =
			(uint64_t)(uintptr_t)(frames + i * PAGE_SIZE) | PTE_P | PTE_W | PTE_NX;
	cpu_ltt_pt[cpu] = pt;
}

void paging_init(const struct sv_boot_info *bi)
{
	uint64_t *shared = new_table();

	map_ram(shared, bi);
	for (unsigned cpu = 0; cpu < bi->ncpus; cpu++) {
		uint64_t *pml4 = new_table();
		for (unsigned i = 0; i < 512; i++)
			pml4[i] = shared[i];
		map_ltt_region(cpu, pml4);
		cpu_pml4[cpu] = pml4;
	}
}

void paging_enter(unsigned cpu)
{
	write_cr3((uint64_t)(uintptr_t)cpu_pml4[cpu]);
}

uint64_t paging_ltt_frame(unsigned cpu, unsigned page)
{
	BUG_ON(cpu >= CPUS_MAX || !cpu_ltt_pt[cpu] || page >= LTT_REGION_PAGES);
	return cpu_ltt_pt[cpu][slot(LTT_REGION_BASE, 1) + page] & 0x000ffffffffff000ull;
}
