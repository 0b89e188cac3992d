// SPDX-License-Identifier: GPL-2.0-only
/* Synthetic page tables for the page walker's unit tests. The tables are
 * built here with their own simple code, independent of the walker, so
 * the test compares two implementations of the x86-64 format. */
#include "page_walk_shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "page_walk.h"

#define PAGE 4096ull
#define ADDR_MASK 0x000ffffffffff000ull

struct pws_guest {
	uint8_t *map;      /* the whole mapping: RAM pages, then the guard */
	size_t map_size;
	uint8_t *ram;      /* guest-physical 0; ram + ram_size is the guard */
	uint64_t ram_size;
	uint64_t root;
	uint64_t next_table;
	struct page_walk_ctx ctx64;
};

static uint64_t alloc_table(struct pws_guest *g)
{
	uint64_t t = g->next_table;

	if (t > g->ram_size || g->ram_size - t < PAGE)
		return 0;
	g->next_table += PAGE;
	memset(g->ram + t, 0, PAGE);
	return t;
}

struct pws_guest *pws_guest_new(uint64_t ram_size, uint64_t table_base)
{
	long pagesz = sysconf(_SC_PAGESIZE);
	size_t ram_pages = (ram_size + (size_t)pagesz - 1) / (size_t)pagesz;
	struct pws_guest *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->map_size = (ram_pages + 1) * (size_t)pagesz;
	g->map = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED) {
		free(g);
		return NULL;
	}
	uint8_t *guard = g->map + ram_pages * (size_t)pagesz;
	if (mprotect(guard, (size_t)pagesz, PROT_NONE) != 0) {
		pws_guest_free(g);
		return NULL;
	}
	/* RAM ends exactly at the guard even when ram_size is not a whole
	 * number of pages. */
	g->ram = guard - ram_size;
	g->ram_size = ram_size;
	g->next_table = table_base;
	g->root = alloc_table(g);
	return g;
}

void pws_guest_free(struct pws_guest *g)
{
	if (!g)
		return;
	munmap(g->map, g->map_size);
	free(g);
}

uint64_t pws_cr3(const struct pws_guest *g)
{
	return g->root;
}

uint64_t pws_read64(const struct pws_guest *g, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, g->ram + gpa, sizeof(v));
	return v;
}

void pws_write64(struct pws_guest *g, uint64_t gpa, uint64_t value)
{
	memcpy(g->ram + gpa, &value, sizeof(value));
}

static unsigned index_at(uint64_t gva, int level)
{
	return (unsigned)(gva >> (12 + 9 * (level - 1))) & 511;
}

int pws_map(struct pws_guest *g, uint64_t gva, uint64_t gpa, int level,
	    uint64_t leaf_bits)
{
	uint64_t table = g->root;

	for (int l = 4; l > level; l--) {
		uint64_t slot = table + index_at(gva, l) * 8ull;
		uint64_t e = pws_read64(g, slot);

		if (!(e & PWS_PTE_P)) {
			uint64_t t = alloc_table(g);
			if (!t)
				return -1;
			e = t | PWS_PTE_P | PWS_PTE_W;
			pws_write64(g, slot, e);
		} else if (l < 4 && (e & PWS_PTE_PS)) {
			return -1;
		}
		table = e & ADDR_MASK;
	}
	pws_write64(g, table + index_at(gva, level) * 8ull,
		    gpa | leaf_bits | PWS_PTE_P | PWS_PTE_W |
			    (level > 1 ? PWS_PTE_PS : 0));
	return 0;
}

uint64_t pws_entry_addr(const struct pws_guest *g, uint64_t gva, int level)
{
	uint64_t table = g->root;

	for (int l = 4; l > level; l--) {
		uint64_t e = pws_read64(g, table + index_at(gva, l) * 8ull);

		if (!(e & PWS_PTE_P) || (l < 4 && (e & PWS_PTE_PS)))
			return 0;
		table = e & ADDR_MASK;
	}
	return table + index_at(gva, level) * 8ull;
}

int pws_walk(const struct pws_guest *g, uint64_t cr0, uint64_t cr3,
	     uint64_t cr4, uint64_t efer, uint64_t gva, uint64_t *gpa,
	     int *fault_level)
{
	struct page_walk_ctx ctx = {
		.ram = g->ram,
		.ram_size = g->ram_size,
		.cr0 = cr0,
		.cr3 = cr3,
		.cr4 = cr4,
		.efer = efer,
	};

	*fault_level = 0;
	return page_walk(&ctx, gva, gpa, fault_level);
}

int pws_walk64(const struct pws_guest *g, uint64_t gva, uint64_t *gpa,
	       int *fault_level)
{
	return pws_walk(g, PWS_CR0_PE | PWS_CR0_PG, g->root, PWS_CR4_PAE,
			PWS_EFER_LME | PWS_EFER_LMA, gva, gpa, fault_level);
}

const void *pws_ctx64(struct pws_guest *g)
{
	g->ctx64 = (struct page_walk_ctx){
		.ram = g->ram,
		.ram_size = g->ram_size,
		.cr0 = PWS_CR0_PE | PWS_CR0_PG,
		.cr3 = g->root,
		.cr4 = PWS_CR4_PAE,
		.efer = PWS_EFER_LME | PWS_EFER_LMA,
	};
	return &g->ctx64;
}
