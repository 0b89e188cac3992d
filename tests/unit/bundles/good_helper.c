// SPDX-License-Identifier: GPL-2.0-only
/* The second source of the good bundle: a cross-object call, and .bss. */
#include "good_helper.h"

static int calls;

int good_helper_count(void)
{
	return ++calls;
}
