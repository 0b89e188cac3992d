// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/early_alloc.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#define PAGE_SIZE 4096ull

static uint64_t next, limit;

void early_alloc_init(const struct sv_boot_info *bi, uint64_t kernel_end)
{
	for (uint32_t i = 0; i < bi->nregions && i < SV_MEM_REGIONS_MAX; i++) {
		const struct sv_mem_region *r = &bi->regions[i];
		uint64_t start = (r->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		if (r->type != SV_MEM_RAM || start < kernel_end || start >= r->base + r->size)
			continue;
		next = start;
		limit = r->base + r->size;
		return;
	}
	panic("early_alloc: no free RAM region above the kernel (end %#llx)",
	      (unsigned long long)kernel_end);
}

void *early_alloc_pages(unsigned n)
{
	uint64_t p = next;

	if (n * PAGE_SIZE > limit - next)
		panic("early_alloc: %u pages do not fit below %#llx", n,
		      (unsigned long long)limit);
	next += n * PAGE_SIZE;
	memset((void *)p, 0, n * PAGE_SIZE);
	return (void *)p;
}

uint64_t early_alloc_end(void)
{
	return next;
}
