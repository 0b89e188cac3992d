// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared, replicated and clustered root: reps are created on the first
 * miss of their cluster (under the root's lock, so racing CPUs of one
 * cluster get the same rep) and live until the object is destroyed.
 */
#include <kernel/co_root.h>
#include <kernel/heap.h>

static unsigned cluster_of(const struct co_multi_root *root, unsigned cpu)
{
	return cpu / root->cpus_per_rep;
}

struct co_rep *co_multi_root_rep(struct co_multi_root *root, unsigned cluster)
{
	struct co_rep *rep = __atomic_load_n(&root->reps[cluster], __ATOMIC_ACQUIRE);
	uint64_t flags;

	if (rep)
		return rep;
	flags = spin_lock_irqsave(&root->lock);
	rep = root->reps[cluster];
	if (!rep) {
		rep = root->type->create(root, cluster);
		__atomic_store_n(&root->reps[cluster], rep, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&root->lock, flags);
	return rep;
}

struct co_rep *co_multi_root_handle_miss(struct co_root *base, coid_t id, unsigned cpu)
{
	struct co_multi_root *root = (struct co_multi_root *)base;

	(void)id;
	return co_multi_root_rep(root, cluster_of(root, cpu));
}

void co_multi_root_destroy_reps(struct co_multi_root *root)
{
	for (unsigned i = 0; i < CPUS_MAX; i++)
		if (root->reps[i])
			root->type->destroy(root->reps[i]);
}

static void multi_destroy(struct co_root *base)
{
	co_multi_root_destroy_reps((struct co_multi_root *)base);
	kfree(base);
}

static const struct co_root_ops multi_root_ops = {
	.handle_miss = co_multi_root_handle_miss,
	.destroy = multi_destroy,
};

void co_multi_root_init(struct co_multi_root *root, const struct co_rep_type *type,
			unsigned cpus_per_rep)
{
	*root = (struct co_multi_root){
		.base = { .ops = &multi_root_ops, .transfer = type->transfer },
		.type = type,
		.cpus_per_rep = cpus_per_rep ? cpus_per_rep : 1,
	};
}

struct co_multi_root *co_multi_root_create(const struct co_rep_type *type,
					   unsigned cpus_per_rep)
{
	struct co_multi_root *root = kzalloc(sizeof(*root));

	if (root)
		co_multi_root_init(root, type, cpus_per_rep);
	return root;
}

coid_t co_multi_create(const struct co_rep_type *type, unsigned cpus_per_rep)
{
	struct co_multi_root *root = co_multi_root_create(type, cpus_per_rep);
	coid_t id = root ? co_create(&root->base) : NULL;

	if (root && !id)
		kfree(root);
	return id;
}

struct co_rep *co_rep_alloc(size_t size, const void *ops)
{
	struct co_rep *rep = kzalloc(size);

	if (rep)
		rep->ops = ops;
	return rep;
}

void co_rep_free(struct co_rep *rep)
{
	kfree(rep);
}

void co_multi_root_for_each(struct co_multi_root *root,
			    void (*fn)(struct co_rep *rep, void *arg), void *arg)
{
	for (unsigned i = 0; i < CPUS_MAX; i++) {
		struct co_rep *rep = __atomic_load_n(&root->reps[i], __ATOMIC_ACQUIRE);
		if (rep)
			fn(rep, arg);
	}
}
