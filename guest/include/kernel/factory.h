/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Factories (seed 004 §4.2.3): every instance of a class is created by the
 * class's factory, which tracks it with the class version it runs, so a
 * dynamic update can find every instance and new instances get the new
 * code. A factory is a clustered object reached through its class's
 * well-known reference (struct factory_class.ref): updating the class
 * hot-swaps the factory to one of the new version, whose import takes
 * over the instance list, and then each instance to a root of the new
 * class (guest/update/).
 *
 * The instance list is one locked list per class rather than the seed's
 * per-CPU lists: instances are created and destroyed at the rate files
 * are, far below the rate of their calls, and an update needs one
 * consistent snapshot of them, which one list gives without a walk over
 * every CPU's.
 */
#ifndef SV_KERNEL_FACTORY_H
#define SV_KERNEL_FACTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/cobj.h>
#include <kernel/spinlock.h>
#include <kernel/update_swap.h>
#include <sv/patch.h>

/* One version of a class: what it gives its factory. Patches define the
 * new version's (sv_patch_class.impl). */
struct sv_class_impl {
	char name[SV_PATCH_NAME_MAX];
	uint32_t version;
	/* A root for a new instance from the class's creation arguments;
	 * NULL when out of memory. */
	struct co_root *(*make_root)(const void *args);
	/* A fresh root, in its initial state, to receive the state of `old`
	 * (a root of this class at any version) by hot swap: the roots'
	 * co_transfer_ops move it, either way, so a rollback is a swap back
	 * to a root the old version makes. NULL when out of memory. */
	struct co_root *(*make_swap_root)(struct co_root *old);
};

struct factory_instance {
	coid_t id;
	/* The version its root is of: written only by whoever swaps it (the
	 * class's swap_instance), read by anyone. */
	const struct sv_class_impl *impl;
	void *owner;                  /* the creator's handle (an fcm_file) */
	uint32_t refs;                /* the list's, update snapshots' */
	bool dead;                    /* destroyed: under the class lock */
	struct factory_class *cls;
	struct factory_instance *prev, *next;
};

/* A class: its factory's well-known reference and its instances. */
struct factory_class {
	const char *name;
	coid_t ref;                   /* the factory; NULL until registered */
	struct spinlock lock;         /* the list, instances' dead flags */
	struct factory_instance list; /* sentinel */
	uint64_t count;
	/* Hot-swaps one instance to class `to` (factory_swap_instance's
	 * contract), for classes whose instances are swapped by someone
	 * else too and must be serialised with them; NULL: done directly on
	 * the caller's (daemon) thread. */
	int (*swap_instance)(struct factory_instance *inst, const struct sv_class_impl *to,
			     uint64_t timeout_us, struct swap_result *out);
	struct factory_class *next_class;
};

/* The factory's interface. */
struct factory;
struct factory_ops {
	/* A new instance of the factory's version from `args` (the class's
	 * creation arguments), tracked, with `owner` recorded: NULL when out
	 * of memory or COIDs. */
	struct factory_instance *(*create)(struct factory *self, const void *args, void *owner);
	/* The version new instances get. */
	const struct sv_class_impl *(*impl)(struct factory *self);
};

struct factory {
	const struct factory_ops *ops;
};

/* Sets up cls (name and, if any, swap_instance filled in) with a factory
 * of version `impl`, and makes it findable by name. 0, or SV_ENOMEM. */
int factory_register(struct factory_class *cls, const struct sv_class_impl *impl);
/* The registered class called `name`, or NULL. */
struct factory_class *factory_class_find(const char *name);
/* Calls fn on every registered class. */
void factory_for_each_class(void (*fn)(struct factory_class *cls, void *arg), void *arg);

/* A factory root of version `impl`, for co_hot_swap on its class's ref:
 * its import takes over the class's instance list (and refuses another
 * class's). NULL when out of memory. */
struct co_root *factory_root_create(const struct sv_class_impl *impl);

static inline struct factory_instance *factory_create(struct factory_class *cls,
						      const void *args, void *owner)
{
	return CO_CALL(struct factory, cls->ref, create, args, owner);
}

static inline const struct sv_class_impl *factory_impl(struct factory_class *cls)
{
	return CO_CALL(struct factory, cls->ref, impl);
}

/* Untracks and destroys an instance (its COID goes once no update
 * snapshot holds it any more). A plain function, not a factory method:
 * the last reference to an instance may be dropped on a daemon thread
 * (the FCM swapper), and a daemon's calls are invisible to the quiescence
 * a hot swap of the factory waits for. */
void factory_destroy(struct factory_instance *inst);

/* Instances tracked now, and how many of them run version `impl`. */
uint64_t factory_count(struct factory_class *cls, const struct sv_class_impl *impl);

/* Snapshot of the list (each with a reference): *out is a new array of
 * *n entries (both 0/NULL when the list is empty). SV_ENOMEM or 0. */
int factory_snapshot(struct factory_class *cls, struct factory_instance ***out, uint64_t *n);
void factory_snapshot_free(struct factory_instance **snap, uint64_t n);

/* The instance's owner with a reference the caller drops, if it is still
 * alive: get(owner) is tried under the class lock and answers whether it
 * took one. NULL when the instance is dead or get refused. */
void *factory_instance_pin(struct factory_class *cls, struct factory_instance *inst,
			   bool (*get)(void *owner));

/* Hot-swaps `inst` to a root class `to` makes (make_swap_root) and
 * commits: inst->impl becomes `to`. On a daemon thread. An instance
 * already of `to`, or destroyed meanwhile, is left alone (SV_OK, not
 * counted). On failure the instance is as it was and out->status and
 * detail say what failed. */
int factory_swap_instance(struct factory_instance *inst, const struct sv_class_impl *to,
			  uint64_t timeout_us, struct swap_result *out);

/* Through cls->swap_instance when the class has one. */
int factory_class_swap_instance(struct factory_class *cls, struct factory_instance *inst,
				const struct sv_class_impl *to, uint64_t timeout_us,
				struct swap_result *out);

#endif
