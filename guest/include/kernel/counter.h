/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counters, the first clustered objects (seed 000's example): the same
 * interface over a shared rep (one atomic count) or distributed reps (a
 * count per CPU, summed on read), so one can be swapped for the other.
 */
#ifndef SV_KERNEL_COUNTER_H
#define SV_KERNEL_COUNTER_H

#include <kernel/cobj.h>

struct counter;

struct counter_ops {
	void (*add)(struct counter *self, int64_t n);
	int64_t (*value)(struct counter *self);
};

struct counter {
	const struct counter_ops *ops;
};

/* NULL when out of memory or COIDs. */
coid_t counter_create_shared(void);
coid_t counter_create_distributed(void);

static inline void counter_add(coid_t id, int64_t n)
{
	CO_CALL(struct counter, id, add, n);
}

static inline int64_t counter_value(coid_t id)
{
	return CO_CALL(struct counter, id, value);
}

#endif
