/* SPDX-License-Identifier: GPL-2.0-only */
/* panic() for guest code compiled hosted: a test can run a call that is
 * expected to panic and get the message back; any other panic prints the
 * message and aborts the test program. */
#ifndef SV_TEST_HOSTED_PANIC_H
#define SV_TEST_HOSTED_PANIC_H

#include <stddef.h>

/* Runs fn(arg) on this thread; returns 1 if it panicked (message in msg,
 * which may be NULL when len is 0), else 0 with msg empty. */
int hosted_call_panics(void (*fn)(void *arg), void *arg, char *msg, size_t len);

#endif
