// SPDX-License-Identifier: GPL-2.0-only
/* The file system's calls and their errors, the block store filling up,
 * and file content surviving eviction under a small cache budget. These
 * tests run on the test runner (a daemon) with a fixed FCM policy, so no
 * swap runs under them. */
#include <kernel/block_store.h>
#include <kernel/fcm_cache.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <sv/abi.h>

#include "fs_util.h"

static bool setup_fixed_policy(void)
{
	return fs_test_setup() && fs_test_policy(SV_FCM_POLICY_SHARED);
}

SV_TEST(fs_bad_paths_are_refused)
{
	static char long_path[SV_RING_PATH_MAX + 1];
	char long_name[FS_NAME_MAX + 2] = "/";

	SV_ASSERT(setup_fixed_policy());
	SV_ASSERT_EQ(fs_create("", 0), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("a")), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("//")), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("/a/")), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("/a//b")), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("/..")), SV_EINVAL);
	SV_ASSERT_EQ(fs_create(P("/a\0b")), SV_EINVAL);
	memset(long_name + 1, 'n', FS_NAME_MAX);
	SV_ASSERT_EQ(fs_create(long_name, FS_NAME_MAX + 1), 0); /* the longest name */
	SV_ASSERT_EQ(fs_delete(long_name, FS_NAME_MAX + 1), 0);
	long_name[FS_NAME_MAX + 1] = 'n';
	SV_ASSERT_EQ(fs_create(long_name, FS_NAME_MAX + 2), SV_ENAMETOOLONG);
	memset(long_path, '/', sizeof(long_path));
	SV_ASSERT_EQ(fs_stat(long_path, sizeof(long_path), &(uint64_t){ 0 }, &(uint32_t){ 0 }),
		     SV_ENAMETOOLONG);
	/* "/n" and only then garbage: the walk never starts. */
	SV_ASSERT_EQ(fs_mkdir(P("/n/x/")), SV_EINVAL);
	SV_ASSERT_EQ(fs_read(P("/none"), 0, long_path, 1), SV_ENOENT);
	SV_ASSERT_EQ(fs_create(P("/none/x")), SV_ENOENT);
	SV_ASSERT_EQ(fs_create(P("/")), SV_EEXIST);
	SV_ASSERT_EQ(fs_delete(P("/")), SV_EINVAL);
}

SV_TEST(fs_namespace_calls_and_their_errors)
{
	char names[64];
	uint64_t size;
	uint32_t type;

	SV_ASSERT(setup_fixed_policy());
	SV_ASSERT_EQ(fs_mkdir(P("/d")), 0);
	SV_ASSERT_EQ(fs_mkdir(P("/d")), SV_EEXIST);
	SV_ASSERT_EQ(fs_create(P("/d/f")), 0);
	SV_ASSERT_EQ(fs_create(P("/d/f")), SV_EEXIST);
	SV_ASSERT_EQ(fs_mkdir(P("/d/e")), 0);
	SV_ASSERT_EQ(fs_create(P("/d/f/x")), SV_ENOTDIR);
	SV_ASSERT_EQ(fs_stat(P("/d/f/x"), &size, &type), SV_ENOTDIR);
	SV_ASSERT_EQ(fs_read(P("/d"), 0, names, 1), SV_EISDIR);
	SV_ASSERT_EQ(fs_write(P("/d/e"), 0, names, 1), SV_EISDIR);
	SV_ASSERT_EQ(fs_append(P("/d"), names, 1), SV_EISDIR);
	SV_ASSERT_EQ(fs_truncate(P("/d"), 0), SV_EISDIR);
	SV_ASSERT_EQ(fs_readdir(P("/d/f"), names, sizeof(names)), SV_ENOTDIR);
	SV_ASSERT_EQ(fs_stat(P("/d"), &size, &type), 0);
	SV_ASSERT_EQ(type, SV_STAT_DIR);
	SV_ASSERT_EQ(size, 2);
	SV_ASSERT_EQ(fs_stat(P("/d/f"), &size, &type), 0);
	SV_ASSERT_EQ(type, SV_STAT_FILE);
	SV_ASSERT_EQ(fs_readdir(P("/d"), names, sizeof(names)), 4);
	SV_ASSERT(!memcmp(names, "f\0e\0", 4));
	SV_ASSERT_EQ(fs_readdir(P("/d"), names, 3), 2); /* whole names only */
	SV_ASSERT_EQ(fs_delete(P("/d")), SV_ENOTEMPTY);
	SV_ASSERT_EQ(fs_delete(P("/d/f")), 0);
	SV_ASSERT_EQ(fs_delete(P("/d/f")), SV_ENOENT);
	SV_ASSERT_EQ(fs_delete(P("/d/e")), 0);
	SV_ASSERT_EQ(fs_delete(P("/d")), 0);
	SV_ASSERT_EQ(fs_stat(P("/d"), &size, &type), SV_ENOENT);
	SV_ASSERT_EQ(fs_fsync(P("/d")), SV_ENOENT);
}

SV_TEST(fs_write_read_append_truncate_and_limits)
{
	char buf[16];
	uint64_t size;
	uint32_t type;

	SV_ASSERT(setup_fixed_policy());
	SV_ASSERT_EQ(fs_create(P("/f")), 0);
	SV_ASSERT_EQ(fs_write(P("/f"), 5000, "hello", 5), 5);
	SV_ASSERT_EQ(fs_stat(P("/f"), &size, &type), 0);
	SV_ASSERT_EQ(size, 5005);
	SV_ASSERT_EQ(fs_read(P("/f"), 4996, buf, sizeof(buf)), 9); /* to the end */
	SV_ASSERT(!memcmp(buf, "\0\0\0\0hello", 9));
	SV_ASSERT_EQ(fs_read(P("/f"), 5005, buf, 1), 0);
	SV_ASSERT_EQ(fs_read(P("/f"), FS_FILE_MAX, buf, 1), 0);
	SV_ASSERT_EQ(fs_append(P("/f"), "!!", 2), 5007);
	SV_ASSERT_EQ(fs_fsync(P("/f")), 0);
	SV_ASSERT_EQ(fs_truncate(P("/f"), 5002), 0);
	SV_ASSERT_EQ(fs_read(P("/f"), 5000, buf, sizeof(buf)), 2);
	SV_ASSERT(!memcmp(buf, "he", 2));
	/* Growing again reads zeros where the cut-off bytes were. */
	SV_ASSERT_EQ(fs_truncate(P("/f"), 9000), 0);
	SV_ASSERT_EQ(fs_read(P("/f"), 5000, buf, 8), 8);
	SV_ASSERT(!memcmp(buf, "he\0\0\0\0\0\0", 8));
	SV_ASSERT_EQ(fs_write(P("/f"), FS_FILE_MAX - 1, "z", 1), 1);
	SV_ASSERT_EQ(fs_write(P("/f"), FS_FILE_MAX - 1, "zz", 2), SV_EFBIG);
	SV_ASSERT_EQ(fs_write(P("/f"), FS_FILE_MAX + 1, "z", 1), SV_EFBIG);
	SV_ASSERT_EQ(fs_append(P("/f"), "z", 1), SV_EFBIG);
	SV_ASSERT_EQ(fs_read(P("/f"), FS_FILE_MAX + 1, buf, 1), SV_EFBIG);
	SV_ASSERT_EQ(fs_truncate(P("/f"), FS_FILE_MAX + 1), SV_EFBIG);
	SV_ASSERT_EQ(fs_stat(P("/f"), &size, &type), 0);
	SV_ASSERT_EQ(size, FS_FILE_MAX);
	SV_ASSERT_EQ(fs_truncate(P("/f"), 0), 0);
	SV_ASSERT_EQ(fs_read(P("/f"), 0, buf, 1), 0);
	SV_ASSERT_EQ(fs_delete(P("/f")), 0);
}

static void name_file(char *path, unsigned n)
{
	memcpy(path, "/full00", 7);
	path[5] = (char)('0' + n / 10);
	path[6] = (char)('0' + n % 10);
}

/* Files of 255 pages, so the store (a multiple of 256 blocks) runs out
 * part way into one: the offset of the write that failed, or -1. */
static int64_t fill_store(unsigned *files, char *path, uint8_t *page)
{
	for (*files = 0; *files < 99; (*files)++) {
		name_file(path, *files);
		if (fs_create(path, 7) != 0)
			return -1;
		for (uint64_t off = 0; off < FS_FILE_MAX - PAGE_SIZE; off += PAGE_SIZE) {
			int64_t result = fs_write(path, 7, off, page, PAGE_SIZE);

			if (result == SV_ENOSPC) {
				(*files)++;
				return (int64_t)off;
			}
			if (result != PAGE_SIZE)
				return -1;
		}
	}
	return -1;
}

SV_TEST(fs_full_block_store_answers_enospc_and_frees_on_delete)
{
	static uint8_t page[PAGE_SIZE];
	unsigned files;
	char path[8];
	int64_t failed_at;

	SV_ASSERT(setup_fixed_policy());
	SV_ASSERT_EQ(fs_test_stat("blocks_used"), 0);
	failed_at = fill_store(&files, path, page);
	SV_ASSERT(failed_at > 0);
	SV_ASSERT_EQ(fs_test_stat("blocks_free"), 0);
	/* A write reaching past the last page with a block is cut short. */
	SV_ASSERT_EQ(fs_write(path, 7, (uint64_t)failed_at - PAGE_SIZE, page, 2 * PAGE_SIZE),
		     PAGE_SIZE);
	SV_ASSERT_EQ(fs_append(path, 7, page, 1), SV_ENOSPC);
	SV_ASSERT_EQ(fs_fsync(path, 7), 0);
	for (unsigned n = 0; n < files; n++) {
		name_file(path, n);
		SV_ASSERT_EQ(fs_delete(path, 7), 0);
	}
	SV_ASSERT_EQ(fs_test_stat("blocks_used"), 0);
}

/* ---- eviction -------------------------------------------------------------- */

#define EVICTION_PAGES 96
#define SMALL_BUDGET 8

static bool check_pattern(const char *path, size_t len, uint64_t pages, uint64_t gen)
{
	static uint8_t page[PAGE_SIZE];

	for (uint64_t p = 0; p < pages; p++)
		if (fs_read(path, len, p * PAGE_SIZE, page, PAGE_SIZE) != PAGE_SIZE ||
		    !fs_test_check(page, p, gen))
			return false;
	return true;
}

SV_TEST(fs_content_survives_eviction_under_a_small_cache_budget)
{
	uint64_t budget = fcm_cache_budget(), evictions;

	SV_ASSERT(setup_fixed_policy());
	fcm_cache_set_budget(SMALL_BUDGET);
	evictions = fs_test_stat("evictions");
	SV_ASSERT_EQ(fs_create(P("/a")), 0);
	SV_ASSERT_EQ(fs_create(P("/b")), 0);
	/* Dirty pages of both files push each other out. */
	SV_ASSERT(fs_test_write_pages(P("/a"), EVICTION_PAGES, 1));
	SV_ASSERT(fs_test_write_pages(P("/b"), EVICTION_PAGES, 2));
	SV_ASSERT(fs_test_stat("pages_cached") <= SMALL_BUDGET);
	SV_ASSERT(check_pattern(P("/a"), EVICTION_PAGES, 1));
	SV_ASSERT(fs_test_write_pages(P("/a"), EVICTION_PAGES / 2, 3));
	SV_ASSERT_EQ(fs_fsync(P("/a")), 0);
	SV_ASSERT(check_pattern(P("/a"), EVICTION_PAGES / 2, 3));
	SV_ASSERT(check_pattern(P("/b"), EVICTION_PAGES, 2));
	SV_ASSERT(fs_test_stat("pages_cached") <= SMALL_BUDGET);
	SV_ASSERT(fs_test_stat("evictions") >= evictions + 3 * EVICTION_PAGES);
	fcm_cache_set_budget(budget);
	SV_ASSERT_EQ(fs_delete(P("/a")), 0);
	SV_ASSERT_EQ(fs_delete(P("/b")), 0);
}
