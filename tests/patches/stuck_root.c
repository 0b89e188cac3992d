// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch (a test's, never a fix): an object change whose new root never
 * comes, because making it spins forever, so the OBJECT step never
 * answers. The monitor must say where the guest is stuck (this patch's
 * code) instead of only timing out, and leave the patch rolling back.
 */
#include <arch/cpu.h>
#include <kernel/descriptor_allocator.h>
#include <sv/patch.h>

SV_PATCH("stuck-root", 1, "test: making the new root never returns");

static volatile int forever = 1;

static struct co_root *make_root_never(struct co_root *old)
{
	(void)old;
	while (forever)
		cpu_relax();
	return NULL;
}

SV_PATCH_OBJECT(allocator, DESCRIPTOR_ALLOCATOR_NAME, 0, 1, make_root_never);
