/* SPDX-License-Identifier: GPL-2.0-only */
/* The global translation table, inside guest/cobj/. */
#ifndef SV_COBJ_GTT_H
#define SV_COBJ_GTT_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/cpu.h>
#include <kernel/cobj.h>

/* Same size as an LTT entry, so the tables index alike (seed 000 §2). */
struct gtt_entry {
	struct co_root *root;
	int32_t lock;       /* readers (misses) > 0, writer -1 */
	uint32_t next_free; /* free-list link while not allocated */
};

_Static_assert(sizeof(struct gtt_entry) == sizeof(struct co_ltt_entry),
	       "GTT and LTT entries must be the same size");

struct gtt_entry *gtt_entry_of(coid_t id);

/* Misses hold the entry's lock for read; swinging the root takes it for
 * write, so no miss installs a rep of a root being replaced. */
static inline void gtt_read_lock(struct gtt_entry *g)
{
	for (;;) {
		int32_t v = __atomic_load_n(&g->lock, __ATOMIC_RELAXED);
		if (v >= 0 && __atomic_compare_exchange_n(&g->lock, &v, v + 1, true,
							  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
}

static inline void gtt_read_unlock(struct gtt_entry *g)
{
	__atomic_sub_fetch(&g->lock, 1, __ATOMIC_RELEASE);
}

static inline void gtt_write_lock(struct gtt_entry *g)
{
	int32_t idle = 0;

	while (!__atomic_compare_exchange_n(&g->lock, &idle, -1, true, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		idle = 0;
		cpu_relax();
	}
}

static inline void gtt_write_unlock(struct gtt_entry *g)
{
	__atomic_store_n(&g->lock, 0, __ATOMIC_RELEASE);
}

#endif
