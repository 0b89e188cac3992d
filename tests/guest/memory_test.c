// SPDX-License-Identifier: GPL-2.0-only
/* The page allocator and heap in the real kernel, from every CPU. */
#include <stddef.h>

#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/test.h>

#define BLOCKS 64

struct churn {
	int bad[CPUS_MAX];
};

/* Allocates blocks of many sizes, fills each with this CPU's pattern,
 * checks none was overwritten, frees them all. */
static void churn_on_cpu(void *arg)
{
	struct churn *c = arg;
	unsigned char *blocks[BLOCKS];
	unsigned char tag = (unsigned char)(0x40 + cpu_id());

	for (unsigned i = 0; i < BLOCKS; i++) {
		size_t size = 16u << (i % 9);
		blocks[i] = kmalloc(size);
		if (!blocks[i]) {
			c->bad[cpu_id()]++;
			continue;
		}
		memset(blocks[i], tag, size);
	}
	for (unsigned i = 0; i < BLOCKS; i++) {
		size_t size = 16u << (i % 9);
		for (size_t j = 0; blocks[i] && j < size; j++)
			c->bad[cpu_id()] += blocks[i][j] != tag;
		kfree(blocks[i]);
	}
	heap_drain_cpu();
}

SV_TEST(heap_blocks_from_every_cpu_are_disjoint_and_all_come_back)
{
	struct churn c = { { 0 } };
	struct heap_stats before, after;

	heap_stats(&before);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, churn_on_cpu, &c);
	heap_reclaim();
	heap_stats(&after);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT_EQ(c.bad[cpu], 0);
	SV_ASSERT_EQ(after.objects_in_use, before.objects_in_use);
}

SV_TEST(page_allocator_returns_to_its_free_count)
{
	uint64_t baseline = pages_free_count();
	void *pages[11];

	for (unsigned order = 0; order <= 10; order++) {
		pages[order] = pages_alloc(order);
		SV_ASSERT(pages[order] != NULL);
		SV_ASSERT_EQ((uintptr_t)pages[order] % (4096ull << order), 0);
	}
	SV_ASSERT_EQ(pages_free_count(), baseline - ((1ull << 11) - 1));
	for (unsigned order = 0; order <= 10; order++)
		pages_free(pages[order], order);
	SV_ASSERT_EQ(pages_free_count(), baseline);
}
