// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page allocator as a clustered object (the K42 thesis swaps it to fix
 * a race and to change its interface). pages_alloc() and friends keep the
 * dispatch they had from boot, through page_allocator_current(); publishing
 * puts a forwarder there whose every call goes through the COID. The
 * allocator's interface struct already starts with its ops pointer, so the
 * allocator itself is the rep.
 */
#include <kernel/co_root.h>
#include <kernel/page_alloc.h>

static struct co_fixed_root root;
static coid_t allocator_id;

static void *forward_alloc(struct page_allocator *self, unsigned order)
{
	(void)self;
	return CO_CALL(struct page_allocator, allocator_id, alloc, order);
}

static void forward_free(struct page_allocator *self, void *p, unsigned order)
{
	(void)self;
	CO_CALL(struct page_allocator, allocator_id, free, p, order);
}

static uint64_t forward_free_count(struct page_allocator *self)
{
	(void)self;
	return CO_CALL(struct page_allocator, allocator_id, free_count);
}

static const struct page_allocator_ops forward_ops = {
	.alloc = forward_alloc,
	.free = forward_free,
	.free_count = forward_free_count,
};

static struct page_allocator forwarder = { &forward_ops };

int page_allocator_publish(void)
{
	struct page_allocator *impl = page_allocator_current();

	if (allocator_id)
		return 0;
	co_fixed_root_init(&root, (struct co_rep *)impl, NULL);
	allocator_id = co_create(&root.base);
	if (!allocator_id)
		return -1;
	page_allocator_install(&forwarder);
	return 0;
}

coid_t page_allocator_id(void)
{
	return allocator_id;
}
