// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test patch part: a health check the descriptor lock fix fails, built
 * together with descriptor_lock.c (after it, so the fix's own check runs
 * first and passes), so that the monitor has to roll back a change that
 * was applied. The check asks for a reserve of every descriptor carved in
 * advance, which version 1, growing page by page as version 0 does, never
 * has; its reason must reach the user.
 */
#include <kernel/descriptor_allocator.h>
#include <kernel/object_registry.h>
#include <kernel/printf.h>
#include <sv/patch.h>

static int reserve_is_carved(char why[SV_PATCH_WHY_MAX])
{
	struct descriptor_stats st;
	coid_t id;
	uint32_t version;

	if (object_registry_lookup(DESCRIPTOR_ALLOCATOR_NAME, &id, &version))
		return SV_ENOENT;
	descriptor_allocator_stats(id, &st);
	if (st.total == DESCRIPTORS_MAX)
		return 0;
	snprintf(why, SV_PATCH_WHY_MAX, "reserve not carved: %llu of %u descriptors",
		 (unsigned long long)st.total, DESCRIPTORS_MAX);
	return SV_ENOSPC;
}

SV_PATCH_CHECK(reserve, "descriptor-reserve", reserve_is_carved);
