// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FCM root (fcm_impl.h): misses, destruction, the page-in and
 * eviction helpers every kind uses, and state transfer, which is the
 * same for all kinds since they all keep their pages in root->pages.
 */
#include <kernel/fcm_cache.h>
#include <kernel/heap.h>
#include <kernel/string.h>
#include <sv/abi.h>

#include "fcm_impl.h"

fcm_kinds_t fcm_v0_kinds = {
	[FCM_SHARED] = &fcm_shared_kind,
	[FCM_REPLICATED] = &fcm_replicated_kind,
	[FCM_SEQUENTIAL] = &fcm_sequential_kind,
};

const char *fcm_kind_name(enum fcm_kind kind)
{
	static const char *const names[FCM_KINDS] = { "shared", "replicated", "sequential" };

	return kind < FCM_KINDS ? names[kind] : "unknown";
}

/* ---- pages ------------------------------------------------------------- */

struct fcm_page *fcm_root_page_locked(struct fcm_root *root, uint64_t index, int *error)
{
	struct fcm_page *p = fcm_set_find(&root->pages, index);

	if (p) {
		fcm_cache_count(FCM_HIT);
		return p;
	}
	fcm_cache_count(FCM_MISS);
	p = fcm_page_new(index);
	*error = p ? root->backing->read_page(root->file, index, p->frame) : SV_ENOMEM;
	if (p && !*error)
		*error = fcm_set_add(&root->pages, p);
	if (*error && p) {
		fcm_page_put(p);
		return NULL;
	}
	return p;
}

int fcm_root_evict_locked(struct fcm_root *root, struct fcm_page *p)
{
	int error = fcm_page_writeback(p, root->backing, root->file);

	if (error)
		return error;
	fcm_set_remove(&root->pages, p->index);
	fcm_page_put(p);
	fcm_cache_count(FCM_EVICTION);
	return 0;
}

struct writeback {
	struct fcm_root *root;
	int error;
};

static void write_back_one(struct fcm_page *p, void *arg)
{
	struct writeback *wb = arg;
	int error = fcm_page_writeback(p, wb->root->backing, wb->root->file);

	if (error && !wb->error)
		wb->error = error;
}

int fcm_root_writeback_locked(struct fcm_root *root)
{
	struct writeback wb = { root, 0 };

	fcm_set_for_each(&root->pages, write_back_one, &wb);
	return wb.error;
}

uint64_t fcm_root_resident(struct fcm *self)
{
	return __atomic_load_n(&fcm_root_of(self)->pages.count, __ATOMIC_RELAXED);
}

int fcm_root_fsync(struct fcm *self)
{
	struct fcm_root *root = fcm_root_of(self);
	uint64_t flags = fcm_enter();
	int error;

	spin_lock(&root->lock);
	error = fcm_root_writeback_locked(root);
	spin_unlock(&root->lock);
	fcm_leave(flags);
	return error;
}

static void put_page(struct fcm_page *p, void *unused)
{
	(void)unused;
	fcm_page_put(p);
}

/* The rest of the last page is zeroed so that a later extension of the
 * file reads zeros there. */
int fcm_root_truncate_locked(struct fcm_root *root, uint64_t size)
{
	uint64_t from = size % PAGE_SIZE;
	struct fcm_page *p;
	int error = 0;

	fcm_set_take_from(&root->pages, fcm_pages_in(size), put_page, NULL);
	if (!from)
		return 0;
	p = fcm_root_page_locked(root, size / PAGE_SIZE, &error);
	if (!p)
		return error;
	memset((char *)p->frame + from, 0, PAGE_SIZE - from);
	__atomic_store_n(&p->dirty, 1, __ATOMIC_RELEASE);
	return 0;
}

int64_t fcm_copy(struct fcm_rep *rep, fcm_get_page get, uint64_t off, void *buf, uint64_t n,
		 bool write)
{
	uint64_t done = 0;

	while (done < n) {
		uint64_t pos = off + done, in_page = pos % PAGE_SIZE;
		uint64_t chunk = PAGE_SIZE - in_page < n - done ? PAGE_SIZE - in_page : n - done;
		int error = 0;
		struct fcm_page *p = get(rep, pos / PAGE_SIZE, &error);
		char *data;

		if (!p)
			return done ? (int64_t)done : error;
		data = (char *)p->frame + in_page;
		if (write) {
			memcpy(data, (const char *)buf + done, chunk);
			__atomic_store_n(&p->dirty, 1, __ATOMIC_RELEASE);
		} else {
			memcpy((char *)buf + done, data, chunk);
		}
		done += chunk;
	}
	return (int64_t)n;
}

/* ---- the root ------------------------------------------------------------ */

/* The reps live in the co_multi_root the FCM root extends; the kind makes
 * and unmakes them. */
static struct co_rep *create_rep(struct co_multi_root *multi, unsigned index)
{
	struct fcm_root *root = (struct fcm_root *)multi;

	(void)index;
	return (struct co_rep *)root->kind->create_rep(root);
}

static void destroy_rep(struct co_rep *rep)
{
	struct fcm_rep *r = (struct fcm_rep *)rep;

	r->root->kind->destroy_rep(r);
}

static void put_all_pages(struct fcm_root *root)
{
	fcm_set_take_from(&root->pages, 0, put_page, NULL);
}

/* No writeback: either the pages went on to a new root (commit) or the
 * file is gone (delete). */
static void fcm_root_destroy(struct co_root *base)
{
	struct fcm_root *root = (struct fcm_root *)base;

	co_multi_root_destroy_reps(&root->multi);
	put_all_pages(root);
	kfree(root);
}

static const struct co_root_ops fcm_root_ops = {
	.handle_miss = co_multi_root_handle_miss,
	.destroy = fcm_root_destroy,
};

/* ---- state transfer ------------------------------------------------------- */

struct page_list {
	uint64_t count;
	struct fcm_page *page[];
};

static void list_page(struct fcm_page *p, void *arg)
{
	struct page_list *list = arg;

	fcm_page_get(p);
	list->page[list->count++] = p;
}

static void *fcm_export(struct co_root *base, unsigned format, unsigned cpu)
{
	struct fcm_root *root = (struct fcm_root *)base;
	uint64_t flags = spin_lock_irqsave(&root->lock);
	struct page_list *list = kmalloc(sizeof(*list) + root->pages.count * sizeof(list->page[0]));

	(void)format;
	(void)cpu;
	if (list) {
		list->count = 0;
		fcm_set_for_each(&root->pages, list_page, list);
	}
	spin_unlock_irqrestore(&root->lock, flags);
	return list;
}

/* The list's references pass to root->pages; those that cannot are
 * dropped. */
static int import_pages_locked(struct fcm_root *root, struct page_list *list)
{
	int error = 0;

	for (uint64_t i = 0; i < list->count; i++)
		if (error || (error = fcm_set_add(&root->pages, list->page[i])))
			fcm_page_put(list->page[i]);
	return error ? -1 : 0;
}

static void forget_pages(struct co_rep *rep, void *unused)
{
	struct fcm_rep *r = (struct fcm_rep *)rep;

	(void)unused;
	r->root->kind->forget_pages(r);
}

static int fcm_import(struct co_root *base, unsigned format, unsigned cpu, void *state)
{
	struct fcm_root *root = (struct fcm_root *)base;
	uint64_t flags = spin_lock_irqsave(&root->lock);
	int result;

	(void)format;
	(void)cpu;
	co_multi_root_for_each(&root->multi, forget_pages, NULL);
	put_all_pages(root);
	result = import_pages_locked(root, state);
	spin_unlock_irqrestore(&root->lock, flags);
	kfree(state);
	return result;
}

static const struct co_transfer_ops fcm_transfer = {
	.exports = 1ull << FCM_FORMAT_PAGES,
	.imports = 1ull << FCM_FORMAT_PAGES,
	.export_state = fcm_export,
	.import_state = fcm_import,
};

static const struct co_rep_type fcm_rep_type = { create_rep, destroy_rep, &fcm_transfer };

struct co_root *fcm_root_create_in(fcm_kinds_t kinds, enum fcm_kind kind,
				   const struct fcm_backing_ops *backing, void *file)
{
	struct fcm_root *root = kind < FCM_KINDS ? kzalloc(sizeof(*root)) : NULL;

	if (!root)
		return NULL;
	root->kinds = kinds;
	root->kind = kinds[kind];
	co_multi_root_init(&root->multi, &fcm_rep_type, root->kind->per_cpu ? 1 : CO_SHARED);
	root->multi.base.ops = &fcm_root_ops;
	root->backing = backing;
	root->file = file;
	fcm_set_init(&root->pages);
	return &root->multi.base;
}

struct co_root *fcm_root_create(enum fcm_kind kind, const struct fcm_backing_ops *backing,
				void *file)
{
	return fcm_root_create_in(fcm_v0_kinds, kind, backing, file);
}

struct co_root *fcm_root_create_like(fcm_kinds_t kinds, const struct co_root *old)
{
	const struct fcm_root *o = (const struct fcm_root *)old;

	return fcm_root_create_in(kinds, o->kind->kind, o->backing, o->file);
}

enum fcm_kind fcm_root_kind(const struct co_root *root)
{
	return ((const struct fcm_root *)root)->kind->kind;
}
