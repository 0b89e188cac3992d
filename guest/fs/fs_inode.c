// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inode table and each file's block map (fs_impl.h). A file's FCM
 * reaches its blocks through the backing ops here; blocks are reserved
 * when a write reaches a page (so a full store fails the write, not a
 * later writeback) and freed on truncate and delete.
 */
#include <kernel/block_store.h>
#include <kernel/fcm_file.h>
#include <kernel/heap.h>
#include <kernel/string.h>
#include <sv/abi.h>

#include "fs_impl.h"

static struct spinlock table_lock = SPINLOCK_INIT;
static struct fs_inode *table[FS_INODES_MAX];
static coid_t store;

void fs_inodes_init(coid_t block_store)
{
	store = block_store;
}

coid_t fs_block_store(void)
{
	return store;
}

/* ---- the block map ------------------------------------------------------ */

static uint32_t block_of(struct fs_inode *ino, uint64_t index)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);
	uint32_t b = ino->block[index];

	spin_unlock_irqrestore(&ino->lock, flags);
	return b;
}

/* Page index's block (allocated now if it has none): its number + 1, or
 * SV_ENOSPC. */
static int64_t ensure_block(struct fs_inode *ino, uint64_t index)
{
	uint32_t b = block_of(ino, index);
	int64_t fresh;
	uint64_t flags;

	if (b)
		return b;
	fresh = block_alloc(store);
	if (fresh < 0)
		return fresh;
	flags = spin_lock_irqsave(&ino->lock);
	if (!ino->block[index])
		ino->block[index] = (uint32_t)fresh + 1;
	b = ino->block[index];
	spin_unlock_irqrestore(&ino->lock, flags);
	if (b != (uint32_t)fresh + 1) /* another writer was first */
		block_free(store, (uint32_t)fresh);
	return b;
}

int64_t fs_inode_reserve(struct fs_inode *ino, uint64_t first, uint64_t last)
{
	for (uint64_t i = first; i <= last; i++) {
		int64_t b = ensure_block(ino, i);

		if (b < 0)
			return i > first ? (int64_t)(i - first) : b;
	}
	return (int64_t)(last - first + 1);
}

void fs_inode_free_blocks(struct fs_inode *ino, uint64_t first)
{
	uint32_t freed[FS_FILE_PAGES];
	unsigned count = 0;
	uint64_t flags = spin_lock_irqsave(&ino->lock);

	for (uint64_t i = first; i < FS_FILE_PAGES; i++)
		if (ino->block[i]) {
			freed[count++] = ino->block[i] - 1;
			ino->block[i] = 0;
		}
	spin_unlock_irqrestore(&ino->lock, flags);
	for (unsigned i = 0; i < count; i++)
		block_free(store, freed[i]);
}

static int read_page(void *file, uint64_t index, void *frame)
{
	uint32_t b = block_of(file, index);

	if (!b) {
		memset(frame, 0, BLOCK_SIZE);
		return 0;
	}
	return block_read(store, b - 1, frame);
}

static int write_page(void *file, uint64_t index, const void *frame)
{
	int64_t b = ensure_block(file, index);

	return b < 0 ? (int)b : block_write(store, (uint32_t)b - 1, frame);
}

static void give_slot(struct fs_inode *ino);

/* A file's inode goes with its FCM: until then a writeback may still
 * reach its blocks. */
static void free_inode(struct fs_inode *ino)
{
	fs_inode_free_blocks(ino, 0);
	kfree(ino->entry);
	give_slot(ino);
	kfree(ino);
}

static void release_file(void *file)
{
	free_inode(file);
}

static const struct fcm_backing_ops inode_backing = {
	.read_page = read_page,
	.write_page = write_page,
	.release = release_file,
};

/* ---- the table ------------------------------------------------------------ */

static int take_slot(struct fs_inode *ino)
{
	uint64_t flags = spin_lock_irqsave(&table_lock);
	int error = SV_ENOSPC;

	for (uint32_t i = 0; i < FS_INODES_MAX; i++)
		if (!table[i]) {
			table[i] = ino;
			ino->ino = i;
			error = 0;
			break;
		}
	spin_unlock_irqrestore(&table_lock, flags);
	return error;
}

static void give_slot(struct fs_inode *ino)
{
	uint64_t flags = spin_lock_irqsave(&table_lock);

	table[ino->ino] = NULL;
	spin_unlock_irqrestore(&table_lock, flags);
}

struct fs_inode *fs_inode_create(uint32_t type, int *error)
{
	struct fs_inode *ino = kzalloc(sizeof(*ino));

	*error = ino ? take_slot(ino) : SV_ENOMEM;
	if (*error) {
		kfree(ino);
		return NULL;
	}
	ino->type = type;
	ino->refs = 1;
	if (type == SV_STAT_FILE && !(ino->fcm = fcm_file_create(&inode_backing, ino))) {
		give_slot(ino);
		kfree(ino);
		*error = SV_ENOMEM;
		return NULL;
	}
	return ino;
}

void fs_inode_get(struct fs_inode *ino)
{
	__atomic_add_fetch(&ino->refs, 1, __ATOMIC_RELAXED);
}

void fs_inode_put(struct fs_inode *ino)
{
	if (__atomic_sub_fetch(&ino->refs, 1, __ATOMIC_ACQ_REL))
		return;
	/* A file's cached pages are dropped, not written: it is gone. */
	if (ino->fcm)
		fcm_file_release(ino->fcm);
	else
		free_inode(ino);
}

void fs_inodes_count(uint64_t *files, uint64_t *dirs)
{
	uint64_t flags = spin_lock_irqsave(&table_lock);

	*files = *dirs = 0;
	for (uint32_t i = 0; i < FS_INODES_MAX; i++)
		if (table[i])
			*(table[i]->type == SV_STAT_FILE ? files : dirs) += 1;
	spin_unlock_irqrestore(&table_lock, flags);
}
