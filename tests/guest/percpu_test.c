// SPDX-License-Identifier: GPL-2.0-only
/* The local translation table region: one virtual range, a different
 * frame on every CPU (K42's per-processor LTT, seed 000 §2). */
#include <stddef.h>

#include <arch/paging.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/test.h>

#define MARK 0x5ca1ab1e00000000ull

static void write_own_id(void *arg)
{
	(void)arg;
	volatile uint64_t *first = (volatile uint64_t *)LTT_REGION_BASE;
	volatile uint64_t *last = (volatile uint64_t *)(LTT_REGION_BASE + LTT_REGION_SIZE - 8);

	*first = MARK | cpu_id();
	*last = MARK | cpu_id();
}

struct seen {
	uint64_t first[CPUS_MAX];
	uint64_t last[CPUS_MAX];
};

static void read_own_id(void *arg)
{
	struct seen *seen = arg;

	seen->first[cpu_id()] = *(volatile uint64_t *)LTT_REGION_BASE;
	seen->last[cpu_id()] = *(volatile uint64_t *)(LTT_REGION_BASE + LTT_REGION_SIZE - 8);
}

SV_TEST(ltt_region_holds_a_different_value_on_each_cpu)
{
	struct seen seen;

	/* Every CPU writes first, then every CPU reads: a shared mapping
	 * would show the last writer's id everywhere. */
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, write_own_id, NULL);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, read_own_id, &seen);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		SV_ASSERT_EQ(seen.first[cpu], MARK | cpu);
		SV_ASSERT_EQ(seen.last[cpu], MARK | cpu);
	}
}

SV_TEST(ltt_region_frames_are_distinct_per_cpu)
{
	for (unsigned a = 0; a < cpus_online(); a++)
		for (unsigned b = a + 1; b < cpus_online(); b++)
			SV_ASSERT(paging_ltt_frame(a, 0) != paging_ltt_frame(b, 0));
}
