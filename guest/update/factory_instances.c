// SPDX-License-Identifier: GPL-2.0-only
/*
 * A class's instance list (kernel/factory.h): tracking, snapshots for an
 * update, destruction, and the hot swap of one instance to another class
 * version. An instance record is reference counted so that an update's
 * snapshot can outlive the owner's destroy: its COID stays in service
 * (uncalled) until the last reference goes, so a swap of it never meets
 * a reused COID.
 */
#include <kernel/co_root.h>
#include <kernel/heap.h>
#include <kernel/printf.h>

#include "factory_impl.h"

void factory_class_init(struct factory_class *cls)
{
	cls->lock = (struct spinlock)SPINLOCK_INIT;
	cls->list.prev = cls->list.next = &cls->list;
	cls->count = 0;
}

void factory_track(struct factory_class *cls, struct factory_instance *inst)
{
	uint64_t flags = spin_lock_irqsave(&cls->lock);

	inst->cls = cls;
	inst->refs = 1;
	inst->next = &cls->list;
	inst->prev = cls->list.prev;
	cls->list.prev->next = inst;
	cls->list.prev = inst;
	cls->count++;
	spin_unlock_irqrestore(&cls->lock, flags);
}

static void instance_get(struct factory_instance *inst)
{
	__atomic_add_fetch(&inst->refs, 1, __ATOMIC_RELAXED);
}

static void instance_put(struct factory_instance *inst)
{
	if (__atomic_sub_fetch(&inst->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (co_destroy(inst->id))
		printk("factory: class %s: no memory to destroy instance %p: leaked\n",
		       inst->cls->name, (void *)inst->id);
	kfree(inst);
}

void factory_destroy(struct factory_instance *inst)
{
	struct factory_class *cls = inst->cls;
	uint64_t flags = spin_lock_irqsave(&cls->lock);

	inst->prev->next = inst->next;
	inst->next->prev = inst->prev;
	__atomic_store_n(&inst->dead, true, __ATOMIC_RELEASE);
	cls->count--;
	spin_unlock_irqrestore(&cls->lock, flags);
	instance_put(inst);
}

uint64_t factory_count(struct factory_class *cls, const struct sv_class_impl *impl)
{
	uint64_t flags = spin_lock_irqsave(&cls->lock), n = 0;

	for (struct factory_instance *i = cls->list.next; i != &cls->list; i = i->next)
		n += !impl || __atomic_load_n(&i->impl, __ATOMIC_ACQUIRE) == impl;
	spin_unlock_irqrestore(&cls->lock, flags);
	return n;
}

/* The array is sized before the lock is taken (kmalloc may not run under
 * it); instances created meanwhile are retried for. */
int factory_snapshot(struct factory_class *cls, struct factory_instance ***out, uint64_t *n)
{
	for (;;) {
		uint64_t want = __atomic_load_n(&cls->count, __ATOMIC_RELAXED), flags;
		struct factory_instance **snap = kmalloc((want + 1) * sizeof(*snap));

		if (!snap)
			return SV_ENOMEM;
		flags = spin_lock_irqsave(&cls->lock);
		if (cls->count <= want) {
			uint64_t k = 0;

			for (struct factory_instance *i = cls->list.next; i != &cls->list; i = i->next) {
				instance_get(i);
				snap[k++] = i;
			}
			spin_unlock_irqrestore(&cls->lock, flags);
			*out = snap;
			*n = k;
			return SV_OK;
		}
		spin_unlock_irqrestore(&cls->lock, flags);
		kfree(snap);
	}
}

void factory_snapshot_free(struct factory_instance **snap, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++)
		instance_put(snap[k]);
	kfree(snap);
}

void *factory_instance_pin(struct factory_class *cls, struct factory_instance *inst,
			   bool (*get)(void *owner))
{
	uint64_t flags = spin_lock_irqsave(&cls->lock);
	void *owner = !inst->dead && get(inst->owner) ? inst->owner : NULL;

	spin_unlock_irqrestore(&cls->lock, flags);
	return owner;
}

/* ---- one instance to another version -------------------------------------- */

int factory_swap_instance(struct factory_instance *inst, const struct sv_class_impl *to,
			  uint64_t timeout_us, struct swap_result *out)
{
	const struct sv_class_impl *from = __atomic_load_n(&inst->impl, __ATOMIC_ACQUIRE);
	struct co_root *old = co_root_of(inst->id), *root;
	struct co_swap *swap;
	char what[96];
	int error;

	if (from == to || __atomic_load_n(&inst->dead, __ATOMIC_ACQUIRE) || !old)
		return SV_OK;
	snprintf(what, sizeof(what), "class %s instance %p (version %u -> %u)", to->name,
		 (void *)inst->id, from->version, to->version);
	root = to->make_swap_root(old);
	if (!root)
		return update_fail(out, SV_ENOMEM, "%s: no memory for the new root", what);
	error = update_hot_swap(inst->id, root, timeout_us, &swap, out, what);
	if (error) {
		root->ops->destroy(root);
		return error;
	}
	co_swap_commit(swap);
	__atomic_store_n(&inst->impl, to, __ATOMIC_RELEASE);
	out->done++;
	return SV_OK;
}

int factory_class_swap_instance(struct factory_class *cls, struct factory_instance *inst,
				const struct sv_class_impl *to, uint64_t timeout_us,
				struct swap_result *out)
{
	if (cls->swap_instance)
		return cls->swap_instance(inst, to, timeout_us, out);
	return factory_swap_instance(inst, to, timeout_us, out);
}
