/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel heap: kmalloc/kfree in size classes of 16..HEAP_SMALL_MAX
 * bytes, larger blocks straight from the page allocator.
 *
 * Small blocks come from slabs (blocks of pages from pages_alloc) through
 * per-CPU magazine caches (Bonwick, "Magazines and Vmem", 2001; K42 keeps
 * per-processor free lists the same way): a CPU allocates and frees from
 * its own two magazines with interrupts off and no lock; a per-class depot
 * under a lock swaps full and empty magazines with CPUs, and the slab
 * layer behind it refills and takes back objects. kfree works on any CPU,
 * whichever CPU allocated the block: a byte per page says what the page
 * holds.
 *
 * Every call may run in interrupt context. Blocks are 16-byte aligned;
 * a class whose size is a power of two is aligned to that size, and large
 * blocks are page-aligned.
 */
#ifndef SV_KERNEL_HEAP_H
#define SV_KERNEL_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_SMALL_MAX 2048
#define HEAP_ALIGN 16

/* heap_init() answers 0 or one of these. */
#define HEAP_EINVAL (-22) /* empty range, or one too large to map */
#define HEAP_ENOMEM (-12) /* no pages for the page map */

/* Sets the heap up for pages the page allocator hands out from [lo, hi)
 * (the kernel passes the RAM it gave page_alloc_init). Takes its page map
 * (one byte per page of the range) from pages_alloc. Boot CPU only, after
 * page_alloc_init and before any kmalloc; tests call it again to start
 * over. */
int heap_init(uintptr_t lo, uintptr_t hi);

/* NULL when memory runs out or size exceeds the largest page block.
 * kmalloc(0) is a valid smallest block. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* NULL is ignored. A pointer kmalloc did not return panics, as does a
 * second kfree of a large block; a second kfree of a small block is not
 * detected. */
void kfree(void *p);
/* The usable size of a kmalloc'ed block (its class or page-rounded size). */
size_t ksize(const void *p);

/* Returns this CPU's cached free objects to the slabs. The rest of the
 * heap never reaches into another CPU's cache, so to give everything back
 * each CPU calls this itself (the kernel through smp_call), then one CPU
 * calls heap_reclaim(). */
void heap_drain_cpu(void);
/* Empties the depots into the slabs and frees every slab and magazine that
 * is left empty. Safe while other CPUs allocate. */
void heap_reclaim(void);

struct heap_stats {
	uint64_t objects_in_use; /* blocks handed out and not yet kfree'd */
	uint64_t bytes_in_use;   /* their sizes, rounded to class or pages */
	uint64_t slab_pages;     /* pages in slabs (blocks, cached objects, magazines) */
	uint64_t large_pages;    /* pages of blocks above HEAP_SMALL_MAX */
	uint64_t magazines;      /* magazines in CPU caches and depots */
	uint64_t map_pages;      /* the page map, held for good */
	uint64_t depot_swaps;     /* full magazines a depot handed to a CPU */
	uint64_t depot_overflows; /* full magazines emptied into slabs: depot full */
};

/* Exact when no CPU is inside the heap; a snapshot otherwise. */
void heap_stats(struct heap_stats *out);

#endif
