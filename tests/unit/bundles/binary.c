// SPDX-License-Identifier: GPL-2.0-only
/* A binary patch: two guest functions replaced by the bundle's own, one
 * of which an old thread may finish, and a guest global given a copy with
 * a new layout. The tests read the records, and where the link puts the
 * replacements (code) and the copy (data). */
#include <stdint.h>

#include <kernel/printf.h>
#include <sv/patch.h>

SV_PATCH("fix-binary", 1, "unit-test bundle: functions and mirrors");

/* The global's new layout: a counter added at the end. */
struct binary_gens_v2 {
	uint64_t generation[8];
	uint64_t retired;
};
struct binary_gens_v2 binary_gens_v2 = { .retired = 1 };

static int binary_thread_count(void)
{
	return (int)binary_gens_v2.retired;
}

void binary_printk_banner(void)
{
	printk("fix-binary: replaced\n");
}

SV_PATCH_FUNCTION(count, "thread_count", binary_thread_count, SV_PATCH_FN_OLD_MAY_FINISH);
SV_PATCH_FUNCTION(banner, "printk_banner", binary_printk_banner, 0);
SV_PATCH_MIRROR(gens, "gens", binary_gens_v2);
SV_PATCH_CALLER(banner_caller, "kernel_main");
