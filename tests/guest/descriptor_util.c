// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/descriptor_allocator.h>
#include <kernel/request_ring.h>

#include "descriptor_util.h"

uint64_t descriptor_load_errors;

/* The one change of the fix: the pop (and the growth it may need) under
 * the lock that giving back takes. */
static struct descriptor *take_locked(struct descriptor_allocator *a)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);
	struct descriptor *d = descriptor_v0_pop(a);

	if (!d && descriptor_v0_grow_locked(a) == 0)
		d = descriptor_v0_pop(a);
	spin_unlock_irqrestore(&a->lock, flags);
	return d;
}

static const struct descriptor_allocator_ops fixed_ops = {
	.take = take_locked,
	.give = descriptor_v0_give,
	.hold = descriptor_v0_hold,
	.stats = descriptor_v0_stats,
};

struct co_root *descriptor_fix_root(void)
{
	return descriptor_root_create(&fixed_ops);
}

int descriptor_request(uint64_t n, uint64_t hold_ms, uint64_t *collisions)
{
	struct sv_ring_req req = { .op = SV_OP_DESCRIPTORS, .arg = n, .offset = hold_ms };
	struct sv_ring_resp resp = { 0 };
	int status = file_service.ops[SV_OP_DESCRIPTORS].serve(&req, NULL, &resp);

	*collisions = resp.value;
	return status;
}

int64_t descriptor_load_call(struct load *l, unsigned cpu, uint64_t i)
{
	uint64_t collisions = 0;

	(void)cpu, (void)i;
	if (descriptor_request((uintptr_t)l->arg, 0, &collisions) != SV_OK)
		__atomic_add_fetch(&descriptor_load_errors, 1, __ATOMIC_RELAXED);
	return (int64_t)collisions;
}
