// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/co_root.h>
#include <kernel/counter.h>
#include <kernel/heap.h>

struct counter_rep {
	struct counter base;
	struct co_multi_root *root; /* distributed: to find the other reps */
	int64_t count;              /* atomic: a CPU's threads preempt each other */
};

static void rep_add(struct counter *self, int64_t n)
{
	__atomic_add_fetch(&((struct counter_rep *)self)->count, n, __ATOMIC_RELAXED);
}

static int64_t shared_value(struct counter *self)
{
	return __atomic_load_n(&((struct counter_rep *)self)->count, __ATOMIC_RELAXED);
}

static void add_rep_count(struct co_rep *rep, void *sum)
{
	*(int64_t *)sum += shared_value((struct counter *)rep);
}

static int64_t distributed_value(struct counter *self)
{
	int64_t sum = 0;

	co_multi_root_for_each(((struct counter_rep *)self)->root, add_rep_count, &sum);
	return sum;
}

static const struct counter_ops shared_ops = { .add = rep_add, .value = shared_value };
static const struct counter_ops distributed_ops = { .add = rep_add, .value = distributed_value };

static struct co_rep *create_rep(struct co_multi_root *root, const struct counter_ops *ops)
{
	struct counter_rep *rep = (struct counter_rep *)co_rep_alloc(sizeof(*rep), ops);

	if (rep)
		rep->root = root;
	return (struct co_rep *)rep;
}

static struct co_rep *create_shared_rep(struct co_multi_root *root, unsigned index)
{
	(void)index;
	return create_rep(root, &shared_ops);
}

static struct co_rep *create_distributed_rep(struct co_multi_root *root, unsigned index)
{
	(void)index;
	return create_rep(root, &distributed_ops);
}

static const struct co_rep_type shared_type = { create_shared_rep, co_rep_free };
static const struct co_rep_type distributed_type = { create_distributed_rep, co_rep_free };

coid_t counter_create_shared(void)
{
	return co_multi_create(&shared_type, CO_SHARED);
}

coid_t counter_create_distributed(void)
{
	return co_multi_create(&distributed_type, 1);
}
