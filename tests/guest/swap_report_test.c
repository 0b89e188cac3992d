// SPDX-License-Identifier: GPL-2.0-only
/* Hot-swap reports (kernel/co_swap.h): phase timings that add up, the
 * longest a call waited on the mediator, and a swap that cannot drain
 * naming the thread inside and its CPU. The object that cannot drain is
 * the descriptor allocator, held by an SV_OP_DESCRIPTORS request with a
 * hold, the way the host's timeout test does it. */
#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/counter.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "descriptor_util.h"
#include "load.h"
#include "wait.h"

#define PATIENT_US 30000000ull
#define MS_NS 1000000ull

static uint64_t ns_since(uint64_t tsc)
{
	return (rdtsc() - tsc) * 1000000 / tsc_khz();
}

static int64_t add_one(struct load *l, unsigned cpu, uint64_t i)
{
	(void)cpu, (void)i;
	counter_add(l->arg, 1);
	return 1;
}

static uint64_t phases_ns(const struct co_swap_report *r)
{
	return r->forward_ns + r->block_ns + r->transfer_ns + r->complete_ns;
}

/* Every phase took time, and the laps cover the call but for its entry
 * and return (a tenth, or a millisecond of emulator scheduling). */
static bool phases_add_up(const struct co_swap_report *r, uint64_t duration_ns)
{
	uint64_t sum = phases_ns(r);

	return r->forward_ns && r->block_ns && r->transfer_ns && r->complete_ns &&
	       sum <= duration_ns && duration_ns - sum <= duration_ns / 10 + MS_NS &&
	       r->why[0] == '\0';
}

SV_TEST(swap_report_phases_are_nonzero_and_sum_to_the_swap)
{
	static struct load load;
	coid_t id = counter_create_shared();
	struct co_root *to = counter_root_distributed();
	struct co_swap_report report;
	struct co_swap *swap;
	uint64_t start;

	SV_ASSERT(id != NULL && to != NULL);
	load = (struct load){ .call = add_one, .arg = id };
	SV_ASSERT(load_start(&load, 1));
	start = rdtsc();
	SV_ASSERT_EQ(co_hot_swap_reported(id, to, PATIENT_US, &swap, &report), CO_SWAP_OK);
	SV_ASSERT(phases_add_up(&report, ns_since(start)));
	printk("swap report: forward %llu ns, block %llu, transfer %llu, complete %llu, "
	       "longest blocked %llu\n", (unsigned long long)report.forward_ns,
	       (unsigned long long)report.block_ns, (unsigned long long)report.transfer_ns,
	       (unsigned long long)report.complete_ns,
	       (unsigned long long)report.longest_blocked_ns);
	(void)load_progress(&load, cpus_online() * 8);
	start = rdtsc();
	SV_ASSERT_EQ(co_swap_rollback_reported(swap, PATIENT_US, &report), CO_SWAP_OK);
	SV_ASSERT(phases_add_up(&report, ns_since(start)));
	SV_ASSERT(load_stop(&load));
	SV_ASSERT_EQ(counter_value(id), load.added);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

/* ---- a call parked inside the object during a swap ------------------------ */

/* The swap of the descriptor allocator to its fix, on a daemon of its own
 * so the test can arrange what happens meanwhile; its thread, the call
 * parked inside, and the load that meets the mediator. */
struct parked_swap {
	coid_t id;
	struct co_root *to;
	uint64_t timeout_us, hold_ms;
	struct co_swap *swap;
	struct co_swap_report report;
	int result;
	volatile uint64_t swapped;
	struct thread *parker;
	unsigned parker_cpu;
	volatile uint64_t parker_in, parker_out;
	struct load load;
};

static void run_swap(void *arg)
{
	struct parked_swap *p = arg;

	p->result = co_hot_swap_reported(p->id, p->to, p->timeout_us, &p->swap, &p->report);
	__atomic_store_n(&p->swapped, 1, __ATOMIC_RELEASE);
}

static void park_inside(void *arg)
{
	struct parked_swap *p = arg;
	uint64_t collisions;

	p->parker = thread_current();
	__atomic_store_n(&p->parker_in, 1, __ATOMIC_RELEASE);
	(void)descriptor_request(1, p->hold_ms, &collisions);
	__atomic_store_n(&p->parker_out, 1, __ATOMIC_RELEASE);
}

/* Counted in generations while it lives: the swap's forward phase lasts
 * until it ends, which gives the parker time to enter under the mediator. */
static void live_a_while(void *arg)
{
	thread_sleep_until(rdtsc() + (uintptr_t)arg * tsc_khz());
}

#define FORWARD_HELD_MS 300

/* Starts the swap with a call parked inside since its forward phase and
 * load on every CPU that meets the mediator from then on. */
static bool start_parked_swap(struct parked_swap *p)
{
	volatile uint64_t never = 0;

	p->id = descriptor_allocator_start();
	p->to = descriptor_fix_root();
	p->parker_cpu = cpus_online() - 1;
	if (!p->id || !p->to ||
	    !thread_create_on(0, live_a_while, (void *)(uintptr_t)FORWARD_HELD_MS, 0) ||
	    !thread_create_on(0, run_swap, p, THREAD_DAEMON))
		return false;
	while (!co_root_is_interposer(co_root_of(p->id)) && !p->swapped)
		(void)wait_for(&never, 1, 1);
	(void)wait_for(&never, 1, 20); /* past the swap's quiescence request */
	if (!thread_create_on(p->parker_cpu, park_inside, p, 0) ||
	    !wait_for(&p->parker_in, 1, 10000))
		return false;
	(void)wait_for(&never, 1, 20); /* inside the hold */
	p->load = (struct load){ .call = descriptor_load_call, .arg = (void *)(uintptr_t)1 };
	return load_start(&p->load, 1);
}

static bool contains(const char *text, const char *part)
{
	size_t n = strlen(part);

	for (; *text; text++)
		if (strncmp(text, part, n) == 0)
			return true;
	return false;
}

SV_TEST(swap_report_names_the_thread_and_cpu_a_timed_out_swap_waits_for)
{
	static struct parked_swap p;
	char cpu[32], thread[48];

	p = (struct parked_swap){ .timeout_us = 1500000, .hold_ms = 5000 };
	SV_ASSERT(start_parked_swap(&p));
	SV_ASSERT(wait_for(&p.swapped, 1, 30000));
	SV_ASSERT_EQ(p.result, CO_SWAP_ETIMEDOUT);
	printk("timed-out swap: %s; longest blocked %llu ns\n", p.report.why,
	       (unsigned long long)p.report.longest_blocked_ns);
	snprintf(cpu, sizeof(cpu), "cpu %u: ", p.parker_cpu);
	snprintf(thread, sizeof(thread), "%p (1 call)", (void *)p.parker);
	SV_ASSERT(contains(p.report.why, "block phase timed out"));
	SV_ASSERT(contains(p.report.why, cpu));
	SV_ASSERT(contains(p.report.why, thread));
	SV_ASSERT(p.report.longest_blocked_ns > 0);
	SV_ASSERT(load_stop(&p.load));
	SV_ASSERT(wait_for(&p.parker_out, 1, 30000));
	p.to->ops->destroy(p.to);
	SV_ASSERT_EQ(descriptor_load_errors, 0);
}

SV_TEST(swap_report_shows_a_call_blocked_during_the_swap_as_longest_blocked)
{
	static struct parked_swap p;

	p = (struct parked_swap){ .timeout_us = PATIENT_US, .hold_ms = FORWARD_HELD_MS + 500 };
	SV_ASSERT(start_parked_swap(&p));
	SV_ASSERT(wait_for(&p.swapped, 1, 60000));
	SV_ASSERT_EQ(p.result, CO_SWAP_OK);
	/* The load met the block phase while the parker held the object. */
	SV_ASSERT(p.report.longest_blocked_ns >= 100 * MS_NS);
	SV_ASSERT(p.report.longest_blocked_ns <= phases_ns(&p.report));
	SV_ASSERT(load_stop(&p.load));
	SV_ASSERT(wait_for(&p.parker_out, 1, 30000));
	SV_ASSERT_EQ(co_swap_rollback(p.swap, PATIENT_US), CO_SWAP_OK);
	SV_ASSERT_EQ(descriptor_load_errors, 0);
}
