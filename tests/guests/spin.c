// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest for the control-socket tests. CPU 0 builds page tables of its
 * own that add two mappings to the boot identity map and switches to them
 * (the other CPUs keep the boot tables, so a translation differs per vCPU):
 *   SPIN_VA_4K -> target_page (a 4 KiB page)
 *   SPIN_VA_2M -> guest-physical 2 MiB (a 2 MiB page)
 * then writes SPIN_MAGIC through SPIN_VA_4K and sets `ready`. Every CPU
 * then counts in progress[cpu] forever; the host pauses, resumes, reads
 * and translates, and finally quits.
 */
#include "guest.h"

#define SPIN_VA_4K 0x00007f0000001000ull
#define SPIN_VA_2M 0x00007f0000200000ull
#define SPIN_MAGIC 0x5eed5eed5eed5eedull
#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PS (1ull << 7)

#define PAGE_ALIGNED __attribute__((aligned(4096)))

static uint64_t pml4[512] PAGE_ALIGNED;
static uint64_t pdpt[512] PAGE_ALIGNED;
static uint64_t pd[512] PAGE_ALIGNED;
static uint64_t pt[512] PAGE_ALIGNED;
uint8_t target_page[4096] PAGE_ALIGNED;

volatile uint64_t progress[64];
volatile uint64_t ready;

static unsigned index_at(uint64_t va, unsigned shift)
{
	return (va >> shift) & 511;
}

static void map_own_tables(void)
{
	uint64_t boot_cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(boot_cr3));
	const uint64_t *boot_pml4 = (const uint64_t *)(boot_cr3 & ~0xfffull);
	for (int i = 0; i < 512; i++)
		pml4[i] = boot_pml4[i];
	pml4[index_at(SPIN_VA_4K, 39)] = (uintptr_t)pdpt | PTE_P | PTE_W;
	pdpt[index_at(SPIN_VA_4K, 30)] = (uintptr_t)pd | PTE_P | PTE_W;
	pd[index_at(SPIN_VA_4K, 21)] = (uintptr_t)pt | PTE_P | PTE_W;
	pt[index_at(SPIN_VA_4K, 12)] = (uintptr_t)target_page | PTE_P | PTE_W;
	pd[index_at(SPIN_VA_2M, 21)] = 0x200000 | PTE_P | PTE_W | PTE_PS;
	__asm__ volatile("mov %0, %%cr3" : : "r"((uintptr_t)pml4) : "memory");
}

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	(void)bi;
	if (cpu == 0) {
		map_own_tables();
		*(volatile uint64_t *)SPIN_VA_4K = SPIN_MAGIC;
		ready = 1;
	}
	for (;;)
		progress[cpu]++;
}
