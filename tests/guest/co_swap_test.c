// SPDX-License-Identifier: GPL-2.0-only
/* Hot swap and interposition on every CPU: counters swapped while short
 * threads on every CPU hammer them, wrappers attached and detached under
 * load, and a swap that cannot drain aborting. The test runner, which
 * swaps, is a daemon thread. */
#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/counter.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "load.h"
#include "wait.h"

#define PATIENT_US 30000000ull /* a swap that must succeed */

/* 1..3 in a pattern per CPU: positive, so totals only grow. */
static int64_t amount(unsigned cpu, uint64_t i)
{
	return 1 + (int64_t)((i + cpu) % 3);
}

static int64_t add_to_counter(struct load *l, unsigned cpu, uint64_t i)
{
	counter_add(l->arg, amount(cpu, i));
	return amount(cpu, i);
}

/* ---- counters swapped under load ----------------------------------------- */

#define SWAPS 1000

struct swap_round {
	struct co_swap *swap;
	int64_t old_total; /* the old root's total when the swap completed */
};

/* Commits the previous round's swap once calls have gone on for a while:
 * none of them may have reached its old root. */
static bool commit_checked(struct swap_round *r)
{
	bool frozen = counter_root_total(co_swap_old_root(r->swap)) == r->old_total;

	co_swap_commit(r->swap);
	return frozen;
}

SV_TEST(counter_swapped_between_shared_and_distributed_under_load_counts_exactly)
{
	static struct load load;
	struct swap_round pending = { 0 };
	coid_t id = counter_create_shared();

	SV_ASSERT(id != NULL);
	load = (struct load){ .call = add_to_counter, .arg = id };
	SV_ASSERT(load_start(&load, 1));
	for (unsigned n = 0; n < SWAPS; n++) {
		struct co_root *old_root = co_root_of(id);
		struct co_root *to = n % 2 ? counter_root_shared() : counter_root_distributed();
		struct co_swap *swap;

		SV_ASSERT(to != NULL);
		SV_ASSERT_EQ(co_hot_swap(id, to, PATIENT_US, &swap), CO_SWAP_OK);
		SV_ASSERT(co_root_of(id) == to);
		SV_ASSERT(counter_root_total(to) >= counter_root_total(old_root));
		if (pending.swap)
			SV_ASSERT(commit_checked(&pending));
		pending = (struct swap_round){ swap, counter_root_total(old_root) };
		if (!load_progress(&load, cpus_online() * 8))
			break;
	}
	SV_ASSERT(load_stop(&load));
	SV_ASSERT(commit_checked(&pending));
	SV_ASSERT_EQ(counter_value(id), load.added);
	SV_ASSERT(load.added > 0);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

SV_TEST(rollback_swaps_back_with_the_state_the_new_root_gathered)
{
	coid_t id = counter_create_shared();
	struct co_root *old_root = co_root_of(id), *to = counter_root_distributed();
	struct co_swap *swap;

	SV_ASSERT(id != NULL && to != NULL);
	counter_add(id, 40);
	SV_ASSERT_EQ(co_hot_swap(id, to, PATIENT_US, &swap), CO_SWAP_OK);
	counter_add(id, 2);
	SV_ASSERT_EQ(counter_root_total(to), 42);
	SV_ASSERT_EQ(co_swap_rollback(swap, PATIENT_US), CO_SWAP_OK);
	SV_ASSERT(co_root_of(id) == old_root);
	SV_ASSERT_EQ(counter_value(id), 42);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

/* ---- a swap that cannot drain -------------------------------------------- */

struct sleeper {
	volatile uint64_t asleep;
	struct thread *thread;
	int woken;
};

static void sleep_until_woken(void *arg)
{
	struct sleeper *s = arg;

	s->thread = thread_current();
	__atomic_store_n(&s->asleep, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&s->woken, __ATOMIC_ACQUIRE))
		thread_block();
}

SV_TEST(swap_that_cannot_drain_aborts_by_timeout_and_loses_nothing)
{
	static struct load load;
	static struct sleeper sleeper;
	coid_t id = counter_create_distributed();
	struct co_root *old_root = co_root_of(id), *to = counter_root_shared();
	struct co_swap *swap;

	SV_ASSERT(id != NULL && to != NULL);
	/* A counted thread alive at the swap's start that does not end: the
	 * forward phase cannot end either. */
	sleeper = (struct sleeper){ 0 };
	SV_ASSERT(thread_create_on(cpus_online() - 1, sleep_until_woken, &sleeper, 0));
	SV_ASSERT(wait_for(&sleeper.asleep, 1, 10000));
	load = (struct load){ .call = add_to_counter, .arg = id };
	SV_ASSERT(load_start(&load, 1));
	SV_ASSERT_EQ(co_hot_swap(id, to, 20000, &swap), CO_SWAP_ETIMEDOUT);
	SV_ASSERT(co_root_of(id) == old_root);
	(void)load_progress(&load, cpus_online() * 8); /* it keeps working */
	__atomic_store_n(&sleeper.woken, 1, __ATOMIC_RELEASE);
	thread_wake(sleeper.thread);
	SV_ASSERT(load_stop(&load));
	SV_ASSERT_EQ(counter_value(id), load.added);
	SV_ASSERT_EQ(counter_root_total(to), 0);
	to->ops->destroy(to);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

/* ---- interposition ---------------------------------------------------------- */

struct tap {
	struct co_wrapper wrapper; /* first: the wrapper leads to the tap */
	int meddle;                /* double add's argument, raise value's result */
	uint64_t pre[CO_METHODS_MAX], post[CO_METHODS_MAX];
};

static bool tap_precall(struct co_wrapper *w, struct co_call *call)
{
	struct tap *tap = (struct tap *)w;

	__atomic_add_fetch(&tap->pre[call->method], 1, __ATOMIC_RELAXED);
	if (tap->meddle && call->method == CO_METHOD(struct counter_ops, add))
		*co_call_arg(call, 1) *= 2;
	return true;
}

static void tap_postcall(struct co_wrapper *w, struct co_return *ret)
{
	struct tap *tap = (struct tap *)w;

	__atomic_add_fetch(&tap->post[ret->method], 1, __ATOMIC_RELAXED);
	if (tap->meddle && ret->method == CO_METHOD(struct counter_ops, value))
		ret->rax += 1000;
}

static const struct co_wrapper_ops tap_ops = { .precall = tap_precall,
					       .postcall = tap_postcall };

static void add_twice_per_cpu(void *arg)
{
	struct load *l = arg;

	counter_add(l->arg, cpu_id() + 1);
	counter_add(l->arg, cpu_id() + 1);
	__atomic_add_fetch(&l->finished, 1, __ATOMIC_ACQ_REL);
}

SV_TEST(wrapper_sees_every_call_by_method_and_changes_argument_and_result)
{
	static struct tap tap;
	static struct load calls;
	coid_t id = counter_create_distributed();
	struct co_interposer *ip;
	const unsigned add = CO_METHOD(struct counter_ops, add);
	int64_t sum = 0;

	SV_ASSERT(id != NULL);
	tap = (struct tap){ .wrapper = { &tap_ops }, .meddle = 1 };
	ip = co_interpose(id, &tap.wrapper);
	SV_ASSERT(ip != NULL);
	calls = (struct load){ .arg = id };
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		SV_ASSERT(thread_create_on(cpu, add_twice_per_cpu, &calls, 0));
		sum += 2 * (cpu + 1);
	}
	SV_ASSERT(wait_for(&calls.finished, cpus_online(), 30000));
	SV_ASSERT_EQ(tap.pre[add], 2 * cpus_online());
	SV_ASSERT_EQ(tap.post[add], 2 * cpus_online());
	SV_ASSERT_EQ(counter_value(id), 2 * sum + 1000);
	SV_ASSERT_EQ(tap.pre[CO_METHOD(struct counter_ops, value)], 1);
	SV_ASSERT_EQ(co_interpose_detach(ip), 0);
	SV_ASSERT_EQ(counter_value(id), 2 * sum);
	SV_ASSERT_EQ(tap.pre[CO_METHOD(struct counter_ops, value)], 1);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

SV_TEST(attach_and_detach_under_load_lose_no_call)
{
	static struct load load;
	static struct tap taps[20];
	coid_t id = counter_create_shared();
	uint64_t wrapped = 0;

	SV_ASSERT(id != NULL);
	load = (struct load){ .call = add_to_counter, .arg = id };
	SV_ASSERT(load_start(&load, 1));
	for (unsigned n = 0; n < sizeof(taps) / sizeof(taps[0]); n++) {
		struct co_interposer *ip;

		taps[n] = (struct tap){ .wrapper = { &tap_ops } };
		if (!load_progress(&load, cpus_online() * 4))
			break;
		ip = co_interpose(id, &taps[n].wrapper);
		SV_ASSERT(ip != NULL);
		(void)load_progress(&load, cpus_online() * 4);
		SV_ASSERT_EQ(co_interpose_detach(ip), 0);
	}
	SV_ASSERT(load_stop(&load));
	SV_ASSERT_EQ(counter_value(id), load.added);
	for (unsigned n = 0; n < sizeof(taps) / sizeof(taps[0]); n++) {
		const unsigned add = CO_METHOD(struct counter_ops, add);

		SV_ASSERT_EQ(taps[n].pre[add], taps[n].post[add]);
		wrapped += taps[n].pre[add];
	}
	SV_ASSERT(wrapped > 0);
	SV_ASSERT_EQ(co_destroy(id), 0);
}
