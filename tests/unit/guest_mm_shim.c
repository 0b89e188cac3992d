// SPDX-License-Identifier: GPL-2.0-only
/* The hosted side of guest/mm/ for guest_mm_test.cc: see guest_mm_shim.h. */
#include "guest_mm_shim.h"
#include "hosted_panic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>

/* ---- the hosted arch layer's per-CPU pointer ------------------------ */

_Thread_local struct percpu *hosted_this_cpu;
static struct percpu cpus[CPUS_MAX];

void gmm_set_cpu(unsigned cpu)
{
	if (cpu >= CPUS_MAX)
		abort();
	cpus[cpu].self = &cpus[cpu];
	cpus[cpu].cpu = cpu;
	hosted_this_cpu = &cpus[cpu];
}

struct pages_free_args {
	void *p;
	unsigned order;
};

static void call_pages_free(void *arg)
{
	struct pages_free_args *a = arg;

	pages_free(a->p, a->order);
}

int gmm_pages_free_panics(void *p, unsigned order, char *msg, size_t len)
{
	struct pages_free_args a = { p, order };

	return hosted_call_panics(call_pages_free, &a, msg, len);
}

int gmm_kfree_panics(void *p, char *msg, size_t len)
{
	return hosted_call_panics(kfree, p, msg, len);
}

/* ---- guest RAM --------------------------------------------------------- */

void *gmm_ram_map(uint64_t size)
{
	uint64_t span = size + GMM_BLOCK_MAX;
	char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t base, end;

	if (raw == MAP_FAILED)
		return NULL;
	/* Keep the aligned part only, so a stray access past it faults. */
	base = ((uintptr_t)raw + GMM_BLOCK_MAX - 1) & ~(uintptr_t)(GMM_BLOCK_MAX - 1);
	end = base + size;
	if (base > (uintptr_t)raw)
		munmap(raw, base - (uintptr_t)raw);
	if ((uintptr_t)raw + span > end)
		munmap((void *)end, (uintptr_t)raw + span - end);
	return (void *)base;
}

void gmm_ram_unmap(void *base, uint64_t size)
{
	munmap(base, size);
}

/* ---- page allocator ------------------------------------------------- */

int gmm_page_init(const struct gmm_region *r, unsigned n, uint64_t reserved_end,
		  int bad_magic)
{
	static struct sv_boot_info bi;

	memset(&bi, 0, sizeof(bi));
	bi.magic = bad_magic ? ~SV_BOOT_MAGIC : SV_BOOT_MAGIC;
	bi.abi_version = SV_ABI_VERSION;
	bi.ncpus = 4;
	bi.nregions = n;
	for (unsigned i = 0; i < n && i < SV_MEM_REGIONS_MAX; i++) {
		bi.regions[i].base = r[i].base;
		bi.regions[i].size = r[i].size;
		bi.regions[i].type = r[i].type;
	}
	return page_alloc_init(&bi, reserved_end);
}

void *gmm_pages_alloc(unsigned order)
{
	return pages_alloc(order);
}

void gmm_pages_free(void *p, unsigned order)
{
	pages_free(p, order);
}

uint64_t gmm_pages_free_count(void)
{
	return pages_free_count();
}

uint64_t gmm_free_blocks(unsigned order)
{
	return buddy_free_blocks(page_alloc_boot_buddy(), order);
}

uint64_t gmm_meta_pages(void)
{
	return page_alloc_boot_buddy()->meta_pages;
}

uint64_t gmm_managed_pages(void)
{
	return page_alloc_boot_buddy()->managed_pages;
}

/* ---- a second implementation of the interface ---------------------- */

/* Counts calls and forwards them to the allocator it replaced: enough to
 * show every caller goes through the ops table. */
struct counting_allocator {
	struct page_allocator obj;
	struct page_allocator *inner;
	uint64_t calls;
};

static struct counting_allocator counting;

static void *counting_alloc(struct page_allocator *self, unsigned order)
{
	struct counting_allocator *c = (struct counting_allocator *)self;

	__atomic_fetch_add(&c->calls, 1, __ATOMIC_RELAXED);
	return c->inner->ops->alloc(c->inner, order);
}

static void counting_free(struct page_allocator *self, void *p, unsigned order)
{
	struct counting_allocator *c = (struct counting_allocator *)self;

	__atomic_fetch_add(&c->calls, 1, __ATOMIC_RELAXED);
	c->inner->ops->free(c->inner, p, order);
}

static uint64_t counting_free_count(struct page_allocator *self)
{
	struct counting_allocator *c = (struct counting_allocator *)self;

	__atomic_fetch_add(&c->calls, 1, __ATOMIC_RELAXED);
	return c->inner->ops->free_count(c->inner);
}

static const struct page_allocator_ops counting_ops = {
	.alloc = counting_alloc,
	.free = counting_free,
	.free_count = counting_free_count,
};

void gmm_install_counting(void)
{
	counting.obj.ops = &counting_ops;
	counting.calls = 0;
	counting.inner = page_allocator_install(&counting.obj);
}

void gmm_uninstall_counting(void)
{
	page_allocator_install(counting.inner);
}

uint64_t gmm_counting_calls(void)
{
	return __atomic_load_n(&counting.calls, __ATOMIC_RELAXED);
}

/* ---- heap ------------------------------------------------------------- */

int gmm_heap_init(uint64_t lo, uint64_t hi)
{
	return heap_init((uintptr_t)lo, (uintptr_t)hi);
}

void *gmm_kmalloc(size_t size)
{
	return kmalloc(size);
}

void *gmm_kzalloc(size_t size)
{
	return kzalloc(size);
}

void gmm_kfree(void *p)
{
	kfree(p);
}

size_t gmm_ksize(const void *p)
{
	return ksize(p);
}

void gmm_heap_drain_cpu(void)
{
	heap_drain_cpu();
}

void gmm_heap_reclaim(void)
{
	heap_reclaim();
}

void gmm_heap_stats(struct gmm_stats *out)
{
	struct heap_stats s;

	heap_stats(&s);
	out->objects_in_use = s.objects_in_use;
	out->bytes_in_use = s.bytes_in_use;
	out->slab_pages = s.slab_pages;
	out->large_pages = s.large_pages;
	out->magazines = s.magazines;
	out->map_pages = s.map_pages;
	out->depot_swaps = s.depot_swaps;
	out->depot_overflows = s.depot_overflows;
}

_Static_assert(GMM_PAGE_SIZE == PAGE_SIZE && GMM_ORDER_MAX == PAGE_ORDER_MAX &&
		       GMM_SMALL_MAX == HEAP_SMALL_MAX && GMM_EINVAL == PAGE_ALLOC_EINVAL &&
		       GMM_ENOMEM == PAGE_ALLOC_ENOMEM && GMM_EINVAL == HEAP_EINVAL &&
		       GMM_ENOMEM == HEAP_ENOMEM && GMM_RAM == SV_MEM_RAM &&
		       GMM_BOOT == SV_MEM_BOOT && GMM_KERNEL == SV_MEM_KERNEL,
	       "shim constants match the guest's");
