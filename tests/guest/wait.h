/* SPDX-License-Identifier: GPL-2.0-only */
/* Waiting in guest tests without busy-looping the test's CPU. */
#ifndef SV_TESTS_GUEST_WAIT_H
#define SV_TESTS_GUEST_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/* Sleeps in quarter-millisecond steps (the CPU runs its other threads,
 * or idles) until *flag reaches `want` or `ms` pass; returns whether it
 * did. A thread's wait, never the idle context's. */
bool wait_for(volatile uint64_t *flag, uint64_t want, uint64_t ms);

#endif
