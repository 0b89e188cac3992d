// SPDX-License-Identifier: GPL-2.0-only
/* Directory entries (fs_impl.h): an array of names per directory, grown
 * by doubling, guarded by the directory's inode lock. */
#include <kernel/heap.h>
#include <kernel/string.h>
#include <sv/abi.h>

#include "fs_impl.h"

struct fs_dirent {
	char name[FS_NAME_MAX];
	uint8_t len;
	struct fs_inode *inode; /* holds the entry's reference */
};

static int find_locked(struct fs_inode *dir, const struct fs_name *name)
{
	for (uint32_t i = 0; i < dir->entries; i++)
		if (dir->entry[i].len == name->len && !memcmp(dir->entry[i].name, name->name, name->len))
			return (int)i;
	return -1;
}

struct fs_inode *fs_dir_find_locked(struct fs_inode *dir, const struct fs_name *name)
{
	int i = find_locked(dir, name);

	return i < 0 ? NULL : dir->entry[i].inode;
}

static int grow_locked(struct fs_inode *dir)
{
	uint32_t capacity = dir->capacity ? 2 * dir->capacity : 8;
	struct fs_dirent *entry = kmalloc(capacity * sizeof(*entry));

	if (!entry)
		return SV_ENOMEM;
	if (dir->entries)
		memcpy(entry, dir->entry, dir->entries * sizeof(*entry));
	kfree(dir->entry);
	dir->entry = entry;
	dir->capacity = capacity;
	return 0;
}

int fs_dir_add_locked(struct fs_inode *dir, const struct fs_name *name, struct fs_inode *child)
{
	struct fs_dirent *e;

	if (dir->entries == dir->capacity && grow_locked(dir))
		return SV_ENOMEM;
	e = &dir->entry[dir->entries++];
	memcpy(e->name, name->name, name->len);
	e->len = (uint8_t)name->len;
	e->inode = child;
	return 0;
}

void fs_dir_remove_locked(struct fs_inode *dir, const struct fs_name *name)
{
	int i = find_locked(dir, name);

	if (i >= 0)
		dir->entry[i] = dir->entry[--dir->entries];
}

size_t fs_dir_list_locked(struct fs_inode *dir, char *buf, size_t cap)
{
	size_t used = 0;

	for (uint32_t i = 0; i < dir->entries && used + dir->entry[i].len + 1 <= cap; i++) {
		memcpy(buf + used, dir->entry[i].name, dir->entry[i].len);
		used += dir->entry[i].len;
		buf[used++] = '\0';
	}
	return used;
}
