/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory-descriptor allocator (seed 004 §4.3.2, K42's
 * PageAllocatorKernPinned::getNextForMDH): fixed-size descriptors carved
 * from pages of the page allocator, handed out and given back. A single
 * clustered object (one shared rep), published as the named object
 * "descriptor_allocator" (kernel/object_registry.h).
 *
 * Version 0 has the thesis' race, modelled on purpose: taking the next
 * free descriptor reads the free stack's height, pauses (the window a
 * real allocator's bookkeeping between the two steps would open) and then
 * stores the height it read minus one, without the lock. Two CPUs in that
 * window get the same descriptor; a give-back that slips in is forgotten.
 * What it never does is leave the allocator's memory: every index on the
 * stack is a real descriptor, and each descriptor's in-use byte, which
 * take sets and give clears under the lock, tells a descriptor handed out
 * twice (counted) and a second give-back of it (counted, not pushed
 * again). The fix (a patch, or tests/guest/descriptor_fix.c) is K42's:
 * the same pop under the lock that giving back takes.
 *
 * Both versions speak one transfer format, the whole state: the pages and
 * which descriptors are in use; the importer rebuilds its free stack from
 * that, so losses and duplicates of a racy stack are not carried over.
 */
#ifndef SV_KERNEL_DESCRIPTOR_ALLOCATOR_H
#define SV_KERNEL_DESCRIPTOR_ALLOCATOR_H

#include <stdint.h>

#include <kernel/cobj.h>
#include <kernel/page_alloc.h>
#include <kernel/spinlock.h>

#define DESCRIPTOR_SIZE 64u
#define DESCRIPTORS_PER_PAGE ((unsigned)(PAGE_SIZE / DESCRIPTOR_SIZE))
#define DESCRIPTOR_PAGES_MAX 32u
#define DESCRIPTORS_MAX (DESCRIPTOR_PAGES_MAX * DESCRIPTORS_PER_PAGE)

/* The version a patch replacing the allocator must say it starts from. */
#define DESCRIPTOR_ALLOCATOR_NAME "descriptor_allocator"
#define DESCRIPTOR_ALLOCATOR_VERSION 0u

/* A memory descriptor: the holder's to fill. owner is where SV_OP_DESCRIPTORS
 * stamps who holds it. */
struct descriptor {
	uint64_t owner;
	uint64_t words[DESCRIPTOR_SIZE / 8 - 1];
};

struct descriptor_stats {
	uint64_t pages, total;   /* descriptors carved so far */
	uint64_t in_use;         /* by their in-use bytes */
	uint64_t stacked;        /* entries on the free stack (racy v0: not the free count) */
	uint64_t handed_twice;   /* takes of a descriptor already in use */
	uint64_t given_twice;    /* give-backs of a descriptor already free */
	uint64_t dropped;        /* give-backs that found the stack full (duplicates on it) */
};

struct descriptor_allocator;

#define DESCRIPTOR_GIVEN 0
#define DESCRIPTOR_WAS_FREE 1 /* given back twice: counted, not stacked again */
#define DESCRIPTOR_FOREIGN (-1) /* not one of this allocator's descriptors */

struct descriptor_allocator_ops {
	/* A descriptor (contents undefined), or NULL when all
	 * DESCRIPTORS_MAX are out or no page is left. */
	struct descriptor *(*take)(struct descriptor_allocator *self);
	/* DESCRIPTOR_GIVEN, _WAS_FREE or _FOREIGN. */
	int (*give)(struct descriptor_allocator *self, struct descriptor *d);
	/* Stays inside the object for `ms` (a call a swap cannot drain). */
	void (*hold)(struct descriptor_allocator *self, uint64_t ms);
	void (*stats)(struct descriptor_allocator *self, struct descriptor_stats *out);
};

/* The rep: one for the object, the whole state. Public so that a
 * replacement version builds on version 0's methods below. */
struct descriptor_allocator {
	const struct descriptor_allocator_ops *ops;
	struct spinlock lock;   /* growing and giving back (and the fix's take) */
	uint32_t npages;        /* pages[0 .. npages) carved, never fewer */
	uint32_t top;           /* free stack height; v0's take stores it unlocked */
	int owns_pages;         /* destroy frees them (moves with the state) */
	uint64_t handed_twice, given_twice, dropped;
	void *pages[DESCRIPTOR_PAGES_MAX];
	uint16_t stack[DESCRIPTORS_MAX];  /* free descriptor indices */
	uint8_t in_use[DESCRIPTORS_MAX];
};

/* ---- version 0's methods, for versions that inherit them ---------------- */

/* Pops the free stack without the lock, through the modelled window; NULL
 * when it looked empty. */
struct descriptor *descriptor_v0_pop(struct descriptor_allocator *a);
/* With a->lock held: carves one more page. 0, or -1 at DESCRIPTOR_PAGES_MAX
 * or without a free page. */
int descriptor_v0_grow_locked(struct descriptor_allocator *a);
struct descriptor *descriptor_v0_take(struct descriptor_allocator *a);
int descriptor_v0_give(struct descriptor_allocator *a, struct descriptor *d);
void descriptor_v0_hold(struct descriptor_allocator *a, uint64_t ms);
void descriptor_v0_stats(struct descriptor_allocator *a, struct descriptor_stats *out);

/* A root for a hot swap to: an allocator whose rep calls `ops` (which
 * must outlive it), empty until the transfer fills it. NULL when out of
 * memory. */
struct co_root *descriptor_root_create(const struct descriptor_allocator_ops *ops);

/* ---- the instance --------------------------------------------------------- */

/* Creates version 0 and publishes it under DESCRIPTOR_ALLOCATOR_NAME, once
 * (later calls answer the same): its COID, or NULL when out of memory,
 * COIDs or registry room (a message says which). */
coid_t descriptor_allocator_start(void);

/* SV_OP_DESCRIPTORS (sv/ring.h): holds the allocator for `hold_ms` first,
 * then takes n descriptors, stamps each with the calling thread, checks
 * after a while that the stamps are still its own and gives them back.
 * SV_OK with *collisions the descriptors found stamped by another thread,
 * taken twice by this call or found already given back; SV_EINVAL for n
 * above DESCRIPTOR_EXERCISE_MAX or hold_ms above DESCRIPTOR_HOLD_MAX_MS,
 * SV_ENOMEM when the allocator ran out (what was taken is given back). */
#define DESCRIPTOR_EXERCISE_MAX 256u
#define DESCRIPTOR_HOLD_MAX_MS 30000u
int descriptor_exercise(uint64_t n, uint64_t hold_ms, uint64_t *collisions);

static inline struct descriptor *descriptor_take(coid_t id)
{
	return CO_CALL(struct descriptor_allocator, id, take);
}

static inline int descriptor_give(coid_t id, struct descriptor *d)
{
	return CO_CALL(struct descriptor_allocator, id, give, d);
}

static inline void descriptor_hold(coid_t id, uint64_t ms)
{
	CO_CALL(struct descriptor_allocator, id, hold, ms);
}

static inline void descriptor_allocator_stats(coid_t id, struct descriptor_stats *out)
{
	CO_CALL(struct descriptor_allocator, id, stats, out);
}

#endif
