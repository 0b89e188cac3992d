// SPDX-License-Identifier: GPL-2.0-only
/* Everything the file services make goes back once every file is deleted:
 * frames, heap pages, COIDs (FCMs, their roots after swaps, monitors'
 * interposers) and threads. The counts come back only after generation
 * quiescence (deferred destruction), which short threads on every CPU
 * move along. */
#include <arch/cpu.h>
#include <kernel/cobj.h>
#include <kernel/fcm_file.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "fs_util.h"

struct usage {
	uint64_t free_pages, objects, threads;
};

static void drain_cpu(void *unused)
{
	(void)unused;
	heap_drain_cpu();
}

static void nothing(void *unused)
{
	(void)unused;
}

static void measure(struct usage *u)
{
	/* Threads ending on every CPU move generations on. */
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		fs_test_run_on(cpu, nothing, NULL);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, drain_cpu, NULL);
	heap_reclaim();
	u->free_pages = pages_free_count();
	u->objects = co_objects_alive();
	u->threads = threads_alive();
}

static bool back_to(void *arg)
{
	const struct usage *before = arg;
	struct usage now;

	measure(&now);
	return now.free_pages == before->free_pages && now.objects == before->objects &&
	       now.threads == before->threads;
}

#define FILES 4
#define FILE_PAGES 24

static const char *const paths[FILES] = { "/t/a", "/t/b", "/t/u/c", "/t/u/d" };

/* Each CPU writes every file sequentially (the sequential monitor fires)
 * and all CPUs touch every file (the multi-CPU one does). */
static void write_files(void *unused)
{
	static uint8_t page[CPUS_MAX][PAGE_SIZE];
	uint8_t *buf = page[cpu_id()];

	(void)unused;
	for (unsigned f = 0; f < FILES; f++)
		for (uint64_t p = 0; p < FILE_PAGES; p++) {
			fs_test_fill(buf, p, 1);
			fs_write(paths[f], strlen(paths[f]), p * PAGE_SIZE, buf, PAGE_SIZE);
		}
}

static int make_tree(void)
{
	int error = fs_mkdir(P("/t")) | fs_mkdir(P("/t/u"));

	for (unsigned f = 0; f < FILES; f++)
		error |= fs_create(paths[f], strlen(paths[f]));
	return error;
}

static int remove_tree(void)
{
	int error = 0;

	for (unsigned f = 0; f < FILES; f++)
		error |= fs_delete(paths[f], strlen(paths[f]));
	return error | fs_delete(P("/t/u")) | fs_delete(P("/t"));
}

SV_TEST(fs_everything_deleted_leaves_no_frames_coids_or_threads)
{
	struct usage before;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_ADAPTIVE));
	measure(&before);
	SV_ASSERT_EQ(make_tree(), 0);
	SV_ASSERT(fs_test_swaps_settled());
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT(fs_test_run_on(cpu, write_files, NULL));
	SV_ASSERT_EQ(fs_fcm_request(paths[0], strlen(paths[0]), FCM_REPLICATED), 0);
	SV_ASSERT_EQ(fs_fcm_request(paths[1], strlen(paths[1]), FCM_SEQUENTIAL), 0);
	SV_ASSERT(fs_test_swaps_settled());
	SV_ASSERT(fs_test_stat("fcms_alive") == FILES);
	SV_ASSERT(fs_test_stat("blocks_used") == FILES * FILE_PAGES);
	SV_ASSERT(!back_to(&before));
	SV_ASSERT_EQ(remove_tree(), 0);
	SV_ASSERT(fs_test_swaps_settled());
	SV_ASSERT(fs_test_until(back_to, &before, 10000));
	SV_ASSERT_EQ(fs_test_stat("fcms_alive"), 0);
	SV_ASSERT_EQ(fs_test_stat("pages_cached"), 0);
	SV_ASSERT_EQ(fs_test_stat("blocks_used"), 0);
	SV_ASSERT(fs_test_policy(SV_FCM_POLICY_SHARED));
}
