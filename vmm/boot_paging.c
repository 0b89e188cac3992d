// SPDX-License-Identifier: GPL-2.0-only
#include "boot_paging.h"

#include <string.h>

#include "boot_layout.h"

#define PTE_PRESENT 1ull
#define PTE_WRITABLE 2ull
#define PTE_LARGE (1ull << 7)
#define PAGE_2M (2ull << 20)
#define IDENTITY_SPAN (4ull << 30)

struct pt_pool {
	uint8_t *ram;
	uint64_t next; /* next free page in the pool */
};

static uint64_t pool_page(struct pt_pool *pool)
{
	uint64_t gpa = pool->next;

	if (gpa >= BOOT_PT_POOL_END)
		return 0;
	pool->next += 4096;
	memset(pool->ram + gpa, 0, 4096);
	return gpa;
}

static uint64_t *entry_at(struct pt_pool *pool, uint64_t table, uint64_t va,
			  unsigned shift)
{
	return (uint64_t *)(pool->ram + table) + ((va >> shift) & 511);
}

/* The table an entry points to, created when absent. */
static uint64_t next_table(struct pt_pool *pool, uint64_t *entry)
{
	if (!(*entry & PTE_PRESENT)) {
		uint64_t page = pool_page(pool);
		if (!page)
			return 0;
		*entry = page | PTE_PRESENT | PTE_WRITABLE;
	}
	return *entry & ~0xfffull;
}

static int map_2m(struct pt_pool *pool, uint64_t pml4, uint64_t va, uint64_t pa)
{
	uint64_t pdpt = next_table(pool, entry_at(pool, pml4, va, 39));
	uint64_t pd = pdpt ? next_table(pool, entry_at(pool, pdpt, va, 30)) : 0;

	if (!pd)
		return -1;
	*entry_at(pool, pd, va, 21) = pa | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
	return 0;
}

static int map_range(struct pt_pool *pool, uint64_t pml4, uint64_t va,
		     uint64_t pa, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_2M)
		if (map_2m(pool, pml4, va + off, pa + off))
			return -1;
	return 0;
}

uint64_t boot_paging_build(uint8_t *ram, uint64_t ram_size,
			   const uint64_t *link_offsets, unsigned noffsets)
{
	struct pt_pool pool = { .ram = ram, .next = BOOT_PT_POOL_GPA };
	uint64_t pml4 = pool_page(&pool);

	if (map_range(&pool, pml4, 0, 0, IDENTITY_SPAN))
		return 0;
	for (unsigned i = 0; i < noffsets; i++) {
		uint64_t offset = link_offsets[i];
		/* A higher-half alias ends at the top of the address space. */
		uint64_t len = offset + ram_size < offset ? -offset : ram_size;
		if (offset && map_range(&pool, pml4, offset, 0, len))
			return 0;
	}
	return pml4;
}
