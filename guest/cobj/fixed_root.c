// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/co_root.h>

static struct co_rep *fixed_handle_miss(struct co_root *base, coid_t id, unsigned cpu)
{
	(void)id, (void)cpu;
	return ((struct co_fixed_root *)base)->rep;
}

static void fixed_destroy(struct co_root *base)
{
	(void)base; /* the owner's storage */
}

static const struct co_root_ops fixed_root_ops = {
	.handle_miss = fixed_handle_miss,
	.destroy = fixed_destroy,
};

void co_fixed_root_init(struct co_fixed_root *root, struct co_rep *rep,
			const struct co_transfer_ops *transfer)
{
	*root = (struct co_fixed_root){
		.base = { .ops = &fixed_root_ops, .transfer = transfer },
		.rep = rep,
	};
}
