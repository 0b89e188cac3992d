/* SPDX-License-Identifier: GPL-2.0-only */
/* The patcher's refusals: one message, prefixed with the file it is about. */
#ifndef SV_PATCHER_FAIL_H
#define SV_PATCHER_FAIL_H

#include <stddef.h>

/* Writes "path: <fmt...>" into err; returns -1 for `return patcher_fail(...)`. */
int patcher_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
