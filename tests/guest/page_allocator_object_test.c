// SPDX-License-Identifier: GPL-2.0-only
/* The page allocator as a clustered object: every CPU's allocations go
 * through its COID, so a wrapper interposed there sees them all, and none
 * once it is detached. */
#include <kernel/co_interpose.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

#define PAGES_PER_CPU 64

struct alloc_tap {
	struct co_wrapper wrapper;
	uint64_t allocs[CPUS_MAX], frees[CPUS_MAX];
};

static bool tap_precall(struct co_wrapper *w, struct co_call *call)
{
	struct alloc_tap *tap = (struct alloc_tap *)w;

	if (call->method == CO_METHOD(struct page_allocator_ops, alloc))
		__atomic_add_fetch(&tap->allocs[cpu_id()], 1, __ATOMIC_RELAXED);
	if (call->method == CO_METHOD(struct page_allocator_ops, free))
		__atomic_add_fetch(&tap->frees[cpu_id()], 1, __ATOMIC_RELAXED);
	return false;
}

static const struct co_wrapper_ops tap_ops = { .precall = tap_precall };

static uint64_t finished;

static void churn_pages(void *unused)
{
	void *pages[PAGES_PER_CPU];

	(void)unused;
	for (unsigned i = 0; i < PAGES_PER_CPU; i++)
		pages[i] = pages_alloc(0);
	for (unsigned i = 0; i < PAGES_PER_CPU; i++)
		pages_free(pages[i], 0);
	__atomic_add_fetch(&finished, 1, __ATOMIC_ACQ_REL);
}

static bool churn_on_every_cpu(void)
{
	uint64_t want = __atomic_load_n(&finished, __ATOMIC_ACQUIRE) + cpus_online();

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		if (!thread_create_on(cpu, churn_pages, NULL, 0))
			return false;
	return wait_for(&finished, want, 30000);
}

SV_TEST(page_allocator_is_a_clustered_object_every_cpu_calls_through)
{
	static struct alloc_tap tap;
	coid_t id = page_allocator_id();
	struct co_interposer *ip;

	SV_ASSERT(id != NULL);
	SV_ASSERT(co_root_of(id) != NULL);
	tap = (struct alloc_tap){ .wrapper = { &tap_ops } };
	ip = co_interpose(id, &tap.wrapper);
	SV_ASSERT(ip != NULL);
	SV_ASSERT(churn_on_every_cpu());
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		SV_ASSERT(tap.allocs[cpu] >= PAGES_PER_CPU);
		SV_ASSERT(tap.frees[cpu] >= PAGES_PER_CPU);
	}
	SV_ASSERT_EQ(co_interpose_detach(ip), 0);
	uint64_t seen = tap.allocs[0];
	SV_ASSERT(churn_on_every_cpu());
	SV_ASSERT_EQ(tap.allocs[0], seen);
}
