/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test kernel's target for binary patches (hold_target.c): a plain C
 * function the ring's built-in services call and keep threads inside of,
 * so a patch that replaces it must wait for them. A patch's replacement
 * (tests/patches) has the same signature and returns a value of its own.
 */
#ifndef SV_TESTS_GUEST_HOLD_TARGET_H
#define SV_TESTS_GUEST_HOLD_TARGET_H

#include <stdint.h>

enum hold_mode {
	HOLD_SPIN = 0,    /* spins, preemptible, for ms milliseconds */
	HOLD_SLEEP = 1,   /* sleeps for ms milliseconds */
	HOLD_FOREVER = 2, /* blocks until the hold-release service */
};

/* The kernel's body answers HOLD_TARGET_ORIGINAL. */
#define HOLD_TARGET_ORIGINAL 1

uint64_t hold_target(enum hold_mode mode, uint64_t ms);

#endif
