/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File cache managers (K42's FCMs; seed 001 §6.3). Each file has one, a
 * clustered object through which the file system reaches all of the
 * file's data: it keeps the file's pages in 4 KiB frames, pages them in
 * from the file's backing (its blocks) and writes dirty ones back on
 * fsync and eviction. Three kinds, one interface, swappable under load
 * with their pages (dirty ones too) handed over:
 *
 *   shared      one rep, one lock, one page table for the file
 *   replicated  a rep per CPU with its own table of the pages that CPU
 *               touched, over the root's master set (one frame per page)
 *   sequential  for scans: keeps a few pages, recycling the most recently
 *               used one (MRU)
 *
 * Frames across all FCMs are held to a global budget (fcm_cache.h).
 */
#ifndef SV_KERNEL_FCM_H
#define SV_KERNEL_FCM_H

#include <stdint.h>

#include <kernel/cobj.h>

enum fcm_kind {
	FCM_SHARED,
	FCM_REPLICATED,
	FCM_SEQUENTIAL,
	FCM_KINDS
};

const char *fcm_kind_name(enum fcm_kind kind);

/* How an FCM reaches the file's blocks: page `index` into / out of a
 * 4 KiB frame; 0 or a negative SV_E* code. Called with the FCM's locks
 * held and interrupts off: they must not block. */
struct fcm_backing_ops {
	int (*read_page)(void *file, uint64_t index, void *frame);
	int (*write_page)(void *file, uint64_t index, const void *frame);
	/* The FCM is out of service for good (kernel/fcm_file.h): nothing
	 * reaches `file` through it any more. */
	void (*release)(void *file);
};

struct fcm;

/* The interface of every kind. The caller (the file system) has checked
 * ranges against the file's size and limits. */
struct fcm_ops {
	/* Copies n bytes at off out of the file's pages: n, or SV_E*. */
	int64_t (*read)(struct fcm *self, uint64_t off, void *buf, uint64_t n);
	/* Copies n bytes into the file's pages, marking them dirty. */
	int64_t (*write)(struct fcm *self, uint64_t off, const void *buf, uint64_t n);
	/* Drops the pages past `size` (not written back) and zeroes the rest
	 * of the page `size` ends in. 0 or SV_E*. */
	int (*truncate)(struct fcm *self, uint64_t size);
	/* Writes every dirty page back. 0 or the first error. */
	int (*fsync)(struct fcm *self);
	/* Evicts up to `pages` pages, writing dirty ones back first;
	 * answers how many went. */
	uint64_t (*evict)(struct fcm *self, uint64_t pages);
	/* Pages cached now. */
	uint64_t (*resident)(struct fcm *self);
};

struct fcm {
	const struct fcm_ops *ops;
};

/* Transfer formats (kernel/co_transfer.h) every kind speaks: the page set
 * as references to the same page descriptors (frames and dirty bits move
 * without a copy; the exporter keeps its own references, so a rolled-back
 * or aborted swap finds it as it was). */
enum fcm_format {
	FCM_FORMAT_PAGES = 0,
};

struct co_root;

/* A root of `kind` over `backing`, for co_hot_swap or co_create (NULL
 * when out of memory). */
struct co_root *fcm_root_create(enum fcm_kind kind, const struct fcm_backing_ops *backing,
				void *file);
enum fcm_kind fcm_root_kind(const struct co_root *root);

static inline int64_t fcm_read(coid_t id, uint64_t off, void *buf, uint64_t n)
{
	return CO_CALL(struct fcm, id, read, off, buf, n);
}

static inline int64_t fcm_write(coid_t id, uint64_t off, const void *buf, uint64_t n)
{
	return CO_CALL(struct fcm, id, write, off, buf, n);
}

static inline int fcm_truncate(coid_t id, uint64_t size)
{
	return CO_CALL(struct fcm, id, truncate, size);
}

static inline int fcm_fsync(coid_t id)
{
	return CO_CALL(struct fcm, id, fsync);
}

static inline uint64_t fcm_evict(coid_t id, uint64_t pages)
{
	return CO_CALL(struct fcm, id, evict, pages);
}

static inline uint64_t fcm_resident(coid_t id)
{
	return CO_CALL(struct fcm, id, resident);
}

#endif
