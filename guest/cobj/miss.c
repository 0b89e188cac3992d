// SPDX-License-Identifier: GPL-2.0-only
/*
 * Miss handling: the default object's trampoline lands here with the
 * default rep it was called on, which is the second word of this CPU's LTT
 * entry, so the entry, the COID and the GTT entry all follow from it.
 */
#include <kernel/cobj.h>
#include <kernel/co_root.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>

#include "gtt.h"

struct co_rep *co_handle_miss(struct co_rep *default_self, unsigned method)
{
	struct co_ltt_entry *local = (struct co_ltt_entry *)((char *)default_self -
							      offsetof(struct co_ltt_entry, default_ops));
	coid_t id = ARCH_LTT_BASE + (local - arch_ltt_local());
	struct gtt_entry *g = gtt_entry_of(id);
	struct co_rep *rep = NULL;
	struct co_root *root;

	gtt_read_lock(g);
	/* Atomic: co_destroy puts a root back without the lock (when out of
	 * memory), and co_create publishes one without it. */
	root = __atomic_load_n(&g->root, __ATOMIC_ACQUIRE);
	if (root)
		rep = root->ops->handle_miss(root, id, cpu_id());
	if (rep) {
		co_install(id, rep);
		/* Which LTTs to reset when the root leaves the GTT entry. */
		__atomic_or_fetch(&root->cpus_missed, 1ull << cpu_id(), __ATOMIC_RELEASE);
	}
	gtt_read_unlock(g); /* after the install: a swing waits for it */
	if (!root)
		panic("cobj: call to method %u of %p, which is not in service", method,
		      (void *)id);
	if (!rep)
		panic("cobj: the root of %p found no rep for CPU %u (out of memory?)",
		      (void *)id, cpu_id());
	return rep;
}
