// SPDX-License-Identifier: GPL-2.0-only
/* printk: one formatted message, one puts hypercall, so lines from several
 * CPUs never interleave mid-line. */
#include <sv/hypercall.h>

#include <kernel/printf.h>

#define PRINTK_MAX 512

int printk(const char *fmt, ...)
{
	char buf[PRINTK_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sv_puts(buf, n < PRINTK_MAX ? (size_t)n : PRINTK_MAX - 1);
	return n;
}
