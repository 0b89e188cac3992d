// SPDX-License-Identifier: GPL-2.0-only
/* FCM hot swaps with the file's content intact under readers and writers
 * on every CPU, the monitors' autonomic swaps, and nothing left behind
 * once every file is deleted. File calls that may meet a swap run on
 * ordinary threads (the test runner is a daemon, invisible to a swap's
 * quiescence). */
#include <arch/cpu.h>
#include <kernel/cobj.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_file.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/smp.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "fs_util.h"
#include "load.h"

static bool setup(enum sv_fcm_policy policy)
{
	return fs_test_setup() && fs_test_policy(policy);
}

struct kind_wait {
	const char *path;
	size_t len;
	int kind;
};

static bool has_kind(void *arg)
{
	struct kind_wait *w = arg;

	return fs_fcm_kind(w->path, w->len) == w->kind && fcm_swaps_pending() == 0;
}

static bool became(const char *path, size_t len, enum fcm_kind kind)
{
	struct kind_wait w = { path, len, (int)kind };

	return fs_test_until(has_kind, &w, 30000);
}

/* Reads page p of the file and checks it holds generation gen. */
static bool page_holds(const char *path, size_t len, uint64_t p, uint64_t gen, uint8_t *buf)
{
	return fs_read(path, len, p * PAGE_SIZE, buf, PAGE_SIZE) == PAGE_SIZE &&
	       fs_test_check(buf, p, gen);
}

/* ---- swaps under load ----------------------------------------------------- */

#define SWAP_FILE "/swapped"
#define PAGES_PER_CPU 4
#define SWAP_ROUNDS 3

static uint64_t expected_gen[CPUS_MAX * PAGES_PER_CPU];
static uint64_t wrong_reads, failed_calls;

/* Call i on `cpu`: even ones write a new generation into one of this
 * CPU's pages, odd ones read one back and check it (a CPU's load threads
 * run one at a time, so its pages' generations are known). */
static int64_t page_call(struct load *l, unsigned cpu, uint64_t i)
{
	static uint8_t buf[CPUS_MAX][PAGE_SIZE];
	uint64_t p = cpu + cpus_online() * (i / 2 % PAGES_PER_CPU);

	(void)l;
	if (i % 2 == 0) {
		fs_test_fill(buf[cpu], p, i);
		if (fs_write(P(SWAP_FILE), p * PAGE_SIZE, buf[cpu], PAGE_SIZE) != PAGE_SIZE)
			__atomic_add_fetch(&failed_calls, 1, __ATOMIC_RELAXED);
		expected_gen[p] = i;
		return 1;
	}
	if (!page_holds(P(SWAP_FILE), p, expected_gen[p], buf[cpu]))
		__atomic_add_fetch(&wrong_reads, 1, __ATOMIC_RELAXED);
	return 0;
}

static bool all_pages_hold_their_generation(void)
{
	static uint8_t buf[PAGE_SIZE];

	for (uint64_t p = 0; p < cpus_online() * PAGES_PER_CPU; p++)
		if (!page_holds(P(SWAP_FILE), p, expected_gen[p], buf))
			return false;
	return true;
}

SV_TEST(fs_fcm_hot_swaps_keep_content_under_readers_and_writers_on_every_cpu)
{
	static struct load load;
	static const enum fcm_kind order[] = { FCM_REPLICATED, FCM_SEQUENTIAL, FCM_SHARED };
	uint64_t to_sequential, budget = fcm_cache_budget();

	SV_ASSERT(setup(SV_FCM_POLICY_SHARED));
	/* Half the file fits: every kind evicts (and writes back) under load. */
	fcm_cache_set_budget(cpus_online() * PAGES_PER_CPU / 2);
	to_sequential = fs_test_stat("swaps_to_sequential");
	SV_ASSERT_EQ(fs_create(P(SWAP_FILE)), 0);
	/* Written and never synced: every page is dirty when the swaps start. */
	SV_ASSERT(fs_test_write_pages(P(SWAP_FILE), cpus_online() * PAGES_PER_CPU, 0));
	for (unsigned p = 0; p < CPUS_MAX * PAGES_PER_CPU; p++)
		expected_gen[p] = 0;
	wrong_reads = failed_calls = 0;
	load = (struct load){ .call = page_call };
	SV_ASSERT(load_start(&load, 1));
	for (unsigned round = 0; round < SWAP_ROUNDS; round++)
		for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			SV_ASSERT_EQ(fs_fcm_request(P(SWAP_FILE), order[k]), 0);
			SV_ASSERT(became(P(SWAP_FILE), order[k]));
			if (!load_progress(&load, cpus_online() * 16))
				break;
		}
	SV_ASSERT(load_stop(&load));
	fcm_cache_set_budget(budget);
	SV_ASSERT_EQ(failed_calls, 0);
	SV_ASSERT_EQ(wrong_reads, 0);
	SV_ASSERT(load.added > 0);
	SV_ASSERT(all_pages_hold_their_generation());
	SV_ASSERT_EQ(fs_test_stat("swaps_to_sequential"), to_sequential + SWAP_ROUNDS);
	SV_ASSERT_EQ(fs_test_stat("swaps_failed"), 0);
	SV_ASSERT_EQ(fs_fsync(P(SWAP_FILE)), 0);
	SV_ASSERT(all_pages_hold_their_generation());
	SV_ASSERT_EQ(fs_delete(P(SWAP_FILE)), 0);
}

/* ---- the multi-CPU monitor -------------------------------------------------- */

#define MULTI_FILE "/multi"
#define MULTI_PAGES 16

/* Pages in a scattered order, so the sequential monitor stays quiet. */
static int64_t scattered_read(struct load *l, unsigned cpu, uint64_t i)
{
	static uint8_t buf[CPUS_MAX][PAGE_SIZE];
	uint64_t p = (cpu * 5 + i * 7) % MULTI_PAGES;

	(void)l;
	if (!page_holds(P(MULTI_FILE), p, 9, buf[cpu]))
		__atomic_add_fetch(&wrong_reads, 1, __ATOMIC_RELAXED);
	return 1;
}

static void read_scattered_on_one_cpu(void *unused)
{
	(void)unused;
	for (uint64_t i = 0; i < 2 * FCM_MONITOR_SINGLE_CALLS; i++)
		scattered_read(NULL, cpu_id(), i);
}

SV_TEST(fs_monitor_swaps_to_replicated_for_many_cpus_and_back_for_one)
{
	static struct load load;
	uint64_t to_replicated, to_shared;

	if (cpus_online() < 2) {
		printk("fs test: skipped: multi-CPU access needs 2 or more vCPUs\n");
		return;
	}
	SV_ASSERT(setup(SV_FCM_POLICY_SHARED));
	SV_ASSERT_EQ(fs_create(P(MULTI_FILE)), 0);
	SV_ASSERT(fs_test_write_pages(P(MULTI_FILE), MULTI_PAGES, 9));
	SV_ASSERT(fs_test_policy(SV_FCM_POLICY_ADAPTIVE));
	SV_ASSERT_EQ(fs_fcm_kind(P(MULTI_FILE)), FCM_SHARED);
	to_replicated = fs_test_stat("swaps_to_replicated");
	to_shared = fs_test_stat("swaps_to_shared");
	wrong_reads = 0;
	load = (struct load){ .call = scattered_read };
	SV_ASSERT(load_start(&load, 1));
	SV_ASSERT(became(P(MULTI_FILE), FCM_REPLICATED));
	SV_ASSERT(load_stop(&load));
	SV_ASSERT_EQ(fs_test_stat("swaps_to_replicated"), to_replicated + 1);
	/* Past the window, one CPU alone. */
	thread_sleep_until(rdtsc() + 2 * FCM_MONITOR_WINDOW_MS * tsc_khz());
	SV_ASSERT(fs_test_run_on(0, read_scattered_on_one_cpu, NULL));
	SV_ASSERT(became(P(MULTI_FILE), FCM_SHARED));
	SV_ASSERT_EQ(fs_test_stat("swaps_to_shared"), to_shared + 1);
	SV_ASSERT_EQ(wrong_reads, 0);
	SV_ASSERT(fs_test_policy(SV_FCM_POLICY_SHARED));
	SV_ASSERT_EQ(fs_delete(P(MULTI_FILE)), 0);
}

/* ---- the sequential monitor -------------------------------------------------- */

#define SCAN_FILE "/scan"
#define SCAN_PAGES 64
#define SCAN_BUDGET 8

struct range {
	uint64_t first, end;
};

static void scan(void *arg)
{
	static uint8_t buf[PAGE_SIZE];
	struct range *r = arg;

	for (uint64_t p = r->first; p < r->end; p++)
		if (!page_holds(P(SCAN_FILE), p, 5, buf))
			wrong_reads++;
}

static void read_randomly(void *unused)
{
	static const uint64_t pages[FCM_MONITOR_RANDOM_CALLS] = { 57, 3, 45, 11, 61, 7, 39, 1, 53, 15 };
	static uint8_t buf[PAGE_SIZE];

	(void)unused;
	for (unsigned i = 0; i < FCM_MONITOR_RANDOM_CALLS; i++)
		if (!page_holds(P(SCAN_FILE), pages[i], 5, buf))
			wrong_reads++;
}

SV_TEST(fs_monitor_swaps_to_sequential_for_a_scan_and_back_after_random_reads)
{
	struct range start = { 0, FCM_MONITOR_SEQUENTIAL_PAGES + 4 }, rest = { start.end, SCAN_PAGES };
	uint64_t to_sequential, from_sequential, budget = fcm_cache_budget();

	SV_ASSERT(setup(SV_FCM_POLICY_SHARED));
	SV_ASSERT_EQ(fs_create(P(SCAN_FILE)), 0);
	/* Under a small budget: most pages are in the block store, not
	 * cached, when the scan starts. */
	fcm_cache_set_budget(SCAN_BUDGET);
	SV_ASSERT(fs_test_write_pages(P(SCAN_FILE), SCAN_PAGES, 5));
	fcm_cache_set_budget(budget);
	SV_ASSERT(fs_test_policy(SV_FCM_POLICY_ADAPTIVE));
	to_sequential = fs_test_stat("swaps_to_sequential");
	from_sequential = fs_test_stat("swaps_from_sequential");
	wrong_reads = 0;
	SV_ASSERT(fs_test_run_on(0, scan, &start));
	SV_ASSERT(became(P(SCAN_FILE), FCM_SEQUENTIAL));
	SV_ASSERT_EQ(fs_test_stat("swaps_to_sequential"), to_sequential + 1);
	/* The rest of the scan misses, and the sequential FCM recycles. */
	SV_ASSERT(fs_test_run_on(0, scan, &rest));
	SV_ASSERT(fs_test_stat("pages_cached") <= 4);
	SV_ASSERT_EQ(fs_fcm_kind(P(SCAN_FILE)), FCM_SEQUENTIAL);
	SV_ASSERT(fs_test_run_on(0, read_randomly, NULL));
	SV_ASSERT(became(P(SCAN_FILE), FCM_SHARED));
	SV_ASSERT_EQ(fs_test_stat("swaps_from_sequential"), from_sequential + 1);
	SV_ASSERT_EQ(wrong_reads, 0);
	SV_ASSERT(fs_test_policy(SV_FCM_POLICY_SHARED));
	SV_ASSERT_EQ(fs_delete(P(SCAN_FILE)), 0);
}
