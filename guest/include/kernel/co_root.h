/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Roots: the one part of a clustered object every CPU shares, found in the
 * GTT. A root answers misses (which rep this CPU should call) and frees
 * the object once it is out of service and quiescent.
 *
 * co_multi_root covers the three distributions of seed 000 by one number,
 * the CPUs per rep: 1 is replicated (a rep per CPU, created on the CPU's
 * first call), CO_SHARED is one rep for all, anything between is
 * clustered (CPUs cpu / n share a rep).
 */
#ifndef SV_KERNEL_CO_ROOT_H
#define SV_KERNEL_CO_ROOT_H

#include <kernel/cobj.h>
#include <kernel/co_transfer.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>

struct co_root_ops {
	/* Returns the rep `cpu` (the caller's CPU) is to call, which the miss
	 * path then installs; NULL when it cannot (no memory). */
	struct co_rep *(*handle_miss)(struct co_root *root, coid_t id, unsigned cpu);
	/* Frees the reps and the root (after quiescence). */
	void (*destroy)(struct co_root *root);
};

struct co_root {
	const struct co_root_ops *ops;
	uint64_t cpus_missed; /* bit per CPU whose miss installed a rep (atomic) */
	const struct co_transfer_ops *transfer; /* NULL: no state to hand over */
};

/* Hands the object to `to` (whose state the caller has set up) if `from`
 * is its root: each CPU's next call misses into `to`. Calls that already
 * loaded a rep of `from` finish on it; the caller decides how to wait for
 * them. Returns 0, or -1 when `from` is not the root. */
int co_swing_root(coid_t id, struct co_root *from, struct co_root *to);

#define CO_SHARED CPUS_MAX

struct co_multi_root;

/* What a multi-rep object type supplies. */
struct co_rep_type {
	/* A new rep for cluster `index` (the CPUs index*n .. index*n+n-1). */
	struct co_rep *(*create)(struct co_multi_root *root, unsigned index);
	void (*destroy)(struct co_rep *rep);
	const struct co_transfer_ops *transfer; /* the root's, or NULL */
};

struct co_multi_root {
	struct co_root base;
	const struct co_rep_type *type;
	unsigned cpus_per_rep;
	struct spinlock lock;          /* creating reps */
	struct co_rep *reps[CPUS_MAX]; /* by cluster index, created on demand */
};

/* A root for reps of `type`, `cpus_per_rep` CPUs to a rep (1 ..
 * CO_SHARED); its destroy frees every rep and itself. NULL when out of
 * memory. */
struct co_multi_root *co_multi_root_create(const struct co_rep_type *type,
					   unsigned cpus_per_rep);

/* For roots that extend co_multi_root (as their first member) with state
 * of their own: sets it up in the caller's storage, and the two root
 * methods such a root's own ops build on, the miss (a rep created on its
 * cluster's first call) and the reps' destruction (the root is left). */
void co_multi_root_init(struct co_multi_root *root, const struct co_rep_type *type,
			unsigned cpus_per_rep);
struct co_rep *co_multi_root_handle_miss(struct co_root *base, coid_t id, unsigned cpu);
void co_multi_root_destroy_reps(struct co_multi_root *root);

/* A new object whose root is a co_multi_root of `type`: its COID, or NULL
 * when out of memory or COIDs (nothing is left behind). */
coid_t co_multi_create(const struct co_rep_type *type, unsigned cpus_per_rep);

/* The rep of cluster `cluster`, created now if no CPU of it has called
 * yet (state transfer fills reps before any call); NULL when out of
 * memory. */
struct co_rep *co_multi_root_rep(struct co_multi_root *root, unsigned cluster);

/* For rep types: a zeroed rep of `size` bytes whose first word is `ops`
 * (NULL when out of memory), and the destroy that frees it. */
struct co_rep *co_rep_alloc(size_t size, const void *ops);
void co_rep_free(struct co_rep *rep);

/* Calls fn on every rep created so far (e.g. to sum a distributed
 * counter); reps are never removed while the object is in service. */
void co_multi_root_for_each(struct co_multi_root *root,
			    void (*fn)(struct co_rep *rep, void *arg), void *arg);

/* A root with one rep its owner built, handed to every CPU's miss without
 * allocating: for objects the allocator depends on (the page allocator
 * itself, whose miss must not call it again). Its destroy frees nothing;
 * the owner keeps both. */
struct co_fixed_root {
	struct co_root base;
	struct co_rep *rep;
};

void co_fixed_root_init(struct co_fixed_root *root, struct co_rep *rep,
			const struct co_transfer_ops *transfer);

#endif
