// SPDX-License-Identifier: GPL-2.0-only
#include "text_line.h"

#include <stdarg.h>
#include <stdio.h>

void text_vput(struct text_line *l, const char *fmt, va_list ap)
{
	int n;

	if (l->n >= l->len)
		return;
	n = vsnprintf(l->buf + l->n, l->len - l->n, fmt, ap);
	l->n += n > 0 ? (size_t)n : 0;
}

void text_put(struct text_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vput(l, fmt, ap);
	va_end(ap);
}
