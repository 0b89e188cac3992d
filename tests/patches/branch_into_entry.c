// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch the monitor must refuse, built against the test kernel:
 * branch_target (tests/guest/branch_target.S) loops back to offset 2,
 * inside the 5 bytes the jump at its entry would overwrite.
 */
#include <sv/patch.h>

SV_PATCH("branch-into-entry", 1, "branch_target replaced: refused, its loop enters the jump");

static int branch_target_replaced(int steps)
{
	return steps > 0 ? steps : 0;
}

SV_PATCH_FUNCTION(branchy, "branch_target", branch_target_replaced, 0);
