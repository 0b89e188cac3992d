// SPDX-License-Identifier: GPL-2.0-only
/*
 * File data calls (kernel/fs.h): sizes and limits are the inode's, bytes
 * are the FCM's. Blocks are reserved before a write reaches the FCM, so a
 * full store fails the write itself.
 */
#include <kernel/block_store.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_file.h>
#include <kernel/fs_checksum.h>
#include <sv/abi.h>

#include "fs_impl.h"

static uint64_t size_of(struct fs_inode *ino)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);
	uint64_t size = ino->size;

	spin_unlock_irqrestore(&ino->lock, flags);
	return size;
}

/* The file grew to at least `end` (writes racing each other may end in
 * either order). */
static void grow_to(struct fs_inode *ino, uint64_t end)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);

	if (ino->size < end)
		ino->size = end;
	spin_unlock_irqrestore(&ino->lock, flags);
}

static coid_t fcm_of(struct fs_inode *ino)
{
	return fcm_file_id(ino->fcm);
}

/* FCM calls run with interrupts off (fcm_impl.h): a large transfer goes
 * in pieces so that no CPU stays deaf for long. */
#define FCM_CALL_BYTES (4 * BLOCK_SIZE)

static int64_t fcm_io(coid_t id, uint64_t off, void *buf, uint64_t n, bool write)
{
	uint64_t done = 0;

	while (done < n) {
		uint64_t piece = n - done < FCM_CALL_BYTES ? n - done : FCM_CALL_BYTES;
		int64_t got = write ? fcm_write(id, off + done, (char *)buf + done, piece)
				    : fcm_read(id, off + done, (char *)buf + done, piece);

		if (got <= 0)
			return done ? (int64_t)done : got;
		done += (uint64_t)got;
	}
	return (int64_t)done;
}

/* After a call that may have filled the cache: other files give back
 * what this one's own trimming could not. */
static void keep_cache_in_budget(void)
{
	if (fcm_cache_excess())
		fcm_files_reclaim();
}

/* Writes n bytes at off once blocks are there: bytes written or SV_E*. */
static int64_t write_reserved(struct fs_inode *ino, uint64_t off, const void *buf, uint64_t n)
{
	int64_t pages, done;
	uint64_t first = off / BLOCK_SIZE, room;

	if (n == 0)
		return 0;
	pages = fs_inode_reserve(ino, first, (off + n - 1) / BLOCK_SIZE);
	if (pages < 0)
		return pages;
	room = (first + (uint64_t)pages) * BLOCK_SIZE - off;
	done = fcm_io(fcm_of(ino), off, (void *)buf, n < room ? n : room, true);
	keep_cache_in_budget();
	return done;
}

int64_t fs_write(const char *path, size_t len, uint64_t off, const void *buf, uint64_t n)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);
	int64_t done;

	if (!ino)
		return error;
	if (off > FS_FILE_MAX || n > FS_FILE_MAX - off)
		done = SV_EFBIG;
	else
		done = write_reserved(ino, off, buf, n);
	if (done > 0)
		grow_to(ino, off + (uint64_t)done);
	fs_inode_put(ino);
	return done;
}

/* Claims [size, size + n) for an append: its offset, or SV_EFBIG. */
static int64_t claim_tail(struct fs_inode *ino, uint64_t n)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);
	int64_t off = SV_EFBIG;

	if (n <= FS_FILE_MAX - ino->size) {
		off = (int64_t)ino->size;
		ino->size += n;
	}
	spin_unlock_irqrestore(&ino->lock, flags);
	return off;
}

/* An append wrote only `done` of its n bytes: gives back the rest of
 * its claim unless a later append has claimed past it. */
static void settle_tail(struct fs_inode *ino, uint64_t off, uint64_t n, uint64_t done)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);

	if (ino->size == off + n)
		ino->size = off + done;
	spin_unlock_irqrestore(&ino->lock, flags);
}

int64_t fs_append(const char *path, size_t len, const void *buf, uint64_t n)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);
	int64_t off, done;

	if (!ino)
		return error;
	off = claim_tail(ino, n);
	done = off < 0 ? off : write_reserved(ino, (uint64_t)off, buf, n);
	if (off >= 0 && (uint64_t)(done > 0 ? done : 0) != n)
		settle_tail(ino, (uint64_t)off, n, done > 0 ? (uint64_t)done : 0);
	fs_inode_put(ino);
	return done < 0 ? done : off + done;
}

int64_t fs_read(const char *path, size_t len, uint64_t off, void *buf, uint64_t n)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);
	uint64_t size;
	int64_t done = 0;

	if (!ino)
		return error;
	size = size_of(ino);
	if (off > FS_FILE_MAX) {
		done = SV_EFBIG;
	} else if (off < size && n) {
		done = fcm_io(fcm_of(ino), off, buf, n < size - off ? n : size - off, false);
		keep_cache_in_budget();
	}
	fs_inode_put(ino);
	return done;
}

/* Bytes summed per read: on the serving thread's stack. */
#define CHECKSUM_CHUNK 1024

int fs_checksum(const char *path, size_t len, uint32_t *adler)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);
	uint8_t chunk[CHECKSUM_CHUNK];
	uint64_t size, off = 0;
	int64_t got = 1;

	if (!ino)
		return error;
	size = size_of(ino);
	*adler = FS_CHECKSUM_INIT;
	while (off < size && got > 0) { /* a truncation meanwhile ends it early */
		uint64_t n = size - off < sizeof(chunk) ? size - off : sizeof(chunk);

		got = fcm_io(fcm_of(ino), off, chunk, n, false);
		if (got > 0) {
			*adler = fs_checksum_update(*adler, chunk, (size_t)got);
			off += (uint64_t)got;
		}
	}
	keep_cache_in_budget();
	fs_inode_put(ino);
	return got < 0 ? (int)got : SV_OK;
}

/* Sets the size: the old one. */
static uint64_t set_size(struct fs_inode *ino, uint64_t size)
{
	uint64_t flags = spin_lock_irqsave(&ino->lock);
	uint64_t old = ino->size;

	ino->size = size;
	spin_unlock_irqrestore(&ino->lock, flags);
	return old;
}

int fs_truncate(const char *path, size_t len, uint64_t size)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);

	if (!ino)
		return error;
	if (size > FS_FILE_MAX) {
		error = SV_EFBIG;
	} else if (set_size(ino, size) > size) {
		/* Pages first, then blocks: no page past the end can be
		 * written back to a block freed under it. */
		error = fcm_truncate(fcm_of(ino), size);
		fs_inode_free_blocks(ino, (size + BLOCK_SIZE - 1) / BLOCK_SIZE);
	}
	fs_inode_put(ino);
	return error;
}

int fs_fsync(const char *path, size_t len)
{
	int error;
	struct fs_inode *ino = fs_lookup(path, len, &error);

	if (!ino)
		return error;
	error = ino->type == SV_STAT_FILE ? fcm_fsync(fcm_of(ino)) : 0;
	fs_inode_put(ino);
	return error;
}

int fs_fcm_kind(const char *path, size_t len)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);

	if (!ino)
		return error;
	error = (int)fcm_file_kind(ino->fcm);
	fs_inode_put(ino);
	return error;
}

int fs_fcm_request(const char *path, size_t len, enum fcm_kind kind)
{
	int error;
	struct fs_inode *ino = fs_lookup_file(path, len, &error);

	if (!ino)
		return error;
	if (kind < FCM_KINDS)
		fcm_file_request(ino->fcm, kind);
	fs_inode_put(ino);
	return kind < FCM_KINDS ? 0 : SV_EINVAL;
}
