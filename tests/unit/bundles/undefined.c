// SPDX-License-Identifier: GPL-2.0-only
/* Calls a function the guest does not have: swap-build must refuse it. */
#include <sv/patch.h>

SV_PATCH("fix-undefined", 1, "unit-test bundle: an undefined symbol");

int no_such_guest_function(void);

static int undefined_check(char why[SV_PATCH_WHY_MAX])
{
	(void)why;
	return no_such_guest_function();
}
SV_PATCH_CHECK(missing, "missing", undefined_check);
