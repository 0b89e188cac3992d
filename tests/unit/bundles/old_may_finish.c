// SPDX-License-Identifier: GPL-2.0-only
/* Lets an old thread finish the replaced body, with no mirror for it to
 * work on: swap-build must refuse it. */
#include <sv/patch.h>

SV_PATCH("fix-finish", 1, "unit-test bundle: OLD_MAY_FINISH without a mirror");

static int finish_thread_count(void)
{
	return 0;
}
SV_PATCH_FUNCTION(count, "thread_count", finish_thread_count, SV_PATCH_FN_OLD_MAY_FINISH);
