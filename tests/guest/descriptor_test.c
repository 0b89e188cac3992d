// SPDX-License-Identifier: GPL-2.0-only
/* The memory-descriptor allocator (seed 004 §4.3.2): version 0's race
 * shows as collisions under concurrent takers, the fix hot-swapped in
 * under that load shows none, and rolling back brings the race back with
 * every descriptor page kept. The runner, which swaps, is a daemon. */
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/kernel.h>
#include <kernel/object_registry.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/test.h>

#include "descriptor_util.h"
#include "load.h"

#define PATIENT_US 30000000ull
#define TAKES_PER_CALL 8
#define RACE_PATIENCE_MS 20000 /* for v0 to show a collision */

static struct load load;

static bool load_begin(void)
{
	load = (struct load){ .call = descriptor_load_call, .arg = (void *)(uintptr_t)TAKES_PER_CALL };
	return load_start(&load, 1);
}

/* Runs the load until it saw a collision (or the patience ran out) or, for
 * `calls` > 0, for that many calls; the collisions it saw. */
static int64_t run_load(uint64_t calls)
{
	uint64_t start = rdtsc();

	if (calls)
		return load_progress(&load, calls) ? load.added : -1;
	while (__atomic_load_n(&load.added, __ATOMIC_ACQUIRE) == 0 &&
	       rdtsc() - start < RACE_PATIENCE_MS * tsc_khz())
		if (!load_progress(&load, cpus_online() * LOAD_CALLS_PER_THREAD))
			return -1;
	return load.added;
}

/* The races show only when two takers overlap: on one CPU they may not. */
static bool race_expected(void)
{
	return cpus_online() >= 2;
}

SV_TEST(descriptor_allocator_v0_races_the_fix_does_not_and_rollback_restores_it)
{
	const uint64_t fixed_calls = cpus_online() * LOAD_CALLS_PER_THREAD * 4;
	coid_t id = descriptor_allocator_start(), found = NULL;
	struct descriptor_stats before, after;
	struct co_swap_report report;
	struct co_root *fix = descriptor_fix_root();
	struct co_swap *swap;
	uint32_t version = 99;
	int64_t seen;

	SV_ASSERT(id != NULL && fix != NULL);
	SV_ASSERT_EQ(object_registry_lookup(DESCRIPTOR_ALLOCATOR_NAME, &found, &version), SV_OK);
	SV_ASSERT(found == id);
	SV_ASSERT_EQ(version, DESCRIPTOR_ALLOCATOR_VERSION);
	descriptor_load_errors = 0;

	/* Version 0 under concurrent takers. */
	SV_ASSERT(load_begin());
	seen = run_load(0);
	SV_ASSERT(seen >= 0);
	if (race_expected())
		SV_ASSERT(seen > 0);
	printk("descriptors: version 0 saw %lld collisions in %llu calls\n", (long long)seen,
	       (unsigned long long)load.calls);

	/* The fix, swapped in under the same load, as a patch would. */
	SV_ASSERT_EQ(co_hot_swap_reported(id, fix, PATIENT_US, &swap, &report), CO_SWAP_OK);
	SV_ASSERT_EQ(object_registry_set_version(DESCRIPTOR_ALLOCATOR_NAME, 1), SV_OK);
	SV_ASSERT(load_stop(&load));
	descriptor_allocator_stats(id, &before);

	/* Only requests that began after the swap: none collides. */
	SV_ASSERT(load_begin());
	SV_ASSERT_EQ(run_load(fixed_calls), 0);
	SV_ASSERT(load_stop(&load));
	SV_ASSERT_EQ(load.added, 0);
	SV_ASSERT_EQ(co_swap_rollback_reported(swap, PATIENT_US, &report), CO_SWAP_OK);
	SV_ASSERT_EQ(object_registry_set_version(DESCRIPTOR_ALLOCATOR_NAME, 0), SV_OK);

	/* Version 0 again, with every page it had and every descriptor free
	 * (the transfer rebuilt the free stack), and the race. */
	descriptor_allocator_stats(id, &after);
	SV_ASSERT(after.pages >= before.pages);
	SV_ASSERT_EQ(after.in_use, 0);
	SV_ASSERT_EQ(after.stacked, after.total);
	SV_ASSERT(load_begin());
	seen = run_load(0);
	SV_ASSERT(load_stop(&load));
	SV_ASSERT(seen >= 0);
	if (race_expected())
		SV_ASSERT(seen > 0);
	SV_ASSERT_EQ(descriptor_load_errors, 0);
}

SV_TEST(descriptor_request_refuses_too_many_and_too_long_a_hold)
{
	uint64_t collisions = 0;

	SV_ASSERT_EQ(descriptor_request(DESCRIPTOR_EXERCISE_MAX + 1, 0, &collisions), SV_EINVAL);
	SV_ASSERT_EQ(descriptor_request(1, DESCRIPTOR_HOLD_MAX_MS + 1, &collisions), SV_EINVAL);
	SV_ASSERT_EQ(descriptor_request(DESCRIPTOR_EXERCISE_MAX, 0, &collisions), SV_OK);
	SV_ASSERT_EQ(descriptor_request(4, 5, &collisions), SV_OK);
}
