// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/descriptor_allocator.h>
#include <kernel/request_ring.h>

#include "descriptor_util.h"

uint64_t descriptor_load_errors;

struct co_root *descriptor_lock_make_root(struct co_root *old); /* the patch's */

struct co_root *descriptor_fix_root(void)
{
	return descriptor_lock_make_root(NULL);
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
