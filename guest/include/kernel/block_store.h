/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The RAM block store: a clustered object (one shared rep) owning a fixed
 * number of 4 KiB blocks taken from the page allocator when it is made,
 * with a bitmap allocator. The file system keeps file data here; the
 * file cache managers (kernel/fcm.h) page it in and write it back.
 */
#ifndef SV_KERNEL_BLOCK_STORE_H
#define SV_KERNEL_BLOCK_STORE_H

#include <stdint.h>

#include <kernel/cobj.h>

#define BLOCK_SIZE 4096u

struct block_store;

struct block_store_ops {
	/* Copies block `block` out to / in from a BLOCK_SIZE buffer: 0, or
	 * SV_EINVAL for a block number out of range or not allocated. */
	int (*read)(struct block_store *self, uint32_t block, void *buf);
	int (*write)(struct block_store *self, uint32_t block, const void *buf);
	/* A free block's number (its contents zeroed), or SV_ENOSPC. */
	int64_t (*alloc)(struct block_store *self);
	/* 0, or SV_EINVAL when the block is not allocated. */
	int (*free)(struct block_store *self, uint32_t block);
	uint64_t (*used)(struct block_store *self);
	uint64_t (*total)(struct block_store *self);
};

struct block_store {
	const struct block_store_ops *ops;
};

/* A store of `blocks` blocks: its COID, or NULL when out of memory or
 * COIDs (nothing is left behind). co_destroy gives the blocks back. */
coid_t block_store_create(uint32_t blocks);

static inline int block_read(coid_t id, uint32_t block, void *buf)
{
	return CO_CALL(struct block_store, id, read, block, buf);
}

static inline int block_write(coid_t id, uint32_t block, const void *buf)
{
	return CO_CALL(struct block_store, id, write, block, buf);
}

static inline int64_t block_alloc(coid_t id)
{
	return CO_CALL(struct block_store, id, alloc);
}

static inline int block_free(coid_t id, uint32_t block)
{
	return CO_CALL(struct block_store, id, free, block);
}

static inline uint64_t block_store_used(coid_t id)
{
	return CO_CALL(struct block_store, id, used);
}

static inline uint64_t block_store_total(coid_t id)
{
	return CO_CALL(struct block_store, id, total);
}

#endif
