// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared FCM: one rep, one lock, one page table for the file. Its
 * calls are the single-lock kinds' calls; the sequential FCM reuses them
 * with its own page lookup (fcm_sequential.c).
 */
#include <kernel/fcm_cache.h>
#include <kernel/heap.h>

#include "fcm_impl.h"

struct single_rep {
	struct fcm_rep base;
	fcm_get_page get;
};

static fcm_get_page get_of(struct fcm *self)
{
	return ((struct single_rep *)self)->get;
}

/* Over budget after a call: this file's least recently used pages go
 * first (one is kept: the file is being used). */
static void trim_locked(struct fcm_root *root)
{
	uint64_t excess = fcm_cache_excess();

	while (excess-- && root->pages.count > 1)
		if (fcm_root_evict_locked(root, fcm_set_lru(&root->pages)) != 0)
			return;
}

static int64_t single_copy(struct fcm *self, uint64_t off, void *buf, uint64_t n, bool write)
{
	struct fcm_root *root = fcm_root_of(self);
	uint64_t flags = fcm_enter();
	int64_t done;

	spin_lock(&root->lock);
	done = fcm_copy((struct fcm_rep *)self, get_of(self), off, buf, n, write);
	trim_locked(root);
	spin_unlock(&root->lock);
	fcm_leave(flags);
	return done;
}

static int64_t single_read(struct fcm *self, uint64_t off, void *buf, uint64_t n)
{
	return single_copy(self, off, buf, n, false);
}

static int64_t single_write(struct fcm *self, uint64_t off, const void *buf, uint64_t n)
{
	return single_copy(self, off, (void *)buf, n, true);
}

static int single_truncate(struct fcm *self, uint64_t size)
{
	struct fcm_root *root = fcm_root_of(self);
	uint64_t flags = fcm_enter();
	int error;

	spin_lock(&root->lock);
	error = fcm_root_truncate_locked(root, size);
	spin_unlock(&root->lock);
	fcm_leave(flags);
	return error;
}

static uint64_t single_evict(struct fcm *self, uint64_t pages)
{
	struct fcm_root *root = fcm_root_of(self);
	uint64_t flags = fcm_enter(), evicted = 0;
	struct fcm_page *p;

	spin_lock(&root->lock);
	while (evicted < pages && (p = fcm_set_lru(&root->pages)) &&
	       fcm_root_evict_locked(root, p) == 0)
		evicted++;
	spin_unlock(&root->lock);
	fcm_leave(flags);
	return evicted;
}

static const struct fcm_ops single_ops = {
	.read = single_read,
	.write = single_write,
	.truncate = single_truncate,
	.fsync = fcm_root_fsync,
	.evict = single_evict,
	.resident = fcm_root_resident,
};

struct fcm_rep *fcm_single_rep_create(struct fcm_root *root, fcm_get_page get)
{
	struct single_rep *rep = (struct single_rep *)co_rep_alloc(sizeof(*rep), &single_ops);

	if (!rep)
		return NULL;
	rep->base.root = root;
	rep->get = get;
	return &rep->base;
}

void fcm_single_rep_destroy(struct fcm_rep *rep)
{
	co_rep_free((struct co_rep *)rep);
}

void fcm_rep_forget_nothing(struct fcm_rep *rep)
{
	(void)rep;
}

static struct fcm_page *shared_get(struct fcm_rep *rep, uint64_t index, int *error)
{
	return fcm_root_page_locked(rep->root, index, error);
}

static struct fcm_rep *shared_create(struct fcm_root *root)
{
	return fcm_single_rep_create(root, shared_get);
}

const struct fcm_kind_ops fcm_shared_kind = {
	.kind = FCM_SHARED,
	.per_cpu = false,
	.create_rep = shared_create,
	.destroy_rep = fcm_single_rep_destroy,
	.forget_pages = fcm_rep_forget_nothing,
};
