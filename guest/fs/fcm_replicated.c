// SPDX-License-Identifier: GPL-2.0-only
/*
 * The replicated FCM: a rep per CPU with its own lock and table of the
 * pages that CPU has touched, so CPUs reading and writing one file's
 * cached pages take no common lock. Behind them the root's master set
 * holds each page once (one frame: data stays coherent across CPUs).
 * A rep misses into the master under the master lock; eviction and
 * truncation take the master lock and then each rep's lock in turn to
 * take pages out of every table, so no CPU can still be copying a page
 * that goes (the lock order is master, then rep). Eviction picks the
 * master's least recently loaded page: hits in a rep's table do not
 * touch the master's recency list.
 */
#include <kernel/fcm_cache.h>
#include <kernel/heap.h>

#include "fcm_impl.h"

struct replica {
	struct fcm_rep base;
	struct spinlock lock; /* local, and copies through it */
	struct fcm_set local; /* no references: the master holds them */
};

static struct replica *replica_of(struct fcm_rep *rep)
{
	return (struct replica *)rep;
}

/* With the replica's lock held (dropped and retaken around the master). */
static struct fcm_page *replica_get(struct fcm_rep *rep, uint64_t index, int *error)
{
	struct replica *r = replica_of(rep);
	struct fcm_page *p = fcm_set_find(&r->local, index);

	if (p) {
		fcm_cache_count(FCM_HIT);
		return p;
	}
	spin_unlock(&r->lock);
	spin_lock(&rep->root->lock);
	spin_lock(&r->lock);
	p = fcm_set_find(&r->local, index);
	if (!p) {
		p = fcm_root_page_locked(rep->root, index, error);
		if (p && (*error = fcm_set_add(&r->local, p)))
			p = NULL;
	}
	spin_unlock(&rep->root->lock);
	return p;
}

static void forget_in_every_replica_locked(struct fcm_root *root, uint64_t index)
{
	for (unsigned cpu = 0; cpu < CPUS_MAX; cpu++) {
		struct replica *r = (struct replica *)root->multi.reps[cpu];

		if (!r)
			continue;
		spin_lock(&r->lock);
		fcm_set_remove(&r->local, index);
		spin_unlock(&r->lock);
	}
}

/* Master lock held; interrupts off. */
static uint64_t evict_locked(struct fcm_root *root, uint64_t pages, uint64_t keep)
{
	uint64_t evicted = 0;
	struct fcm_page *p;

	while (evicted < pages && root->pages.count > keep && (p = fcm_set_lru(&root->pages))) {
		forget_in_every_replica_locked(root, p->index);
		if (fcm_root_evict_locked(root, p) != 0)
			break;
		evicted++;
	}
	return evicted;
}

static uint64_t evict_pages(struct fcm_root *root, uint64_t pages, uint64_t keep)
{
	uint64_t evicted;

	spin_lock(&root->lock);
	evicted = evict_locked(root, pages, keep);
	spin_unlock(&root->lock);
	return evicted;
}

static int64_t replica_copy(struct fcm *self, uint64_t off, void *buf, uint64_t n, bool write)
{
	struct fcm_rep *rep = (struct fcm_rep *)self;
	struct replica *r = replica_of(rep);
	uint64_t flags = fcm_enter(), excess;
	int64_t done;

	spin_lock(&r->lock);
	done = fcm_copy(rep, replica_get, off, buf, n, write);
	spin_unlock(&r->lock);
	excess = fcm_cache_excess();
	if (excess)
		evict_pages(rep->root, excess, 1);
	fcm_leave(flags);
	return done;
}

int64_t fcm_replica_read(struct fcm *self, uint64_t off, void *buf, uint64_t n)
{
	return replica_copy(self, off, buf, n, false);
}

int64_t fcm_replica_write(struct fcm *self, uint64_t off, const void *buf, uint64_t n)
{
	return replica_copy(self, off, (void *)buf, n, true);
}

static void forget_pages_from(struct replica *r, uint64_t first)
{
	spin_lock(&r->lock);
	fcm_set_take_from(&r->local, first, NULL, NULL);
	spin_unlock(&r->lock);
}

/* Every replica's lock in turn, whether or not it holds a page that goes:
 * the expensive synchronisation seed 004 §4.3.3's unmapPage did for pages
 * that were not mapped. Counted, so that an update that skips it shows. */
static void forget_in_every_replica_from(struct fcm_root *root, uint64_t first)
{
	fcm_cache_count(FCM_REPLICA_SWEEP);
	for (unsigned cpu = 0; cpu < CPUS_MAX; cpu++)
		if (root->multi.reps[cpu])
			forget_pages_from((struct replica *)root->multi.reps[cpu], first);
}

int fcm_replica_truncate_if(struct fcm *self, uint64_t size,
			    bool (*sweep)(struct fcm_root *root, uint64_t first))
{
	struct fcm_root *root = fcm_root_of(self);
	uint64_t flags = fcm_enter();
	int error;

	spin_lock(&root->lock);
	if (sweep(root, fcm_pages_in(size)))
		forget_in_every_replica_from(root, fcm_pages_in(size));
	error = fcm_root_truncate_locked(root, size);
	spin_unlock(&root->lock);
	fcm_leave(flags);
	return error;
}

/* Version 0 sweeps on every truncate. */
static bool always(struct fcm_root *root, uint64_t first)
{
	(void)root, (void)first;
	return true;
}

static int replica_truncate(struct fcm *self, uint64_t size)
{
	return fcm_replica_truncate_if(self, size, always);
}

uint64_t fcm_replica_evict(struct fcm *self, uint64_t pages)
{
	uint64_t flags = fcm_enter();
	uint64_t evicted = evict_pages(fcm_root_of(self), pages, 0);

	fcm_leave(flags);
	return evicted;
}

static const struct fcm_ops replica_ops = {
	.read = fcm_replica_read,
	.write = fcm_replica_write,
	.truncate = replica_truncate,
	.fsync = fcm_root_fsync,
	.evict = fcm_replica_evict,
	.resident = fcm_root_resident,
};

struct fcm_rep *fcm_replica_create(struct fcm_root *root, const struct fcm_ops *ops)
{
	struct replica *r = (struct replica *)co_rep_alloc(sizeof(*r), ops);

	if (!r)
		return NULL;
	r->base.root = root;
	fcm_set_init(&r->local);
	return &r->base;
}

static struct fcm_rep *replica_create(struct fcm_root *root)
{
	return fcm_replica_create(root, &replica_ops);
}

void fcm_replica_forget(struct fcm_rep *rep)
{
	forget_pages_from(replica_of(rep), 0);
}

void fcm_replica_destroy(struct fcm_rep *rep)
{
	fcm_set_take_from(&replica_of(rep)->local, 0, NULL, NULL);
	co_rep_free((struct co_rep *)rep);
}

const struct fcm_kind_ops fcm_replicated_kind = {
	.kind = FCM_REPLICATED,
	.per_cpu = true,
	.create_rep = replica_create,
	.destroy_rep = fcm_replica_destroy,
	.forget_pages = fcm_replica_forget,
};
