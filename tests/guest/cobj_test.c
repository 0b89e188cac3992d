// SPDX-License-Identifier: GPL-2.0-only
/* Clustered objects on every CPU: misses, the three distributions,
 * counters, and destruction after quiescence. */
#include <stddef.h>

#include <kernel/co_root.h>
#include <kernel/counter.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

struct job {
	coid_t id;
	volatile uint64_t finished;
	struct co_rep *rep_seen[CPUS_MAX];  /* each CPU's rep after its call */
	uint64_t answer[CPUS_MAX];          /* what the call returned there */
	uint64_t was_default[CPUS_MAX];     /* the entry missed before it */
	struct thread *thread;              /* block_until_woken's own */
};

/* Runs fn(job) on `per_cpu` threads on every CPU and waits for them. */
static bool run_on_every_cpu(void (*fn)(void *), struct job *job, unsigned per_cpu)
{
	job->finished = 0;
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		for (unsigned i = 0; i < per_cpu; i++)
			if (!thread_create_on(cpu, fn, job, 0))
				return false;
	return wait_for(&job->finished, (uint64_t)cpus_online() * per_cpu, 30000);
}

static void finish(struct job *job)
{
	__atomic_add_fetch(&job->finished, 1, __ATOMIC_ACQ_REL);
}

/* ---- counters ---------------------------------------------------------- */

#define ADDS_PER_THREAD 20000
#define THREADS_PER_CPU 2

/* -3..3, so the sum is checked with both signs in it. */
static int64_t amount(unsigned i)
{
	return (int64_t)(i % 7) - 3;
}

static int64_t expected_sum(void)
{
	int64_t per_thread = 0;

	for (unsigned i = 0; i < ADDS_PER_THREAD; i++)
		per_thread += amount(i) + 10;
	return per_thread * THREADS_PER_CPU * cpus_online();
}

static void hammer(void *arg)
{
	struct job *job = arg;

	for (unsigned i = 0; i < ADDS_PER_THREAD; i++)
		counter_add(job->id, amount(i) + 10);
	finish(job);
}

static void check_counter(coid_t id)
{
	static struct job job;

	SV_ASSERT(id != NULL);
	job = (struct job){ .id = id };
	SV_ASSERT(run_on_every_cpu(hammer, &job, THREADS_PER_CPU));
	SV_ASSERT_EQ(counter_value(id), expected_sum());
	SV_ASSERT_EQ(co_destroy(id), 0);
}

SV_TEST(shared_counter_counts_exactly_from_every_cpu)
{
	check_counter(counter_create_shared());
}

SV_TEST(distributed_counter_counts_exactly_from_every_cpu)
{
	check_counter(counter_create_distributed());
}

/* ---- distributions and the miss path ----------------------------------- */

/* An object whose rep tells which cluster it serves. */
struct whoami;
struct whoami_ops {
	uint64_t (*cluster)(struct whoami *self);
	uint64_t (*mix)(struct whoami *self, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
			uint64_t e, uint64_t f, uint64_t g, uint64_t h);
};
struct whoami {
	const struct whoami_ops *ops;
	uint64_t cluster;
};

static uint64_t whoami_cluster(struct whoami *self)
{
	return self->cluster;
}

/* Six register and two stack arguments, each weighted by its position, so
 * a lost or swapped argument changes the answer. */
static uint64_t whoami_mix(struct whoami *self, uint64_t a, uint64_t b, uint64_t c,
			   uint64_t d, uint64_t e, uint64_t f, uint64_t g, uint64_t h)
{
	(void)self;
	return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + g * 17 + h * 19;
}

static const struct whoami_ops whoami_ops = { whoami_cluster, whoami_mix };

static struct co_rep *whoami_create(struct co_multi_root *root, unsigned index)
{
	struct whoami *rep = (struct whoami *)co_rep_alloc(sizeof(*rep), &whoami_ops);

	(void)root;
	if (rep)
		rep->cluster = index;
	return (struct co_rep *)rep;
}

static const struct co_rep_type whoami_type = { .create = whoami_create, .destroy = co_rep_free };

static void ask_cluster(void *arg)
{
	struct job *job = arg;
	unsigned cpu = cpu_id();

	job->was_default[cpu] = co_dref(job->id) == (struct co_rep *)&co_entry(job->id)->default_ops;
	job->answer[cpu] = CO_CALL(struct whoami, job->id, cluster);
	job->rep_seen[cpu] = co_dref(job->id);
	finish(job);
}

static void check_distribution(unsigned cpus_per_rep)
{
	static struct job job;

	job = (struct job){ .id = co_multi_create(&whoami_type, cpus_per_rep) };
	SV_ASSERT(job.id != NULL);
	SV_ASSERT(run_on_every_cpu(ask_cluster, &job, 1));
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		SV_ASSERT_EQ(job.was_default[cpu], 1);
		SV_ASSERT_EQ(job.answer[cpu], cpu / cpus_per_rep);
		for (unsigned other = 0; other < cpu; other++)
			SV_ASSERT_EQ(job.rep_seen[cpu] == job.rep_seen[other],
				     cpu / cpus_per_rep == other / cpus_per_rep);
	}
	SV_ASSERT_EQ(co_destroy(job.id), 0);
}

SV_TEST(replicated_root_gives_each_cpu_its_own_rep)
{
	check_distribution(1);
}

SV_TEST(clustered_root_gives_each_pair_of_cpus_a_rep)
{
	check_distribution(2);
}

SV_TEST(shared_root_gives_every_cpu_the_same_rep)
{
	check_distribution(CO_SHARED);
}

static void mix_twice(void *arg)
{
	struct job *job = arg;
	uint64_t c = cpu_id() + 1;
	uint64_t want = whoami_mix(NULL, c, 2 * c, 3 * c, 4 * c, 5 * c, 6 * c, 7 * c, 8 * c);

	/* The first call misses and restarts through the trampoline; the
	 * second goes straight to the rep. */
	for (int call = 0; call < 2; call++)
		if (CO_CALL(struct whoami, job->id, mix, c, 2 * c, 3 * c, 4 * c, 5 * c, 6 * c,
			    7 * c, 8 * c) == want)
			job->answer[cpu_id()]++;
	finish(job);
}

SV_TEST(miss_restarts_the_call_with_every_argument_intact)
{
	static struct job job;

	job = (struct job){ .id = co_multi_create(&whoami_type, 1) };
	SV_ASSERT(job.id != NULL);
	SV_ASSERT(run_on_every_cpu(mix_twice, &job, 1));
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT_EQ(job.answer[cpu], 2);
	SV_ASSERT_EQ(co_destroy(job.id), 0);
}

/* ---- destruction ------------------------------------------------------- */

static volatile uint64_t reps_destroyed;

static void counted_destroy(struct co_rep *rep)
{
	co_rep_free(rep);
	__atomic_add_fetch(&reps_destroyed, 1, __ATOMIC_ACQ_REL);
}

static const struct co_rep_type counted_type = { .create = whoami_create, .destroy = counted_destroy };

static void block_until_woken(void *arg)
{
	struct job *job = arg;

	job->thread = thread_current();
	finish(job);
	thread_block();
	finish(job);
}

SV_TEST(destroyed_object_is_freed_only_after_quiescence)
{
	static struct job job, blocker;
	uint64_t alive = co_objects_alive();

	reps_destroyed = 0;
	job = (struct job){ .id = co_multi_create(&counted_type, 1) };
	SV_ASSERT(job.id != NULL);
	SV_ASSERT(run_on_every_cpu(ask_cluster, &job, 1)); /* a rep per CPU */
	SV_ASSERT_EQ(co_objects_alive(), alive + 1);

	blocker = (struct job){ 0 };
	SV_ASSERT(thread_create_on(cpus_online() - 1, block_until_woken, &blocker, 0));
	SV_ASSERT(wait_for(&blocker.finished, 1, 5000));
	SV_ASSERT_EQ(co_destroy(job.id), 0);
	SV_ASSERT(co_root_of(job.id) == NULL);
	SV_ASSERT(!wait_for(&reps_destroyed, 1, 20)); /* the blocker is alive */

	thread_wake(blocker.thread);
	SV_ASSERT(wait_for(&reps_destroyed, cpus_online(), 5000));
	SV_ASSERT(wait_for(&blocker.finished, 2, 5000));
	SV_ASSERT_EQ(co_objects_alive(), alive);
}
