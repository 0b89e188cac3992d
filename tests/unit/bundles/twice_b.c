// SPDX-License-Identifier: GPL-2.0-only
/* The other local `twice` (see twice_a.c). */
static int __attribute__((noinline)) twice(void)
{
	return 2;
}

int twice_b(void)
{
	return twice();
}
