/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for the file-service self-tests. */
#ifndef SV_TESTS_GUEST_FS_UTIL_H
#define SV_TESTS_GUEST_FS_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/fs.h>
#include <sv/ring.h>

/* A string literal as the (path, len) pair the fs calls take. */
#define P(s) (s), (sizeof(s) - 1)

#define FS_TEST_BLOCKS 1024       /* 4 MiB store (if the tests set it up first) */
#define FS_TEST_CACHE_FRAMES 512

/* fs_init with the tests' sizes (the first caller's sizes win). */
bool fs_test_setup(void);

/* Until cond(arg) holds, sleeping, for at most ms: whether it held. */
bool fs_test_until(bool (*cond)(void *arg), void *arg, uint64_t ms);

/* Sets the FCM policy and waits for the swapper to apply it. */
bool fs_test_policy(enum sv_fcm_policy policy);
/* Waits for the swapper's queue to empty. */
bool fs_test_swaps_settled(void);

/* Runs fn(arg) on a new ordinary thread on `cpu` and waits for it. */
bool fs_test_run_on(unsigned cpu, void (*fn)(void *arg), void *arg);

/* Byte `i` of page `page` of a test file in pattern generation `gen`. */
static inline uint8_t fs_test_byte(uint64_t page, uint64_t i, uint64_t gen)
{
	return (uint8_t)(page * 7 + i * 13 + gen * 101 + (i >> 8));
}

/* A number field of fs_stats_json (~0 when absent). */
uint64_t fs_test_stat(const char *key);

void fs_test_fill(uint8_t *buf, uint64_t page, uint64_t gen);
/* Writes `pages` whole pages of generation `gen` (one thread's call at
 * a time: the page buffer is static); false at the first short write. */
bool fs_test_write_pages(const char *path, size_t len, uint64_t pages, uint64_t gen);
bool fs_test_check(const uint8_t *buf, uint64_t page, uint64_t gen);

#endif
