// SPDX-License-Identifier: GPL-2.0-only
/*
 * The file system's calls (kernel/fs.h): path walks that hold a reference
 * on one inode at a time (never a lock across a step), directory changes
 * under the parent's lock, and file data through the file's FCM with no
 * lock of ours held (an FCM call may wait for a hot swap).
 */
#include <kernel/block_store.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_file.h>
#include <kernel/page_alloc.h>
#include <sv/abi.h>

#include "fs_impl.h"

static struct fs_inode *root_dir;

int fs_init(const struct fs_config *cfg)
{
	struct fs_config c = cfg ? *cfg : (struct fs_config){ 0 };
	coid_t store;
	int error;

	if (root_dir)
		return 0;
	if (!c.blocks) {
		uint64_t quarter = pages_free_count() / 4;

		c.blocks = quarter < FS_DEFAULT_BLOCKS ? (uint32_t)quarter : FS_DEFAULT_BLOCKS;
	}
	fcm_cache_set_budget(c.cache_frames ? c.cache_frames : FCM_CACHE_DEFAULT_BUDGET);
	store = block_store_create(c.blocks);
	if (!store)
		return SV_ENOMEM;
	fs_inodes_init(store);
	error = fcm_files_init();
	root_dir = error ? NULL : fs_inode_create(SV_STAT_DIR, &error);
	if (!root_dir)
		co_destroy(store);
	return root_dir ? 0 : SV_ENOMEM;
}

/* ---- walking ----------------------------------------------------------- */

/* The child `name` of `dir` with a reference, or NULL with *error set. */
static struct fs_inode *step(struct fs_inode *dir, const struct fs_name *name, int *error)
{
	struct fs_inode *child;
	uint64_t flags;

	if (dir->type != SV_STAT_DIR) {
		*error = SV_ENOTDIR;
		return NULL;
	}
	flags = spin_lock_irqsave(&dir->lock);
	child = fs_dir_find_locked(dir, name);
	if (child)
		fs_inode_get(child);
	spin_unlock_irqrestore(&dir->lock, flags);
	*error = child ? 0 : SV_ENOENT;
	return child;
}

/* Walks to the parent of the path's last name, which is left in *last
 * (last->name NULL for the root itself): the parent with a reference, or
 * NULL with *error set. */
static struct fs_inode *walk_to_parent(const char *path, size_t len, struct fs_name *last,
				       int *error)
{
	struct fs_inode *dir = root_dir;
	struct fs_name name = { 0 }, next;

	*error = root_dir ? fs_path_check(path, len) : SV_EIO;
	if (*error)
		return NULL;
	fs_inode_get(dir);
	*last = name;
	if (!fs_path_next(path, len, &name))
		return dir;
	for (next = name; fs_path_next(path, len, &next); name = next) {
		struct fs_inode *child = step(dir, &name, error);

		fs_inode_put(dir);
		if (!child)
			return NULL;
		dir = child;
	}
	*last = name;
	return dir;
}

struct fs_inode *fs_lookup(const char *path, size_t len, int *error)
{
	struct fs_name last;
	struct fs_inode *dir = walk_to_parent(path, len, &last, error), *ino;

	if (!dir || !last.name)
		return dir;
	ino = step(dir, &last, error);
	fs_inode_put(dir);
	return ino;
}

struct fs_inode *fs_lookup_file(const char *path, size_t len, int *error)
{
	struct fs_inode *ino = fs_lookup(path, len, error);

	if (ino && ino->type != SV_STAT_FILE) {
		fs_inode_put(ino);
		*error = SV_EISDIR;
		return NULL;
	}
	return ino;
}

/* ---- the namespace ----------------------------------------------------------- */

static int link_new_locked(struct fs_inode *dir, const struct fs_name *name,
			   struct fs_inode *child)
{
	if (dir->unlinked)
		return SV_ENOENT;
	if (fs_dir_find_locked(dir, name))
		return SV_EEXIST;
	return fs_dir_add_locked(dir, name, child);
}

static int make(const char *path, size_t len, uint32_t type)
{
	struct fs_name last;
	int error;
	struct fs_inode *dir = walk_to_parent(path, len, &last, &error), *child;
	uint64_t flags;

	if (!dir)
		return error;
	if (!last.name || dir->type != SV_STAT_DIR) {
		fs_inode_put(dir);
		return last.name ? SV_ENOTDIR : SV_EEXIST;
	}
	/* Made before the lock is taken: an FCM is not made under a lock. */
	child = fs_inode_create(type, &error);
	if (child) {
		flags = spin_lock_irqsave(&dir->lock);
		error = link_new_locked(dir, &last, child);
		spin_unlock_irqrestore(&dir->lock, flags);
		if (error)
			fs_inode_put(child);
	}
	fs_inode_put(dir);
	return error;
}

int fs_create(const char *path, size_t len)
{
	return make(path, len, SV_STAT_FILE);
}

int fs_mkdir(const char *path, size_t len)
{
	return make(path, len, SV_STAT_DIR);
}

/* Marks child unlinked unless it is a directory with entries. */
static int unlink_child(struct fs_inode *child)
{
	uint64_t flags = spin_lock_irqsave(&child->lock);
	int error = child->entries ? SV_ENOTEMPTY : 0;

	child->unlinked = !error;
	spin_unlock_irqrestore(&child->lock, flags);
	return error;
}

int fs_delete(const char *path, size_t len)
{
	struct fs_name last;
	int error;
	struct fs_inode *dir = walk_to_parent(path, len, &last, &error), *child = NULL;
	uint64_t flags;

	if (!dir)
		return error;
	if (!last.name || dir->type != SV_STAT_DIR) {
		fs_inode_put(dir);
		return last.name ? SV_ENOTDIR : SV_EINVAL; /* the root stays */
	}
	flags = spin_lock_irqsave(&dir->lock);
	child = fs_dir_find_locked(dir, &last);
	error = child ? unlink_child(child) : SV_ENOENT;
	if (!error)
		fs_dir_remove_locked(dir, &last);
	spin_unlock_irqrestore(&dir->lock, flags);
	if (!error)
		fs_inode_put(child); /* the entry's reference */
	fs_inode_put(dir);
	return error;
}

int fs_stat(const char *path, size_t len, uint64_t *size, uint32_t *type)
{
	int error;
	struct fs_inode *ino = fs_lookup(path, len, &error);
	uint64_t flags;

	if (!ino)
		return error;
	flags = spin_lock_irqsave(&ino->lock);
	*size = ino->type == SV_STAT_FILE ? ino->size : ino->entries;
	*type = ino->type;
	spin_unlock_irqrestore(&ino->lock, flags);
	fs_inode_put(ino);
	return 0;
}

int64_t fs_readdir(const char *path, size_t len, char *buf, size_t cap)
{
	int error;
	struct fs_inode *ino = fs_lookup(path, len, &error);
	int64_t used = SV_ENOTDIR;
	uint64_t flags;

	if (!ino)
		return error;
	if (ino->type == SV_STAT_DIR) {
		flags = spin_lock_irqsave(&ino->lock);
		used = (int64_t)fs_dir_list_locked(ino, buf, cap);
		spin_unlock_irqrestore(&ino->lock, flags);
	}
	fs_inode_put(ino);
	return used;
}
