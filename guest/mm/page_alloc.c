// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buddy page allocator and the dispatch through the current
 * allocator's ops. See kernel/page_alloc.h for the descriptor encoding.
 *
 * Every operation holds the one lock (interrupts off) for O(PAGE_ORDERS)
 * list steps: an allocation splits at most PAGE_ORDER_MAX times, a free
 * merges at most PAGE_ORDER_MAX times. Misuse checks that need no state
 * run before the lock is taken; the ones that read a descriptor drop the
 * lock before panicking, so a test's panic() that returns by longjmp
 * leaves the allocator usable.
 */
#include <stddef.h>

#include <kernel/page_alloc.h>
#include <kernel/panic.h>
#include <kernel/string.h>

/* x86-64 has at most 52 physical address bits; nothing above is RAM. */
#define PHYS_LIMIT (1ull << 52)
#define BLOCK_MAX_BYTES (PAGE_SIZE << PAGE_ORDER_MAX)

struct range {
	uint64_t lo, hi; /* page-aligned, lo < hi */
};

static struct buddy_allocator *to_buddy(struct page_allocator *pa)
{
	return (struct buddy_allocator *)((char *)pa - offsetof(struct buddy_allocator, obj));
}

static uintptr_t page_addr(const struct buddy_allocator *b, uint64_t idx)
{
	return b->base + (idx << PAGE_SHIFT);
}

static uint64_t page_index(const struct buddy_allocator *b, uintptr_t a)
{
	return (a - b->base) >> PAGE_SHIFT;
}

/* ---- free lists ----------------------------------------------------- */

static void list_push(struct buddy_allocator *b, uint64_t idx, unsigned order)
{
	struct buddy_link *head = &b->free_list[order];
	struct buddy_link *l = (struct buddy_link *)page_addr(b, idx);

	l->next = head->next;
	l->prev = head;
	head->next->prev = l;
	head->next = l;
	b->desc[idx] = (uint8_t)(BUDDY_FREE | order);
	b->free_blocks[order]++;
}

/* Unlinks the free block at idx; its page becomes a tail of something. */
static void list_remove(struct buddy_allocator *b, uint64_t idx, unsigned order)
{
	struct buddy_link *l = (struct buddy_link *)page_addr(b, idx);

	l->prev->next = l->next;
	l->next->prev = l->prev;
	b->desc[idx] = BUDDY_TAIL;
	b->free_blocks[order]--;
}

static uint64_t list_pop(struct buddy_allocator *b, unsigned order)
{
	uint64_t idx = page_index(b, (uintptr_t)b->free_list[order].next);

	list_remove(b, idx, order);
	return idx;
}

/* Puts the block at idx (whose descriptors are all BUDDY_TAIL) on a free
 * list, first merging it with its buddy for as long as the buddy is a
 * whole free block of the same order. */
static void free_block_locked(struct buddy_allocator *b, uint64_t idx, unsigned order)
{
	while (order < PAGE_ORDER_MAX) {
		uint64_t buddy = idx ^ (1ull << order);

		if (buddy >= b->npages || b->desc[buddy] != (BUDDY_FREE | order))
			break;
		list_remove(b, buddy, order);
		idx &= ~(1ull << order);
		order++;
	}
	list_push(b, idx, order);
}

/* ---- the ops -------------------------------------------------------- */

static void *buddy_alloc(struct page_allocator *self, unsigned order)
{
	struct buddy_allocator *b = to_buddy(self);
	unsigned k = order;
	uint64_t idx, flags;

	if (order > PAGE_ORDER_MAX)
		return NULL;
	flags = spin_lock_irqsave(&b->lock);
	while (k <= PAGE_ORDER_MAX && b->free_blocks[k] == 0)
		k++;
	if (k > PAGE_ORDER_MAX) {
		spin_unlock_irqrestore(&b->lock, flags);
		return NULL;
	}
	idx = list_pop(b, k);
	while (k > order) { /* keep the lower half, free the upper */
		k--;
		list_push(b, idx + (1ull << k), k);
	}
	b->desc[idx] = (uint8_t)(BUDDY_USED | order);
	b->free_pages -= 1ull << order;
	spin_unlock_irqrestore(&b->lock, flags);
	return (void *)page_addr(b, idx);
}

/* Called without the lock: names what the descriptor says went wrong. */
static void __attribute__((noreturn))
misuse(void *p, unsigned order, uint8_t d)
{
	if (d == BUDDY_HOLE)
		panic("pages_free(%p, %u): not managed RAM (reserved, metadata or a hole)",
		      p, order);
	if (d & BUDDY_FREE)
		panic("pages_free(%p, %u): double free, the block is already free", p, order);
	if (d & BUDDY_USED)
		panic("pages_free(%p, %u): block was allocated with order %u", p, order,
		      d & BUDDY_ORDER_MASK);
	panic("pages_free(%p, %u): not the start of an allocated block "
	      "(double free, or a pointer into a block)", p, order);
}

static void buddy_free(struct page_allocator *self, void *p, unsigned order)
{
	struct buddy_allocator *b = to_buddy(self);
	uintptr_t a = (uintptr_t)p;
	uint64_t idx, flags;
	uint8_t d;

	if (order > PAGE_ORDER_MAX)
		panic("pages_free(%p, %u): order above %u", p, order, PAGE_ORDER_MAX);
	if (a & (PAGE_SIZE - 1))
		panic("pages_free(%p, %u): not page-aligned", p, order);
	if (a < b->lo || a >= b->hi)
		panic("pages_free(%p, %u): outside managed RAM [%#llx, %#llx)", p, order,
		      (unsigned long long)b->lo, (unsigned long long)b->hi);
	idx = page_index(b, a);
	if (idx & ((1ull << order) - 1))
		panic("pages_free(%p, %u): not aligned to a block of that order", p, order);

	flags = spin_lock_irqsave(&b->lock);
	d = b->desc[idx];
	if (d != (BUDDY_USED | order)) {
		spin_unlock_irqrestore(&b->lock, flags);
		misuse(p, order, d);
	}
	b->desc[idx] = BUDDY_TAIL;
	free_block_locked(b, idx, order);
	b->free_pages += 1ull << order;
	spin_unlock_irqrestore(&b->lock, flags);
}

static uint64_t buddy_free_count(struct page_allocator *self)
{
	struct buddy_allocator *b = to_buddy(self);
	uint64_t flags = spin_lock_irqsave(&b->lock);
	uint64_t n = b->free_pages;

	spin_unlock_irqrestore(&b->lock, flags);
	return n;
}

static const struct page_allocator_ops buddy_ops = {
	.alloc = buddy_alloc,
	.free = buddy_free,
	.free_count = buddy_free_count,
};

uint64_t buddy_free_blocks(struct buddy_allocator *b, unsigned order)
{
	uint64_t flags, n;

	if (order > PAGE_ORDER_MAX)
		return 0;
	flags = spin_lock_irqsave(&b->lock);
	n = b->free_blocks[order];
	spin_unlock_irqrestore(&b->lock, flags);
	return n;
}

/* ---- building it from the boot info -------------------------------- */

/* The page-aligned part of each RAM region at or above reserved_end.
 * Refuses a malformed map rather than guessing: a wrong free page is a
 * corrupted kernel later. */
static int collect_ranges(const struct sv_boot_info *bi, uint64_t reserved_end,
			  struct range *out, unsigned *nout)
{
	unsigned n = 0;

	if (!bi || bi->magic != SV_BOOT_MAGIC || bi->nregions > SV_MEM_REGIONS_MAX)
		return PAGE_ALLOC_EINVAL;
	for (uint32_t i = 0; i < bi->nregions; i++) {
		const struct sv_mem_region *r = &bi->regions[i];
		uint64_t lo, hi;

		if (r->type != SV_MEM_RAM)
			continue;
		if (r->size > PHYS_LIMIT || r->base > PHYS_LIMIT - r->size)
			return PAGE_ALLOC_EINVAL;
		if (reserved_end >= r->base + r->size)
			continue; /* all kept for early boot */
		lo = r->base > reserved_end ? r->base : reserved_end;
		lo = (lo + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		hi = (r->base + r->size) & ~(PAGE_SIZE - 1);
		if (lo >= hi)
			continue;
		out[n].lo = lo;
		out[n].hi = hi;
		n++;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (out[i].lo < out[j].hi && out[j].lo < out[i].hi)
				return PAGE_ALLOC_EINVAL;
	*nout = n;
	return n ? 0 : PAGE_ALLOC_ENOMEM;
}

/* Takes the descriptor array from the front of the first range that holds
 * it. */
static int place_descriptors(struct buddy_allocator *b, struct range *r, unsigned n)
{
	uint64_t bytes = b->meta_pages << PAGE_SHIFT;

	for (unsigned i = 0; i < n; i++) {
		if (r[i].hi - r[i].lo < bytes)
			continue;
		b->desc = (uint8_t *)(uintptr_t)r[i].lo;
		r[i].lo += bytes;
		return 0;
	}
	return PAGE_ALLOC_ENOMEM;
}

/* The largest order whose block starts at idx and ends within `left`. */
static unsigned block_order(uint64_t idx, uint64_t left)
{
	unsigned k = 0;

	while (k < PAGE_ORDER_MAX && !(idx & (1ull << k)) && (2ull << k) <= left)
		k++;
	return k;
}

static void add_range(struct buddy_allocator *b, const struct range *r)
{
	uint64_t idx = page_index(b, r->lo);
	uint64_t end = page_index(b, r->hi);

	while (idx < end) {
		unsigned k = block_order(idx, end - idx);

		memset(&b->desc[idx], BUDDY_TAIL, 1ull << k);
		free_block_locked(b, idx, k); /* merges across adjacent ranges */
		b->free_pages += 1ull << k;
		b->managed_pages += 1ull << k;
		idx += 1ull << k;
	}
}

int buddy_init(struct buddy_allocator *b, const struct sv_boot_info *bi,
	       uint64_t reserved_end)
{
	struct range r[SV_MEM_REGIONS_MAX];
	unsigned n = 0;
	int rc = collect_ranges(bi, reserved_end, r, &n);

	if (rc)
		return rc;
	memset(b, 0, sizeof(*b));
	b->obj.ops = &buddy_ops;
	b->lock = (struct spinlock)SPINLOCK_INIT;
	b->lo = r[0].lo;
	b->hi = r[0].hi;
	for (unsigned i = 1; i < n; i++) {
		b->lo = r[i].lo < b->lo ? r[i].lo : b->lo;
		b->hi = r[i].hi > b->hi ? r[i].hi : b->hi;
	}
	b->base = b->lo & ~(BLOCK_MAX_BYTES - 1);
	b->npages = (b->hi - b->base) >> PAGE_SHIFT;
	b->meta_pages = (b->npages + PAGE_SIZE - 1) >> PAGE_SHIFT;
	rc = place_descriptors(b, r, n);
	if (rc)
		return rc;
	memset(b->desc, BUDDY_HOLE, b->npages);
	for (unsigned k = 0; k < PAGE_ORDERS; k++)
		b->free_list[k].next = b->free_list[k].prev = &b->free_list[k];
	for (unsigned i = 0; i < n; i++)
		if (r[i].lo < r[i].hi)
			add_range(b, &r[i]);
	return 0;
}

/* ---- dispatch --------------------------------------------------------- */

static struct buddy_allocator boot_buddy;
static struct page_allocator *current_allocator;

struct page_allocator *page_allocator_current(void)
{
	return __atomic_load_n(&current_allocator, __ATOMIC_ACQUIRE);
}

struct page_allocator *page_allocator_install(struct page_allocator *pa)
{
	return __atomic_exchange_n(&current_allocator, pa, __ATOMIC_ACQ_REL);
}

struct buddy_allocator *page_alloc_boot_buddy(void)
{
	return &boot_buddy;
}

int page_alloc_init(const struct sv_boot_info *bi, uint64_t reserved_end)
{
	int rc;

	/* Nobody may reach a half-built allocator through the pointer. */
	if (page_allocator_current() == &boot_buddy.obj)
		page_allocator_install(NULL);
	rc = buddy_init(&boot_buddy, bi, reserved_end);
	if (rc == 0)
		page_allocator_install(&boot_buddy.obj);
	return rc;
}

static struct page_allocator *current_or_panic(void)
{
	struct page_allocator *pa = page_allocator_current();

	if (!pa)
		panic("page allocator used before page_alloc_init succeeded");
	return pa;
}

void *pages_alloc(unsigned order)
{
	struct page_allocator *pa = current_or_panic();

	return pa->ops->alloc(pa, order);
}

void pages_free(void *p, unsigned order)
{
	struct page_allocator *pa = current_or_panic();

	pa->ops->free(pa, p, order);
}

uint64_t pages_free_count(void)
{
	struct page_allocator *pa = current_or_panic();

	return pa->ops->free_count(pa);
}
