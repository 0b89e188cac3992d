/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page descriptors and page sets, the FCMs' common parts. A descriptor is
 * one page of one file in one frame; it is reference counted because
 * across a hot swap both roots' sets hold it (the old root keeps its state
 * for a rollback), and the frame goes back when the last set drops it.
 * A set is a hash table by page index plus a recency list; it is guarded
 * by its owner's lock and takes no references itself.
 */
#ifndef SV_FS_FCM_PAGE_H
#define SV_FS_FCM_PAGE_H

#include <stdint.h>

#include <kernel/fcm.h>

struct fcm_page {
	uint64_t index;
	void *frame;
	uint32_t refs;  /* atomic */
	uint32_t dirty; /* atomic: set after a write's copy, cleared by writeback */
};

/* A new page with a zeroed frame and one reference; NULL when out of
 * memory. */
struct fcm_page *fcm_page_new(uint64_t index);
void fcm_page_get(struct fcm_page *p);
void fcm_page_put(struct fcm_page *p);

/* Writes p back if dirty: 0 or the backing's error (p stays dirty). */
int fcm_page_writeback(struct fcm_page *p, const struct fcm_backing_ops *backing, void *file);

#define FCM_SET_BUCKETS 64

struct fcm_entry {
	struct fcm_page *page;
	struct fcm_entry *hash_next;
	struct fcm_entry *older, *newer; /* the recency list */
};

struct fcm_set {
	struct fcm_entry *bucket[FCM_SET_BUCKETS];
	struct fcm_entry recent; /* sentinel: .newer is the LRU end, .older the MRU */
	uint64_t count;
};

void fcm_set_init(struct fcm_set *s);
/* The page at index, made the most recently used; NULL when absent. */
struct fcm_page *fcm_set_find(struct fcm_set *s, uint64_t index);
/* Adds p as the most recently used: 0, or SV_ENOMEM. */
int fcm_set_add(struct fcm_set *s, struct fcm_page *p);
/* Takes the page at index out: it, or NULL when absent. */
struct fcm_page *fcm_set_remove(struct fcm_set *s, uint64_t index);
/* The least / most recently used page, or NULL when empty. */
struct fcm_page *fcm_set_lru(const struct fcm_set *s);
struct fcm_page *fcm_set_mru(const struct fcm_set *s);
/* Takes out every page whose index is `first` or more, calling fn on
 * each (fn may be NULL). */
void fcm_set_take_from(struct fcm_set *s, uint64_t first,
		       void (*fn)(struct fcm_page *p, void *arg), void *arg);
/* Calls fn on every page (fn must not change the set). */
void fcm_set_for_each(const struct fcm_set *s, void (*fn)(struct fcm_page *p, void *arg),
		      void *arg);

#endif
