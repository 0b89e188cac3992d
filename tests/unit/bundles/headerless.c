// SPDX-License-Identifier: GPL-2.0-only
/* A patch source without SV_PATCH: no bundle can be made of it. */
#include <sv/patch.h>

static int headerless_check(char why[SV_PATCH_WHY_MAX])
{
	(void)why;
	return 0;
}
SV_PATCH_CHECK(ok, "ok", headerless_check);
