// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RAM block store (kernel/block_store.h): one shared rep, one lock
 * around the bitmap; block contents are copied outside it (a block in use
 * belongs to one file, whose cache manager serialises its pages).
 */
#include <stdbool.h>

#include <kernel/block_store.h>
#include <kernel/co_root.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>
#include <sv/abi.h>

struct store_rep {
	struct block_store base;
	struct spinlock lock; /* bitmap, used, next */
	uint32_t blocks;
	uint32_t used;
	uint32_t next;        /* where the next search starts */
	uint64_t *bitmap;     /* bit set: allocated */
	void **block;         /* each a page from the page allocator */
};

static struct store_rep *store_of(struct block_store *self)
{
	return (struct store_rep *)self;
}

static bool allocated(const struct store_rep *s, uint32_t b)
{
	return b < s->blocks && (s->bitmap[b / 64] >> (b % 64) & 1);
}

/* The block's page if it is allocated; reads of the bitmap bit race only
 * with the block's own owner freeing it, which is the owner's bug. */
static void *block_page(struct store_rep *s, uint32_t b)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool ok = allocated(s, b);

	spin_unlock_irqrestore(&s->lock, flags);
	return ok ? s->block[b] : NULL;
}

static int store_read(struct block_store *self, uint32_t b, void *buf)
{
	void *page = block_page(store_of(self), b);

	if (!page)
		return SV_EINVAL;
	memcpy(buf, page, BLOCK_SIZE);
	return 0;
}

static int store_write(struct block_store *self, uint32_t b, const void *buf)
{
	void *page = block_page(store_of(self), b);

	if (!page)
		return SV_EINVAL;
	memcpy(page, buf, BLOCK_SIZE);
	return 0;
}

static int64_t find_free_locked(struct store_rep *s)
{
	for (uint32_t i = 0; i < s->blocks; i++) {
		uint32_t b = (s->next + i) % s->blocks;

		if (!allocated(s, b))
			return b;
	}
	return SV_ENOSPC;
}

static int64_t store_alloc(struct block_store *self)
{
	struct store_rep *s = store_of(self);
	uint64_t flags = spin_lock_irqsave(&s->lock);
	int64_t b = find_free_locked(s);

	if (b >= 0) {
		s->bitmap[b / 64] |= 1ull << (b % 64);
		s->used++;
		s->next = (uint32_t)b + 1;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	/* Zeroed outside the lock: nobody else can reach the block yet. */
	if (b >= 0)
		memset(s->block[b], 0, BLOCK_SIZE);
	return b;
}

static int store_free(struct block_store *self, uint32_t b)
{
	struct store_rep *s = store_of(self);
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool ok = allocated(s, b);

	if (ok) {
		s->bitmap[b / 64] &= ~(1ull << (b % 64));
		s->used--;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return ok ? 0 : SV_EINVAL;
}

static uint64_t store_used(struct block_store *self)
{
	return __atomic_load_n(&store_of(self)->used, __ATOMIC_RELAXED);
}

static uint64_t store_total(struct block_store *self)
{
	return store_of(self)->blocks;
}

static const struct block_store_ops store_ops = {
	.read = store_read,
	.write = store_write,
	.alloc = store_alloc,
	.free = store_free,
	.used = store_used,
	.total = store_total,
};

static struct co_rep *create_store_rep(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct store_rep), &store_ops);
}

static void destroy_store_rep(struct co_rep *rep)
{
	struct store_rep *s = (struct store_rep *)rep;

	for (uint32_t b = 0; s->block && b < s->blocks && s->block[b]; b++)
		pages_free(s->block[b], 0);
	kfree(s->block);
	kfree(s->bitmap);
	co_rep_free(rep);
}

static const struct co_rep_type store_type = { create_store_rep, destroy_store_rep, NULL };

/* The blocks and bitmap; on failure the rep's destroy frees what came. */
static int fill_store(struct store_rep *s, uint32_t blocks)
{
	s->blocks = blocks;
	s->bitmap = kzalloc(((size_t)blocks + 63) / 64 * sizeof(uint64_t));
	s->block = kzalloc((size_t)blocks * sizeof(void *));
	if (!s->bitmap || !s->block)
		return -1;
	for (uint32_t b = 0; b < blocks; b++)
		if (!(s->block[b] = pages_alloc(0)))
			return -1;
	return 0;
}

coid_t block_store_create(uint32_t blocks)
{
	struct co_multi_root *root = co_multi_root_create(&store_type, CO_SHARED);
	struct co_rep *rep = root && blocks ? co_multi_root_rep(root, 0) : NULL;
	coid_t id = NULL;

	/* The rep is made and filled before the object is in service: its
	 * size is the one thing the miss path could not know. */
	if (rep && fill_store((struct store_rep *)rep, blocks) == 0)
		id = co_create(&root->base);
	if (!id && root)
		root->base.ops->destroy(&root->base);
	return id;
}
