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

/* Transfer formats (kernel/co_transfer.h): both kinds speak TOTAL, the
 * count as one number; distributed ones also speak PER_CPU, each CPU's
 * count moved to the same CPU's rep, which wins between them. */
enum counter_format {
	COUNTER_FORMAT_TOTAL = 0,
	COUNTER_FORMAT_PER_CPU = 1,
};

struct co_root;

/* Roots for co_hot_swap (NULL when out of memory), and the total a
 * counter root holds, read from its reps directly (so tests can watch an
 * old root after a swap). */
struct co_root *counter_root_shared(void);
struct co_root *counter_root_distributed(void);
int64_t counter_root_total(struct co_root *root);

static inline void counter_add(coid_t id, int64_t n)
{
	CO_CALL(struct counter, id, add, n);
}

static inline int64_t counter_value(coid_t id)
{
	return CO_CALL(struct counter, id, value);
}

#endif
