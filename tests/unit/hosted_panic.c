// SPDX-License-Identifier: GPL-2.0-only
#include "hosted_panic.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kernel/panic.h>

/* Set while a hosted_call_panics() call runs on this thread. */
static _Thread_local jmp_buf *panic_catch;
static _Thread_local char panic_msg[256];

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (panic_catch)
		longjmp(*panic_catch, 1);
	fprintf(stderr, "unexpected guest panic: %s\n", panic_msg);
	abort();
}

static int report(int panicked, char *msg, size_t len)
{
	panic_catch = NULL;
	if (len)
		snprintf(msg, len, "%s", panicked ? panic_msg : "");
	return panicked;
}

int hosted_call_panics(void (*fn)(void *arg), void *arg, char *msg, size_t len)
{
	jmp_buf jb;

	if (setjmp(jb))
		return report(1, msg, len);
	panic_catch = &jb;
	fn(arg);
	return report(0, msg, len);
}
