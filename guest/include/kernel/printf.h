/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_PRINTF_H
#define SV_KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Supports %d %i %u %x %X %p %s %c %%, the l, ll and z length modifiers,
 * a field width and the 0, - and # flags. Always NUL-terminates (size > 0);
 * returns the length the output would have had. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* To the console, one hypercall per call (lines from CPUs never mix). */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
