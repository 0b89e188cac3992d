// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/co_root.h>
#include <kernel/counter.h>
#include <kernel/heap.h>

struct counter_rep {
	struct counter base;
	struct co_multi_root *root; /* distributed: to find the other reps */
	int64_t count;              /* atomic: a CPU's threads preempt each other */
};

static int64_t *count_of(struct co_rep *rep)
{
	return &((struct counter_rep *)rep)->count;
}

static void rep_add(struct counter *self, int64_t n)
{
	__atomic_add_fetch(count_of((struct co_rep *)self), n, __ATOMIC_RELAXED);
}

static int64_t shared_value(struct counter *self)
{
	return __atomic_load_n(count_of((struct co_rep *)self), __ATOMIC_RELAXED);
}

static void add_rep_count(struct co_rep *rep, void *sum)
{
	*(int64_t *)sum += __atomic_load_n(count_of(rep), __ATOMIC_RELAXED);
}

static int64_t root_total(struct co_multi_root *root)
{
	int64_t sum = 0;

	co_multi_root_for_each(root, add_rep_count, &sum);
	return sum;
}

static int64_t distributed_value(struct counter *self)
{
	return root_total(((struct counter_rep *)self)->root);
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

/* ---- state transfer ----------------------------------------------------- */

static void *export_count(int64_t value)
{
	int64_t *state = kmalloc(sizeof(*state));

	if (state)
		*state = value;
	return state;
}

/* The count of one CPU's rep (cpus_per_rep is 1), or the whole total. */
static void *counter_export(struct co_root *base, unsigned format, unsigned cpu)
{
	struct co_multi_root *root = (struct co_multi_root *)base;
	struct co_rep *rep;

	if (format == COUNTER_FORMAT_TOTAL)
		return export_count(root_total(root));
	rep = __atomic_load_n(&root->reps[cpu], __ATOMIC_ACQUIRE);
	return export_count(rep ? __atomic_load_n(count_of(rep), __ATOMIC_RELAXED) : 0);
}

static void zero_rep(struct co_rep *rep, void *unused)
{
	(void)unused;
	__atomic_store_n(count_of(rep), 0, __ATOMIC_RELAXED);
}

/* Sets rep `index`'s count; a zero needs no rep created for it. */
static int set_rep_count(struct co_multi_root *root, unsigned index, int64_t value)
{
	struct co_rep *rep = value ? co_multi_root_rep(root, index)
				   : __atomic_load_n(&root->reps[index], __ATOMIC_ACQUIRE);

	if (rep)
		__atomic_store_n(count_of(rep), value, __ATOMIC_RELAXED);
	return rep || !value ? 0 : -1;
}

static int counter_import(struct co_root *base, unsigned format, unsigned cpu, void *state)
{
	struct co_multi_root *root = (struct co_multi_root *)base;
	int64_t value = *(int64_t *)state;

	kfree(state);
	if (format == COUNTER_FORMAT_PER_CPU)
		return set_rep_count(root, cpu, value);
	/* The whole total: it replaces what every rep held. */
	co_multi_root_for_each(root, zero_rep, NULL);
	return set_rep_count(root, 0, value);
}

static const struct co_transfer_ops shared_transfer = {
	.exports = 1ull << COUNTER_FORMAT_TOTAL,
	.imports = 1ull << COUNTER_FORMAT_TOTAL,
	.export_state = counter_export,
	.import_state = counter_import,
};

static const struct co_transfer_ops distributed_transfer = {
	.exports = 1ull << COUNTER_FORMAT_TOTAL | 1ull << COUNTER_FORMAT_PER_CPU,
	.imports = 1ull << COUNTER_FORMAT_TOTAL | 1ull << COUNTER_FORMAT_PER_CPU,
	.per_cpu = 1ull << COUNTER_FORMAT_PER_CPU,
	.export_state = counter_export,
	.import_state = counter_import,
};

static const struct co_rep_type shared_type = { create_shared_rep, co_rep_free,
						&shared_transfer };
static const struct co_rep_type distributed_type = { create_distributed_rep, co_rep_free,
						     &distributed_transfer };

coid_t counter_create_shared(void)
{
	return co_multi_create(&shared_type, CO_SHARED);
}

coid_t counter_create_distributed(void)
{
	return co_multi_create(&distributed_type, 1);
}

struct co_root *counter_root_shared(void)
{
	return (struct co_root *)co_multi_root_create(&shared_type, CO_SHARED);
}

struct co_root *counter_root_distributed(void)
{
	return (struct co_root *)co_multi_root_create(&distributed_type, 1);
}

int64_t counter_root_total(struct co_root *root)
{
	return root_total((struct co_multi_root *)root);
}
