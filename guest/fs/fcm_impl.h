/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FCM root, shared by the three kinds, and the helpers their reps
 * build on. The root holds the file's page set (each page referenced
 * once) under root->lock: for the shared and sequential kinds that set is
 * the whole cache and the lock guards every page's data; for the
 * replicated kind it is the master set behind the per-CPU tables, and
 * the lock order is master (root->lock) before any rep's lock.
 *
 * FCM calls run with interrupts off from entry to return (fcm_enter /
 * fcm_leave): their locks are then never held by a preempted thread.
 */
#ifndef SV_FS_FCM_IMPL_H
#define SV_FS_FCM_IMPL_H

#include <stdbool.h>

#include <kernel/co_root.h>
#include <kernel/fcm.h>
#include <kernel/spinlock.h>

#include <kernel/page_alloc.h>

#include "fcm_page.h"

struct fcm_root;

struct fcm_rep {
	struct fcm base;
	struct fcm_root *root;
};

struct fcm_kind_ops {
	enum fcm_kind kind;
	bool per_cpu; /* a rep per CPU, else one for all */
	struct fcm_rep *(*create_rep)(struct fcm_root *root);
	void (*destroy_rep)(struct fcm_rep *rep);
	/* Forgets any per-rep view of the pages (an import replaced them). */
	void (*forget_pages)(struct fcm_rep *rep);
};

extern const struct fcm_kind_ops fcm_shared_kind, fcm_replicated_kind, fcm_sequential_kind;

/* A version of the "fcm" class (kernel/fcm_class.h) is a table of kinds:
 * version 0's are the three above. Later versions (patches) reuse what
 * they do not change, calling the functions below. */
typedef const struct fcm_kind_ops *const fcm_kinds_t[FCM_KINDS];
extern fcm_kinds_t fcm_v0_kinds;

/* The replicated kind's parts, for versions that change one of them. */
int64_t fcm_replica_read(struct fcm *self, uint64_t off, void *buf, uint64_t n);
int64_t fcm_replica_write(struct fcm *self, uint64_t off, const void *buf, uint64_t n);
uint64_t fcm_replica_evict(struct fcm *self, uint64_t pages);
/* Truncates; sweep(root, first page gone) says, under the master lock,
 * whether every replica's table must be swept of those pages (version 0:
 * always). */
int fcm_replica_truncate_if(struct fcm *self, uint64_t size,
			    bool (*sweep)(struct fcm_root *root, uint64_t first));
struct fcm_rep *fcm_replica_create(struct fcm_root *root, const struct fcm_ops *ops);
void fcm_replica_forget(struct fcm_rep *rep);
void fcm_replica_destroy(struct fcm_rep *rep);

typedef struct fcm_page *(*fcm_get_page)(struct fcm_rep *rep, uint64_t index, int *error);

/* The one rep of the single-lock kinds (shared, sequential), which differ
 * only in how a page is found: NULL when out of memory. */
struct fcm_rep *fcm_single_rep_create(struct fcm_root *root, fcm_get_page get);
void fcm_single_rep_destroy(struct fcm_rep *rep);
void fcm_rep_forget_nothing(struct fcm_rep *rep);

struct fcm_root {
	struct co_multi_root multi; /* the reps: by CPU if per_cpu, else [0] */
	const struct fcm_kind_ops *kind;
	const struct fcm_kind_ops *const *kinds; /* its class version's */
	const struct fcm_backing_ops *backing;
	void *file;
	struct spinlock lock;  /* pages (and, but for replicated, page data) */
	struct fcm_set pages;  /* holds a reference on each page */
};

static inline struct fcm_root *fcm_root_of(struct fcm *self)
{
	return ((struct fcm_rep *)self)->root;
}

/* A root of `kind` from the class version `kinds` (NULL when out of
 * memory), and one of `kinds` standing in for `old` (same kind, same
 * file) as a class update's hot swap target. */
struct co_root *fcm_root_create_in(fcm_kinds_t kinds, enum fcm_kind kind,
				   const struct fcm_backing_ops *backing, void *file);
struct co_root *fcm_root_create_like(fcm_kinds_t kinds, const struct co_root *old);

/* The page at index in root->pages, paged in from the backing on a miss
 * (counted as hit or miss); NULL with *error set on failure. root->lock
 * held. */
struct fcm_page *fcm_root_page_locked(struct fcm_root *root, uint64_t index, int *error);

/* Takes p out of root->pages, writes it back if dirty and drops the
 * set's reference: 0, or the writeback's error (p then stays). Locked. */
int fcm_root_evict_locked(struct fcm_root *root, struct fcm_page *p);

/* Drops the pages of root->pages past `size` bytes (no writeback) and
 * zeroes the rest of the page it ends in: a truncate's work. Locked. */
int fcm_root_truncate_locked(struct fcm_root *root, uint64_t size);

/* Writes back every dirty page in root->pages: 0 or the first error. */
int fcm_root_writeback_locked(struct fcm_root *root);

/* The fsync and resident methods every kind shares: the root's pages
 * (written back under its lock; counted). */
int fcm_root_fsync(struct fcm *self);
uint64_t fcm_root_resident(struct fcm *self);

/* Copies n bytes at off between buf and the pages get() finds for rep
 * (with whatever lock get needs already held): n, the bytes done before
 * an error, or the error. */
int64_t fcm_copy(struct fcm_rep *rep, fcm_get_page get, uint64_t off, void *buf, uint64_t n,
		 bool write);

/* The first page index wholly past `size` bytes. */
static inline uint64_t fcm_pages_in(uint64_t size)
{
	return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

static inline uint64_t fcm_enter(void)
{
	return irq_save();
}

static inline void fcm_leave(uint64_t flags)
{
	irq_restore(flags);
}

#endif
