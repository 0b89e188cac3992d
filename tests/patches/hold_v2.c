// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch, built against the test kernel: hold_target (tests/guest/
 * hold_target.c), a plain function the test kernel's hold services keep
 * threads inside of, replaced by a jump to a version that holds nobody
 * and answers 2, so the host sees which body a new caller gets. The
 * binary-patching tests apply it while threads spin, sleep or block in
 * the kernel's body.
 */
#include <stdint.h>

#include <sv/patch.h>

#include "../guest/hold_target.h"

SV_PATCH("hold-v2", 1, "hold_target holds nobody and answers 2");

#define HOLD_TARGET_V2 2

static uint64_t hold_target_v2(enum hold_mode mode, uint64_t ms)
{
	(void)mode, (void)ms;
	return HOLD_TARGET_V2;
}

SV_PATCH_FUNCTION(hold, "hold_target", hold_target_v2, 0);
