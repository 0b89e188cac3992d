// SPDX-License-Identifier: GPL-2.0-only
/* With twice_b.c, an image defining the local function `twice` twice:
 * a reference to it cannot be resolved. */
static int __attribute__((noinline)) twice(void)
{
	return 1;
}

int twice_a(void)
{
	return twice();
}
