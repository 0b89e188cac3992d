// SPDX-License-Identifier: GPL-2.0-only
/*
 * The factory object (kernel/factory.h): one shared rep, a root that knows
 * the class version new instances get and the class whose list it keeps.
 * Its state transfer hands over the class (and with it the instance list)
 * by reference: both roots point at the same list, so the exporter keeps
 * its state and a swap back finds it as it was.
 */
#include <kernel/co_root.h>
#include <kernel/heap.h>
#include <kernel/printf.h>
#include <kernel/string.h>

#include "factory_impl.h"

struct factory_root;

struct factory_rep {
	struct factory base;
	struct factory_root *root;
};

struct factory_root {
	struct co_root base;
	struct factory_rep rep;
	struct factory_class *cls; /* set by registration or by import */
	const struct sv_class_impl *impl;
};

static struct factory_root *root_of(struct factory *self)
{
	return ((struct factory_rep *)self)->root;
}

static struct factory_instance *factory_do_create(struct factory *self, const void *args,
						  void *owner)
{
	struct factory_root *root = root_of(self);
	struct factory_instance *inst = kzalloc(sizeof(*inst));
	struct co_root *r = inst ? root->impl->make_root(args) : NULL;

	if (r)
		inst->id = co_create(r);
	if (!inst || !inst->id) {
		if (r)
			r->ops->destroy(r);
		kfree(inst);
		return NULL;
	}
	inst->impl = root->impl;
	inst->owner = owner;
	factory_track(root->cls, inst);
	return inst;
}

static const struct sv_class_impl *factory_do_impl(struct factory *self)
{
	return root_of(self)->impl;
}

static const struct factory_ops factory_ops = {
	.create = factory_do_create,
	.impl = factory_do_impl,
};

static struct co_rep *factory_miss(struct co_root *base, coid_t id, unsigned cpu)
{
	(void)id, (void)cpu;
	return (struct co_rep *)&((struct factory_root *)base)->rep;
}

static void factory_root_destroy(struct co_root *base)
{
	kfree(base);
}

static const struct co_root_ops factory_root_ops = {
	.handle_miss = factory_miss,
	.destroy = factory_root_destroy,
};

/* ---- state transfer: the class, and so its instance list ---------------- */

enum { FACTORY_FORMAT_CLASS = 0 };

static void *factory_export(struct co_root *base, unsigned format, unsigned cpu)
{
	struct factory_class **state = kmalloc(sizeof(*state));

	(void)format, (void)cpu;
	if (state)
		*state = ((struct factory_root *)base)->cls;
	return state;
}

/* A factory of another class's version must not take this list over. */
static int factory_import(struct co_root *base, unsigned format, unsigned cpu, void *state)
{
	struct factory_root *root = (struct factory_root *)base;
	struct factory_class *cls = *(struct factory_class **)state;

	(void)format, (void)cpu;
	kfree(state);
	if (strcmp(cls->name, root->impl->name) != 0) {
		printk("factory: a factory of class %s cannot take over class %s's instances\n",
		       root->impl->name, cls->name);
		return -1;
	}
	root->cls = cls;
	return 0;
}

static const struct co_transfer_ops factory_transfer = {
	.exports = 1ull << FACTORY_FORMAT_CLASS,
	.imports = 1ull << FACTORY_FORMAT_CLASS,
	.export_state = factory_export,
	.import_state = factory_import,
};

struct co_root *factory_root_create(const struct sv_class_impl *impl)
{
	struct factory_root *root = kzalloc(sizeof(*root));

	if (!root)
		return NULL;
	root->base = (struct co_root){ .ops = &factory_root_ops, .transfer = &factory_transfer };
	root->rep = (struct factory_rep){ .base = { &factory_ops }, .root = root };
	root->impl = impl;
	return &root->base;
}

/* ---- the classes ---------------------------------------------------------- */

static struct spinlock classes_lock = SPINLOCK_INIT;
static struct factory_class *classes;

int factory_register(struct factory_class *cls, const struct sv_class_impl *impl)
{
	struct co_root *root = factory_root_create(impl);
	uint64_t flags;

	if (!root)
		return SV_ENOMEM;
	((struct factory_root *)root)->cls = cls;
	factory_class_init(cls);
	cls->ref = co_create(root);
	if (!cls->ref) {
		root->ops->destroy(root);
		return SV_ENOMEM;
	}
	flags = spin_lock_irqsave(&classes_lock);
	cls->next_class = classes;
	__atomic_store_n(&classes, cls, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&classes_lock, flags);
	return SV_OK;
}

struct factory_class *factory_class_find(const char *name)
{
	uint64_t flags = spin_lock_irqsave(&classes_lock);
	struct factory_class *cls = classes;

	while (cls && strcmp(cls->name, name) != 0)
		cls = cls->next_class;
	spin_unlock_irqrestore(&classes_lock, flags);
	return cls;
}

void factory_for_each_class(void (*fn)(struct factory_class *cls, void *arg), void *arg)
{
	/* Classes are only ever added, at the head: a walk from a loaded
	 * head needs no lock. */
	for (struct factory_class *cls = __atomic_load_n(&classes, __ATOMIC_ACQUIRE); cls;
	     cls = cls->next_class)
		fn(cls, arg);
}
