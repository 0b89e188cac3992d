// SPDX-License-Identifier: GPL-2.0-only
/*
 * The update engine (kernel/update.h) on class "fcm": the patch of
 * tests/patches/fcm_unmap_check.c applied to every FCM and reverted under
 * readers and writers on every CPU, and the ways an update is refused or
 * rolled back. The steps run on the test runner, a daemon thread, as
 * SV_CTL_PATCH runs them; file calls that may meet a swap run on the
 * load's ordinary threads.
 */
#include <kernel/cobj.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_class.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/test.h>

#include "fs/fcm_impl.h"
#include "fs_util.h"
#include "load.h"
#include "update_util.h"

extern const struct sv_class_impl fcm_unmap_check_class; /* the patch's */

static const struct sv_patch_class unmap_check_change = {
	.name = "fcm", .from_version = 0, .to_version = 1, .mode = SV_PATCH_EAGER,
	.impl = &fcm_unmap_check_class,
};

static const struct test_module unmap_check = {
	.id = "fcm-unmap-check", .classes = &unmap_check_change, .nclasses = 1,
};

static uint64_t instances_of(const struct sv_class_impl *impl)
{
	return factory_count(&fcm_class, impl);
}

static bool all_fcms_run(const struct sv_class_impl *impl)
{
	return instances_of(impl) == instances_of(NULL) && factory_impl(&fcm_class) == impl;
}

/* ---- files under load ------------------------------------------------------- */

#define LOAD_PAGES 4

static uint64_t expected_gen[CPUS_MAX][LOAD_PAGES];
static uint64_t wrong_reads, failed_calls;

static void path_of(unsigned cpu, char path[8], size_t *len)
{
	*len = (size_t)snprintf(path, 8, "/u%u", cpu);
}

/* Call i on `cpu`: even ones write a new generation into a page of the
 * CPU's file, odd ones read one back and check it. */
static int64_t file_call(struct load *l, unsigned cpu, uint64_t i)
{
	static uint8_t buf[CPUS_MAX][PAGE_SIZE];
	uint64_t p = i / 2 % LOAD_PAGES;
	char path[8];
	size_t len;

	(void)l;
	path_of(cpu, path, &len);
	if (i % 2 == 0) {
		fs_test_fill(buf[cpu], p, i);
		if (fs_write(path, len, p * PAGE_SIZE, buf[cpu], PAGE_SIZE) != PAGE_SIZE)
			__atomic_add_fetch(&failed_calls, 1, __ATOMIC_RELAXED);
		expected_gen[cpu][p] = i;
		return 1;
	}
	if (fs_read(path, len, p * PAGE_SIZE, buf[cpu], PAGE_SIZE) != PAGE_SIZE ||
	    !fs_test_check(buf[cpu], p, expected_gen[cpu][p]))
		__atomic_add_fetch(&wrong_reads, 1, __ATOMIC_RELAXED);
	return 0;
}

static bool files_create(void)
{
	char path[8];
	size_t len;

	wrong_reads = failed_calls = 0;
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		path_of(cpu, path, &len);
		for (unsigned p = 0; p < LOAD_PAGES; p++)
			expected_gen[cpu][p] = 0;
		if (fs_create(path, len) || !fs_test_write_pages(path, len, LOAD_PAGES, 0))
			return false;
	}
	return true;
}

static bool page_holds(unsigned cpu, unsigned p)
{
	static uint8_t buf[PAGE_SIZE];
	char path[8];
	size_t len;

	path_of(cpu, path, &len);
	return fs_read(path, len, p * PAGE_SIZE, buf, PAGE_SIZE) == PAGE_SIZE &&
	       fs_test_check(buf, p, expected_gen[cpu][p]);
}

static bool files_delete(void)
{
	char path[8];
	size_t len;
	bool deleted = true;

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		path_of(cpu, path, &len);
		deleted &= fs_delete(path, len) == 0;
	}
	return deleted;
}

static bool files_intact_and_deleted(void)
{
	bool intact = wrong_reads == 0 && failed_calls == 0;

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		for (unsigned p = 0; p < LOAD_PAGES; p++)
			intact &= page_holds(cpu, p);
	return files_delete() && intact;
}

/* ---- applying and reverting ------------------------------------------------- */

/* FACTORY then INSTANCES over the whole list: the instances swapped. */
static int apply_class(uint32_t handle, uint64_t *swapped)
{
	struct sv_patch_step_resp resp;
	int status = update_test_step(SV_PATCH_STEP_FACTORY, 0, handle, 0, 0, 0, &resp);
	uint32_t tracked = (uint32_t)resp.tracked;

	if (status == SV_OK)
		status = update_test_step(SV_PATCH_STEP_INSTANCES, 0, handle, 0, 0, tracked, &resp);
	*swapped = resp.done;
	return status;
}

static int revert_class(uint32_t handle, uint32_t tracked)
{
	struct sv_patch_step_resp resp;
	int status = update_test_step(SV_PATCH_STEP_INSTANCES, SV_PATCH_REVERT, handle, 0, 0,
				      tracked, &resp);

	return status ? status
		      : update_test_step(SV_PATCH_STEP_FACTORY, SV_PATCH_REVERT, handle, 0, 0, 0,
					 &resp);
}

static int unload(uint32_t handle)
{
	struct sv_patch_step_resp resp;

	return update_test_step(SV_PATCH_STEP_UNLOAD, 0, handle, 0, 0, 0, &resp);
}

static bool monitors_on_every_fcm(void)
{
	return fs_test_swaps_settled() && fs_test_stat("monitors") == fs_test_stat("fcms_alive");
}

SV_TEST(update_fcm_class_under_readers_and_writers_on_every_cpu_and_revert)
{
	static struct load load;
	uint64_t before, swapped;
	uint32_t handle;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_ADAPTIVE));
	SV_ASSERT(files_create());
	before = instances_of(NULL);
	SV_ASSERT(all_fcms_run(&fcm_class_v0));
	load = (struct load){ .call = file_call };
	SV_ASSERT(load_start(&load, 1));
	SV_ASSERT((handle = update_test_load(&unmap_check)) != 0);
	SV_ASSERT_EQ(apply_class(handle, &swapped), SV_OK);
	SV_ASSERT_EQ(swapped, before);
	SV_ASSERT(all_fcms_run(&fcm_unmap_check_class));
	SV_ASSERT(load_progress(&load, cpus_online() * 32));
	SV_ASSERT_EQ(revert_class(handle, (uint32_t)before), SV_OK);
	SV_ASSERT(all_fcms_run(&fcm_class_v0));
	SV_ASSERT(load_progress(&load, cpus_online() * 32));
	SV_ASSERT(load_stop(&load));
	SV_ASSERT(monitors_on_every_fcm());
	SV_ASSERT_EQ(unload(handle), SV_OK);
	SV_ASSERT(files_intact_and_deleted());
}

SV_TEST(update_fcm_factory_revert_converts_instances_the_new_factory_made)
{
	struct sv_patch_step_resp resp;
	uint32_t handle;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_SHARED));
	SV_ASSERT(files_create());
	SV_ASSERT((handle = update_test_load(&unmap_check)) != 0);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_FACTORY, 0, handle, 0, 0, 0, &resp), SV_OK);
	SV_ASSERT_EQ(fs_create(P("/made-by-v1")), 0);
	SV_ASSERT(fs_test_write_pages(P("/made-by-v1"), 2, 5));
	SV_ASSERT_EQ(instances_of(&fcm_unmap_check_class), 1);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_FACTORY, SV_PATCH_REVERT, handle, 0, 0, 0,
				      &resp), SV_OK);
	SV_ASSERT(all_fcms_run(&fcm_class_v0));
	SV_ASSERT_EQ(unload(handle), SV_OK);
	SV_ASSERT_EQ(fs_delete(P("/made-by-v1")), 0);
	SV_ASSERT(files_intact_and_deleted());
}

/* ---- failures ---------------------------------------------------------------- */

/* A version 1 whose import takes the pages (so the new root can free
 * them) and then reports failure. */
static const struct co_transfer_ops *fcm_transfer;
static struct co_transfer_ops failing_transfer;

static int import_then_fail(struct co_root *root, unsigned format, unsigned cpu, void *state)
{
	fcm_transfer->import_state(root, format, cpu, state);
	return -1;
}

static struct co_root *failing_swap_root(struct co_root *old)
{
	struct co_root *root = fcm_root_create_like(fcm_v0_kinds, old);

	if (root) {
		fcm_transfer = root->transfer;
		failing_transfer = *root->transfer;
		failing_transfer.import_state = import_then_fail;
		root->transfer = &failing_transfer;
	}
	return root;
}

static struct co_root *v0_root(const void *args)
{
	return fcm_class_v0.make_root(args);
}

static const struct sv_class_impl failing_class = {
	.name = "fcm", .version = 1, .make_root = v0_root, .make_swap_root = failing_swap_root,
};

static const struct sv_patch_class failing_change = {
	.name = "fcm", .from_version = 0, .to_version = 1, .impl = &failing_class,
};

SV_TEST(update_fcm_failing_transfer_rolls_the_batch_back)
{
	static const struct test_module failing = {
		.id = "fcm-failing", .classes = &failing_change, .nclasses = 1,
	};
	struct sv_patch_step_resp resp;
	uint32_t handle;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_ADAPTIVE));
	SV_ASSERT(files_create());
	SV_ASSERT((handle = update_test_load(&failing)) != 0);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_FACTORY, 0, handle, 0, 0, 0, &resp), SV_OK);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_INSTANCES, 0, handle, 0, 0,
				      (uint32_t)resp.tracked, &resp), SV_EPROTO);
	SV_ASSERT(update_test_detail_has(&resp, "class fcm instance"));
	SV_ASSERT(update_test_detail_has(&resp, "; the new root's import of format "));
	SV_ASSERT_EQ(resp.done, 0);
	SV_ASSERT_EQ(instances_of(&fcm_class_v0), instances_of(NULL));
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_FACTORY, SV_PATCH_REVERT, handle, 0, 0, 0,
				      &resp), SV_OK);
	SV_ASSERT(all_fcms_run(&fcm_class_v0));
	SV_ASSERT(monitors_on_every_fcm());
	SV_ASSERT_EQ(unload(handle), SV_OK);
	SV_ASSERT(files_intact_and_deleted());
}

static int sick(char why[SV_PATCH_WHY_MAX])
{
	snprintf(why, SV_PATCH_WHY_MAX, "latency doubled");
	return SV_EIO;
}

SV_TEST(update_failing_health_check_answers_canceled_with_its_reason)
{
	static const struct sv_patch_check check = { .name = "latency", .check = sick };
	static const struct test_module checked = { .id = "checked", .checks = &check, .nchecks = 1 };
	struct sv_patch_step_resp resp;
	uint32_t handle;

	SV_ASSERT((handle = update_test_load(&checked)) != 0);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_CHECK, 0, handle, 0, 0, 0, &resp),
		     SV_ECANCELED);
	SV_ASSERT(update_test_detail_has(&resp, "latency doubled"));
	SV_ASSERT_EQ(unload(handle), SV_OK);
}

static struct co_root *v0_swap_root(struct co_root *old)
{
	return fcm_class_v0.make_swap_root(old);
}

static const struct sv_class_impl fcm_v2 = {
	.name = "fcm", .version = 2, .make_root = v0_root, .make_swap_root = v0_swap_root,
};

SV_TEST(update_for_a_version_not_running_is_refused_stale)
{
	static const struct sv_patch_class change = {
		.name = "fcm", .from_version = 1, .to_version = 2, .impl = &fcm_v2,
	};
	static const struct test_module stale = {
		.id = "fcm-from-1", .classes = &change, .nclasses = 1,
	};
	struct sv_patch_step_resp resp;
	uint32_t handle;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_SHARED));
	SV_ASSERT(files_create());
	SV_ASSERT((handle = update_test_load(&stale)) != 0);
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_FACTORY, 0, handle, 0, 0, 0, &resp),
		     SV_ESTALE);
	SV_ASSERT(update_test_detail_has(&resp, "class fcm: the update is from version 1, but "
						"version 0 runs"));
	SV_ASSERT(all_fcms_run(&fcm_class_v0));
	SV_ASSERT_EQ(update_test_step(SV_PATCH_STEP_INSTANCES, 0, handle, 0, 0, 1, &resp),
		     SV_EINVAL);
	SV_ASSERT_EQ(unload(handle), SV_OK);
	SV_ASSERT(files_intact_and_deleted());
}

/* ---- nothing left behind ----------------------------------------------------- */

static int commit(uint32_t handle)
{
	struct sv_patch_step_resp resp;

	return update_test_step(SV_PATCH_STEP_COMMIT, 0, handle, 0, 0, 0, &resp);
}

/* A committed module rolls back the same way, though its snapshot is gone. */
static bool apply_revert_unload(bool committed)
{
	uint64_t swapped, n = instances_of(NULL);
	uint32_t handle = update_test_load(&unmap_check);

	return handle && apply_class(handle, &swapped) == SV_OK &&
	       (!committed || (commit(handle) == SV_OK && unload(handle) == SV_EBUSY)) &&
	       revert_class(handle, (uint32_t)n) == SV_OK && all_fcms_run(&fcm_class_v0) &&
	       unload(handle) == SV_OK;
}

SV_TEST(update_rollback_before_or_after_commit_leaves_no_leak)
{
	uint64_t pages, objects;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_REPLICATED));
	SV_ASSERT(files_create());
	/* The first cycle fills the heap's caches. */
	SV_ASSERT(apply_revert_unload(false));
	pages = pages_free_count();
	objects = co_objects_alive();
	for (unsigned i = 0; i < 4; i++)
		SV_ASSERT(apply_revert_unload(i % 2));
	SV_ASSERT_EQ(co_objects_alive(), objects);
	SV_ASSERT_EQ(pages_free_count(), pages);
	SV_ASSERT(files_intact_and_deleted());
}

/* ---- the optimisation shows -------------------------------------------------- */

static uint64_t sweeps(void)
{
	return fs_test_stat("truncate_replica_sweeps");
}

/* Truncating within the last page drops no page: version 0 sweeps every
 * replica anyway, version 1 does not; a truncate that drops pages sweeps
 * in both. */
SV_TEST(update_fcm_unmap_check_skips_needless_replica_sweeps)
{
	uint64_t swapped, before;
	uint32_t handle;

	SV_ASSERT(fs_test_setup() && fs_test_policy(SV_FCM_POLICY_REPLICATED));
	SV_ASSERT(files_create());
	before = sweeps();
	SV_ASSERT_EQ(fs_truncate(P("/u0"), LOAD_PAGES * PAGE_SIZE - 100), 0);
	SV_ASSERT_EQ(sweeps(), before + 1);
	SV_ASSERT((handle = update_test_load(&unmap_check)) != 0);
	SV_ASSERT_EQ(apply_class(handle, &swapped), SV_OK);
	SV_ASSERT_EQ(fs_truncate(P("/u0"), LOAD_PAGES * PAGE_SIZE - 200), 0);
	SV_ASSERT_EQ(sweeps(), before + 1);
	SV_ASSERT_EQ(fs_truncate(P("/u0"), 2 * PAGE_SIZE), 0);
	SV_ASSERT_EQ(sweeps(), before + 2);
	SV_ASSERT_EQ(revert_class(handle, (uint32_t)instances_of(NULL)), SV_OK);
	SV_ASSERT_EQ(fs_truncate(P("/u0"), 2 * PAGE_SIZE - 100), 0);
	SV_ASSERT_EQ(sweeps(), before + 3);
	SV_ASSERT_EQ(unload(handle), SV_OK);
	SV_ASSERT(page_holds(0, 0));
	SV_ASSERT(files_delete());
}
