// SPDX-License-Identifier: GPL-2.0-only
/* A bundle with one record of every kind, calling into the guest
 * (printk) and into its other source (good_helper.c). */
#include <kernel/printf.h>
#include <sv/patch.h>

#include "good_helper.h"

SV_PATCH("fix-good", 2, "unit-test bundle: one record of every kind");
SV_PATCH_DEPENDS(base, "fix-base", 1);

/* Stands in for a class implementation: the tests only read the name the
 * record's pointer relocates to. */
static const char fcm_v1_class[8] = "fcm-v1";
SV_PATCH_CLASS(fcm, "fcm", 0, 1, SV_PATCH_EAGER, (const struct sv_class_impl *)fcm_v1_class);

static struct co_root *good_make_root(struct co_root *old)
{
	return old;
}
SV_PATCH_OBJECT(root, "page-allocator", 1, 2, good_make_root);

static int good_serve(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req;
	(void)data;
	(void)resp;
	return good_helper_count();
}
SV_PATCH_SERVICE(echo, "echo", good_serve);

static int good_check(char why[SV_PATCH_WHY_MAX])
{
	(void)why;
	printk("fix-good: healthy\n");
	return 0;
}
SV_PATCH_CHECK(healthy, "healthy", good_check);
