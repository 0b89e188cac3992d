/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test kernel's target for mirrored globals (tally_target.c): a global
 * whose layout a patch changes (tests/patches/tally_v2.c adds a field), so
 * the monitor mirrors it into the bundle's new copy while writers on every
 * vCPU keep updating it through the kernel's functions or the patch's.
 *
 * The struct fills its page (aligned(4096) rounds its size up), so nothing
 * else shares a mirrored page. It is only written with plain stores under
 * tally_lock, which lives on another page: KVM emulates a lock-prefixed
 * read-modify-write on a write-protected page as a read and a separate
 * write, which would make the lock itself non-atomic (vmm/mirror.c).
 */
#ifndef SV_TESTS_GUEST_TALLY_TARGET_H
#define SV_TESTS_GUEST_TALLY_TARGET_H

#include <stdint.h>

#include <kernel/spinlock.h>

#define TALLY_SLOTS 8

/* Invariant: the counts sum to total. */
struct tally {
	uint64_t count[TALLY_SLOTS];
	uint64_t total;
} __attribute__((aligned(4096)));

extern struct tally tally_state;
extern struct spinlock tally_lock;

/* count[slot % TALLY_SLOTS]++ and total++ under the lock; the new total. */
uint64_t tally_add(unsigned slot);
/* The kernel's body answers TALLY_KERNEL_BODY when the invariant holds
 * (read under the lock), 0 when it does not; a patch's body answers a
 * value of its own when its invariants hold, so a caller sees which body
 * it got. */
#define TALLY_KERNEL_BODY 1
uint64_t tally_check(void);
uint64_t tally_total(void);

#endif
