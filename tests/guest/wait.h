/* SPDX-License-Identifier: GPL-2.0-only */
/* Waiting in guest tests without busy-looping the test's CPU. */
#ifndef SV_TESTS_GUEST_WAIT_H
#define SV_TESTS_GUEST_WAIT_H

#include <stdbool.h>
#include <stdint.h>

/* Halts (so timer ticks run other threads) until *flag reaches `want` or
 * `ms` pass; returns whether it did. */
bool wait_for(volatile uint64_t *flag, uint64_t want, uint64_t ms);

#endif
