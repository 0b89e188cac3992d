/* SPDX-License-Identifier: GPL-2.0-only */
/* The file system's parts (kernel/fs.h): paths (fs_path.c), inodes and
 * their blocks (fs_inode.c), directories (fs_dir.c). */
#ifndef SV_FS_FS_IMPL_H
#define SV_FS_FS_IMPL_H

#include <stdbool.h>

#include <kernel/fs.h>
#include <kernel/spinlock.h>
#include <sv/ring.h>

/* ---- paths ---- */

/* 0 when the whole path is well formed, else SV_EINVAL or
 * SV_ENAMETOOLONG. */
int fs_path_check(const char *path, size_t len);

struct fs_name {
	const char *name;
	size_t len;
};

/* The component after `prev` (prev->name NULL: the first); false at the
 * end. The path must have passed fs_path_check. */
bool fs_path_next(const char *path, size_t len, struct fs_name *prev);

/* ---- lookups (fs.c) ---- */

struct fs_inode;

/* The path's inode with a reference, or NULL with *error set; _file
 * answers SV_EISDIR for a directory. */
struct fs_inode *fs_lookup(const char *path, size_t len, int *error);
struct fs_inode *fs_lookup_file(const char *path, size_t len, int *error);

/* ---- inodes ---- */

struct fs_dirent;

struct fs_inode {
	uint32_t ino;
	uint32_t type;           /* SV_STAT_FILE or SV_STAT_DIR */
	uint32_t refs;           /* its directory entry's and each user's */
	struct spinlock lock;    /* everything below */
	int unlinked;            /* out of its directory: no new entries */
	uint64_t size;
	uint32_t block[FS_FILE_PAGES]; /* block number + 1; 0: none (reads as zeros) */
	struct fcm_file *fcm;    /* files */
	struct fs_dirent *entry; /* directories */
	uint32_t entries, capacity;
};

/* Sets the inode table up over a block store. */
void fs_inodes_init(coid_t store);
coid_t fs_block_store(void);

/* A new inode of `type` with one reference (a file's FCM made too), or
 * NULL with *error set (SV_ENOMEM, SV_ENOSPC: the table is full). */
struct fs_inode *fs_inode_create(uint32_t type, int *error);
void fs_inode_get(struct fs_inode *ino);
/* The last reference (the inode is unlinked by then) frees it, its FCM
 * and its blocks. */
void fs_inode_put(struct fs_inode *ino);

/* Gives pages [first, last] blocks: how many pages from first on have
 * one, or SV_ENOSPC when not even first could. */
int64_t fs_inode_reserve(struct fs_inode *ino, uint64_t first, uint64_t last);
/* Frees the blocks of pages `first` on. */
void fs_inode_free_blocks(struct fs_inode *ino, uint64_t first);

/* Counts of inodes in use by type (statistics). */
void fs_inodes_count(uint64_t *files, uint64_t *dirs);

/* ---- directories (dir->lock held) ---- */

/* The entry's inode, or NULL. */
struct fs_inode *fs_dir_find_locked(struct fs_inode *dir, const struct fs_name *name);
/* 0, or SV_ENOMEM. */
int fs_dir_add_locked(struct fs_inode *dir, const struct fs_name *name, struct fs_inode *child);
void fs_dir_remove_locked(struct fs_inode *dir, const struct fs_name *name);
/* Names, each NUL-terminated, as many as fit: bytes used. */
size_t fs_dir_list_locked(struct fs_inode *dir, char *buf, size_t cap);

#endif
