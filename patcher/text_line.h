/* SPDX-License-Identifier: GPL-2.0-only */
/* A line of text built piece by piece in a fixed buffer, for plans. */
#ifndef SV_PATCHER_TEXT_LINE_H
#define SV_PATCHER_TEXT_LINE_H

#include <stdarg.h>
#include <stddef.h>

struct text_line {
	char *buf;
	size_t len, n;
};

/* Appends to l; once the buffer is full the rest is dropped (the buffer
 * stays NUL-terminated). */
void text_put(struct text_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_vput(struct text_line *l, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
