// SPDX-License-Identifier: GPL-2.0-only
/* Page descriptors and page sets (fcm_page.h). */
#include <kernel/fcm_cache.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <sv/abi.h>

#include "fcm_page.h"

struct fcm_page *fcm_page_new(uint64_t index)
{
	struct fcm_page *p = kmalloc(sizeof(*p));

	if (!p)
		return NULL;
	*p = (struct fcm_page){ .index = index, .frame = fcm_frame_alloc(), .refs = 1 };
	if (!p->frame) {
		kfree(p);
		return NULL;
	}
	return p;
}

void fcm_page_get(struct fcm_page *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void fcm_page_put(struct fcm_page *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL))
		return;
	fcm_frame_free(p->frame);
	kfree(p);
}

int fcm_page_writeback(struct fcm_page *p, const struct fcm_backing_ops *backing, void *file)
{
	int error;

	/* Cleared before the copy: a write racing with it sets the bit again
	 * after its own copy, so the page is written back once more. */
	if (!__atomic_exchange_n(&p->dirty, 0, __ATOMIC_ACQ_REL))
		return 0;
	error = backing->write_page(file, p->index, p->frame);
	if (error)
		__atomic_store_n(&p->dirty, 1, __ATOMIC_RELEASE);
	return error;
}

/* ---- sets ---------------------------------------------------------------- */

static struct fcm_entry **bucket_of(struct fcm_set *s, uint64_t index)
{
	return &s->bucket[index % FCM_SET_BUCKETS];
}

static void unlink_recent(struct fcm_entry *e)
{
	e->older->newer = e->newer;
	e->newer->older = e->older;
}

static void link_newest(struct fcm_set *s, struct fcm_entry *e)
{
	e->older = s->recent.older;
	e->newer = &s->recent;
	s->recent.older->newer = e;
	s->recent.older = e;
}

void fcm_set_init(struct fcm_set *s)
{
	*s = (struct fcm_set){ 0 };
	s->recent.older = s->recent.newer = &s->recent;
}

static struct fcm_entry **find_link(struct fcm_set *s, uint64_t index)
{
	struct fcm_entry **link = bucket_of(s, index);

	while (*link && (*link)->page->index != index)
		link = &(*link)->hash_next;
	return link;
}

struct fcm_page *fcm_set_find(struct fcm_set *s, uint64_t index)
{
	struct fcm_entry *e = *find_link(s, index);

	if (!e)
		return NULL;
	unlink_recent(e);
	link_newest(s, e);
	return e->page;
}

int fcm_set_add(struct fcm_set *s, struct fcm_page *p)
{
	struct fcm_entry **head = bucket_of(s, p->index);
	struct fcm_entry *e = kmalloc(sizeof(*e));

	if (!e)
		return SV_ENOMEM;
	BUG_ON(*find_link(s, p->index));
	e->page = p;
	e->hash_next = *head;
	*head = e;
	link_newest(s, e);
	s->count++;
	return 0;
}

struct fcm_page *fcm_set_remove(struct fcm_set *s, uint64_t index)
{
	struct fcm_entry **link = find_link(s, index), *e = *link;
	struct fcm_page *p;

	if (!e)
		return NULL;
	*link = e->hash_next;
	unlink_recent(e);
	s->count--;
	p = e->page;
	kfree(e);
	return p;
}

struct fcm_page *fcm_set_lru(const struct fcm_set *s)
{
	return s->count ? s->recent.newer->page : NULL;
}

struct fcm_page *fcm_set_mru(const struct fcm_set *s)
{
	return s->count ? s->recent.older->page : NULL;
}

void fcm_set_for_each(const struct fcm_set *s, void (*fn)(struct fcm_page *p, void *arg),
		      void *arg)
{
	for (const struct fcm_entry *e = s->recent.newer; e != &s->recent; e = e->newer)
		fn(e->page, arg);
}

void fcm_set_take_from(struct fcm_set *s, uint64_t first,
		       void (*fn)(struct fcm_page *p, void *arg), void *arg)
{
	for (unsigned b = 0; b < FCM_SET_BUCKETS; b++) {
		struct fcm_entry **link = &s->bucket[b], *e;

		while ((e = *link)) {
			if (e->page->index < first) {
				link = &e->hash_next;
				continue;
			}
			*link = e->hash_next;
			unlink_recent(e);
			s->count--;
			if (fn)
				fn(e->page, arg);
			kfree(e);
		}
	}
}
