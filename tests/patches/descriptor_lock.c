// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch: the memory-allocator race fix of seed 004 §4.3.2. Version 0 of
 * the descriptor allocator (K42's PageAllocatorKernPinned) pops its free
 * stack without the lock, so two CPUs can be handed the same descriptor.
 * Version 1 is version 0 with the pop under the lock giving back already
 * takes; a single object, so no factory: one hot swap with the whole
 * state transferred.
 */
#include <kernel/descriptor_allocator.h>
#include <kernel/object_registry.h>
#include <kernel/printf.h>
#include <sv/patch.h>

SV_PATCH("descriptor-lock", 1, "descriptor allocator: take under the lock (seed 004 4.3.2)");

static struct descriptor *take_locked(struct descriptor_allocator *a)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);
	struct descriptor *d = descriptor_v0_pop(a);

	if (!d && descriptor_v0_grow_locked(a) == 0)
		d = descriptor_v0_pop(a);
	spin_unlock_irqrestore(&a->lock, flags);
	return d;
}

static const struct descriptor_allocator_ops locked_ops = {
	.take = take_locked,
	.give = descriptor_v0_give,
	.hold = descriptor_v0_hold,
	.stats = descriptor_v0_stats,
};

/* Global, so that the guest self-tests, which build this file into the
 * test kernel, swap in the very same fix. */
struct co_root *descriptor_lock_make_root(struct co_root *old);

struct co_root *descriptor_lock_make_root(struct co_root *old)
{
	(void)old;
	return descriptor_root_create(&locked_ops);
}

SV_PATCH_OBJECT(allocator, DESCRIPTOR_ALLOCATOR_NAME, 0, 1, descriptor_lock_make_root);

/* After the swap every descriptor is either free or in use, never both:
 * what the transfer rebuilt from the in-use bytes. */
static int stack_is_consistent(char why[SV_PATCH_WHY_MAX])
{
	struct descriptor_stats st;
	coid_t id;
	uint32_t version;

	if (object_registry_lookup(DESCRIPTOR_ALLOCATOR_NAME, &id, &version) || version != 1) {
		snprintf(why, SV_PATCH_WHY_MAX, "descriptor_allocator is not at version 1");
		return SV_ESTALE;
	}
	CO_CALL(struct descriptor_allocator, id, stats, &st);
	if (st.stacked + st.in_use > st.total) {
		snprintf(why, SV_PATCH_WHY_MAX, "%llu stacked + %llu in use > %llu descriptors",
			 (unsigned long long)st.stacked, (unsigned long long)st.in_use,
			 (unsigned long long)st.total);
		return SV_EPROTO;
	}
	return 0;
}

SV_PATCH_CHECK(consistent, "descriptor-stack-consistent", stack_is_consistent);
