// SPDX-License-Identifier: GPL-2.0-only
#include <arch/cpu.h>
#include <kernel/fcm_file.h>
#include <kernel/fs.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>
#include <kernel/thread.h>

#include "fs_util.h"
#include "wait.h"

bool fs_test_setup(void)
{
	const struct fs_config cfg = { .blocks = FS_TEST_BLOCKS,
				       .cache_frames = FS_TEST_CACHE_FRAMES };

	return fs_init(&cfg) == 0;
}

bool fs_test_until(bool (*cond)(void *arg), void *arg, uint64_t ms)
{
	uint64_t start = rdtsc();

	while (!cond(arg)) {
		if (rdtsc() - start > ms * tsc_khz())
			return false;
		thread_sleep_until(rdtsc() + tsc_khz());
	}
	return true;
}

static bool no_swaps_pending(void *unused)
{
	(void)unused;
	return fcm_swaps_pending() == 0;
}

bool fs_test_swaps_settled(void)
{
	return fs_test_until(no_swaps_pending, NULL, 30000);
}

bool fs_test_policy(enum sv_fcm_policy policy)
{
	return fcm_set_policy(policy) == 0 && fs_test_swaps_settled();
}

struct run {
	void (*fn)(void *arg);
	void *arg;
	volatile uint64_t done;
};

static void run_thread(void *arg)
{
	struct run *r = arg;

	r->fn(r->arg);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

bool fs_test_run_on(unsigned cpu, void (*fn)(void *arg), void *arg)
{
	struct run r = { fn, arg, 0 };

	if (!thread_create_on(cpu, run_thread, &r, 0))
		return false;
	/* r lives on this stack: wait for the thread however long it takes. */
	while (!wait_for(&r.done, 1, 30000))
		;
	return true;
}

void fs_test_fill(uint8_t *buf, uint64_t page, uint64_t gen)
{
	for (uint64_t i = 0; i < PAGE_SIZE; i++)
		buf[i] = fs_test_byte(page, i, gen);
}

bool fs_test_write_pages(const char *path, size_t len, uint64_t pages, uint64_t gen)
{
	static uint8_t page[PAGE_SIZE];

	for (uint64_t p = 0; p < pages; p++) {
		fs_test_fill(page, p, gen);
		if (fs_write(path, len, p * PAGE_SIZE, page, PAGE_SIZE) != PAGE_SIZE)
			return false;
	}
	return true;
}

bool fs_test_check(const uint8_t *buf, uint64_t page, uint64_t gen)
{
	for (uint64_t i = 0; i < PAGE_SIZE; i++)
		if (buf[i] != fs_test_byte(page, i, gen))
			return false;
	return true;
}

uint64_t fs_test_stat(const char *key)
{
	static char json[2048];
	size_t key_len = strlen(key);
	int len = fs_stats_json(json, sizeof(json));

	for (int i = 0; len > 0 && i + (int)key_len + 3 < len; i++) {
		uint64_t value = 0;
		const char *p = json + i + key_len + 3;

		if (json[i] != '"' || strncmp(json + i + 1, key, key_len) ||
		    json[i + 1 + key_len] != '"' || json[i + 2 + key_len] != ':')
			continue;
		while (*p >= '0' && *p <= '9')
			value = value * 10 + (uint64_t)(*p++ - '0');
		return value;
	}
	return ~0ull;
}
