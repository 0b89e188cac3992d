/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's file system: a RAM file system over the block store
 * (kernel/block_store.h), each file's data reached through its FCM
 * (kernel/fcm.h, kernel/fcm_file.h). Paths are absolute, '/'-separated,
 * given as (path, len) without a NUL, at most SV_RING_PATH_MAX bytes,
 * names at most FS_NAME_MAX bytes; "." and ".." are not special (and not
 * accepted). Calls return 0 (or a size) or a negative SV_E* code:
 *
 *   SV_EINVAL        empty path, not starting with '/', empty component
 *                    ("//", a trailing '/'), a NUL, "." or ".."
 *   SV_ENAMETOOLONG  path or a name too long
 *   SV_ENOENT, SV_EEXIST, SV_ENOTDIR, SV_EISDIR, SV_ENOTEMPTY as usual
 *   SV_EFBIG         an offset or size past FS_FILE_MAX
 *   SV_ENOSPC        the block store (or the inode table) is full
 *
 * Safe from threads on every CPU at once: a lock per directory and per
 * inode, the FCMs' own locks for data. A truncate is not atomic with I/O
 * running on the same file at the same time. Callers must be ordinary
 * (non-daemon) threads whenever FCM swaps may be under way (any time under
 * the adaptive policy): a daemon's calls are invisible to a hot swap's
 * quiescence.
 */
#ifndef SV_KERNEL_FS_H
#define SV_KERNEL_FS_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/fcm.h>

#define FS_NAME_MAX 60
#define FS_FILE_MAX (1u << 20)
#define FS_FILE_PAGES (FS_FILE_MAX / 4096u)
#define FS_INODES_MAX 1024u
#define FS_DEFAULT_BLOCKS 4096u

struct fs_config {
	uint32_t blocks;       /* block store size; 0: FS_DEFAULT_BLOCKS, less if RAM is small */
	uint64_t cache_frames; /* FCM cache budget; 0: FCM_CACHE_DEFAULT_BUDGET */
};

/* Sets the file system up (block store, root directory, swapper) with
 * `cfg` (NULL: defaults). Only the first call does anything. 0, or
 * SV_ENOMEM. */
int fs_init(const struct fs_config *cfg);

int fs_create(const char *path, size_t len);
int fs_mkdir(const char *path, size_t len);
/* Bytes written (fewer when the block store fills up part way). */
int64_t fs_write(const char *path, size_t len, uint64_t off, const void *buf, uint64_t n);
/* The file's new size. */
int64_t fs_append(const char *path, size_t len, const void *buf, uint64_t n);
/* Bytes read: 0 at or after the end of the file. */
int64_t fs_read(const char *path, size_t len, uint64_t off, void *buf, uint64_t n);
int fs_truncate(const char *path, size_t len, uint64_t size);
/* The Adler-32 of the file's bytes (kernel/fs_checksum.h, whose known
 * bug it has), read in pieces: a write meanwhile may be seen in part. */
int fs_checksum(const char *path, size_t len, uint32_t *adler);
/* A file, or an empty directory. */
int fs_delete(const char *path, size_t len);
/* *type is SV_STAT_FILE or SV_STAT_DIR (sv/ring.h); *size a file's
 * bytes, a directory's entries. */
int fs_stat(const char *path, size_t len, uint64_t *size, uint32_t *type);
int fs_fsync(const char *path, size_t len);
/* The directory's entry names, each ending in '\0', as many whole names
 * as fit in cap bytes: the bytes used. */
int64_t fs_readdir(const char *path, size_t len, char *buf, size_t cap);

/* One JSON object of statistics (block store, files, FCMs, swaps, cache)
 * into buf, NUL-terminated: its length, or SV_ENOMEM if cap is too small. */
int fs_stats_json(char *buf, size_t cap);

/* A file's FCM kind now, or SV_E*; and a request to the swapper to swap
 * it to `kind` (done later; fcm_swaps_pending() says when). */
int fs_fcm_kind(const char *path, size_t len);
int fs_fcm_request(const char *path, size_t len, enum fcm_kind kind);

#endif
