/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: naturally aligned blocks of 2^order pages
 * (order 0..PAGE_ORDER_MAX) from the free RAM the boot info describes.
 *
 * Callers use pages_alloc()/pages_free()/pages_free_count(), which go
 * through the current allocator's ops table. The allocator is one of the
 * objects a live update replaces (the K42 thesis fixes a race in it and
 * changes its interface), so its operations sit behind an interface struct
 * whose first word is the ops pointer, like a clustered object's rep, and
 * the whole state of the buddy implementation is one struct a successor
 * can take over.
 *
 * The kernel is identity-mapped, so the pointers handed out are also the
 * guest-physical addresses of the pages.
 */
#ifndef SV_KERNEL_PAGE_ALLOC_H
#define SV_KERNEL_PAGE_ALLOC_H

#include <stdint.h>

#include <kernel/cobj.h>
#include <kernel/spinlock.h>
#include <sv/abi.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096ull
#define PAGE_ORDER_MAX 10 /* largest block: 4 MiB */
#define PAGE_ORDERS (PAGE_ORDER_MAX + 1)

/* page_alloc_init() answers 0 or one of these. */
#define PAGE_ALLOC_EINVAL (-22) /* boot info malformed: magic, count, overlap */
#define PAGE_ALLOC_ENOMEM (-12) /* no RAM above reserved_end, or none for metadata */

struct page_allocator;

struct page_allocator_ops {
	/* A block of 2^order pages aligned to its own size (the heap finds a
	 * slab's header by that alignment), contents undefined; NULL when
	 * none is free or order > PAGE_ORDER_MAX. */
	void *(*alloc)(struct page_allocator *self, unsigned order);
	/* Gives back a block alloc returned with the same order. Misuse
	 * (double free, wrong order, misaligned or foreign pointer) panics. */
	void (*free)(struct page_allocator *self, void *p, unsigned order);
	/* Pages free right now. */
	uint64_t (*free_count)(struct page_allocator *self);
};

struct page_allocator {
	const struct page_allocator_ops *ops;
};

/* ---- the calls the rest of the kernel makes ------------------------- */

/* Builds the boot buddy allocator over every SV_MEM_RAM region at or above
 * reserved_end (the early-boot frames below it stay where they are) and
 * makes it current. Boot CPU only, before anything else allocates; tests
 * call it again to start over. 0, or a PAGE_ALLOC_E* code (the allocator
 * is then unusable). */
int page_alloc_init(const struct sv_boot_info *bi, uint64_t reserved_end);

void *pages_alloc(unsigned order);
void pages_free(void *p, unsigned order);
uint64_t pages_free_count(void);

/* The object the three calls above dispatch to. Until the clustered-object
 * layer exists this pointer is the reference a hot swap redirects;
 * page_allocator_install() swings it and answers the previous object. It
 * does not quiesce callers: that is the swap protocol's job. */
struct page_allocator *page_allocator_current(void);
struct page_allocator *page_allocator_install(struct page_allocator *pa);

/* ---- the allocator as a clustered object ---------------------------- */

/* Makes the current allocator a clustered object (CPU 0, after co_init):
 * its rep is the allocator itself, behind a root whose misses never
 * allocate, and page_allocator_current() becomes a forwarder that calls
 * it through the COID, so an interposer or a hot swap on the COID reaches
 * every caller. 0, or -1 when no COID is left. */
int page_allocator_publish(void);

/* The allocator's COID once published, else NULL. */
coid_t page_allocator_id(void);

/* ---- the buddy implementation -------------------------------------- */

/* A free block's first bytes link it into its order's list. */
struct buddy_link {
	struct buddy_link *next, *prev;
};

/*
 * One byte per page of [base, base + npages * PAGE_SIZE) in desc[]:
 *   BUDDY_FREE | order   head of a free block
 *   BUDDY_USED | order   head of an allocated block
 *   BUDDY_TAIL           any other page of a free or allocated block
 *   BUDDY_HOLE           not managed: not RAM, below reserved_end, metadata
 * base is aligned to the largest block, so a block's buddy is found by
 * flipping one bit of its page index, and blocks are naturally aligned in
 * guest-physical addresses too (the heap relies on that).
 */
#define BUDDY_TAIL 0x00u
#define BUDDY_FREE 0x40u
#define BUDDY_USED 0x80u
#define BUDDY_HOLE 0xffu
#define BUDDY_ORDER_MASK 0x0fu

struct buddy_allocator {
	struct page_allocator obj; /* first: &b->obj is the interface */
	struct spinlock lock;      /* guards everything below that changes */
	uintptr_t base;            /* address of desc[0]'s page */
	uintptr_t lo, hi;          /* every managed page lies in [lo, hi) */
	uint64_t npages;           /* entries in desc[] */
	uint8_t *desc;
	struct buddy_link free_list[PAGE_ORDERS]; /* circular, head is a sentinel */
	uint64_t free_blocks[PAGE_ORDERS];
	uint64_t free_pages;
	uint64_t managed_pages; /* free or allocated; excludes meta_pages */
	uint64_t meta_pages;    /* pages holding desc[] */
};

/* Builds b over bi's RAM above reserved_end; see page_alloc_init(). */
int buddy_init(struct buddy_allocator *b, const struct sv_boot_info *bi,
	       uint64_t reserved_end);

/* The buddy allocator page_alloc_init() built, for statistics. */
struct buddy_allocator *page_alloc_boot_buddy(void);

/* Free blocks of exactly this order (0 for order > PAGE_ORDER_MAX). */
uint64_t buddy_free_blocks(struct buddy_allocator *b, unsigned order);

#endif
