// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch, built against the test kernel: tally_state (tests/guest/
 * tally_target.c) gains a field, so it is mirrored into this bundle's
 * tally_state_v2 (the field map from DWARF: count as it was, total moved
 * past the new field, new_adds zero) while writers on every vCPU go on
 * updating it; tally_add, tally_check and tally_total are replaced by
 * versions working on the new copy. Writers may be inside the old bodies
 * when the jumps go in: they finish them on the old copy, whose writes
 * the mirror brings over, so the patch does not wait for them
 * (SV_PATCH_FN_OLD_MAY_FINISH). The lock stays the kernel's.
 */
#include <stdint.h>

#include <kernel/spinlock.h>
#include <sv/patch.h>

#include "../guest/tally_target.h"

SV_PATCH("tally-v2", 1, "tally_state gains new_adds, mirrored while writers run");

#define TALLY_V2_BODY 2

/* The new layout: a field added before total, which moves. Invariants:
 * the counts sum to total, and new_adds (the adds this patch's body made)
 * never exceeds it. */
struct tally_v2 {
	uint64_t count[TALLY_SLOTS];
	uint64_t new_adds;
	uint64_t total;
} __attribute__((aligned(4096)));

struct tally_v2 tally_state_v2;

static uint64_t tally_add_v2(unsigned slot)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t total;

	tally_state_v2.count[slot % TALLY_SLOTS]++;
	tally_state_v2.new_adds++;
	total = ++tally_state_v2.total;
	spin_unlock_irqrestore(&tally_lock, flags);
	return total;
}

static uint64_t tally_check_v2(void)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t sum = 0;
	int ok;

	for (unsigned i = 0; i < TALLY_SLOTS; i++)
		sum += tally_state_v2.count[i];
	ok = sum == tally_state_v2.total && tally_state_v2.new_adds <= tally_state_v2.total;
	spin_unlock_irqrestore(&tally_lock, flags);
	return ok ? TALLY_V2_BODY : 0;
}

static uint64_t tally_total_v2(void)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t total = tally_state_v2.total;

	spin_unlock_irqrestore(&tally_lock, flags);
	return total;
}

SV_PATCH_MIRROR(state, "tally_state", tally_state_v2);
SV_PATCH_FUNCTION(add, "tally_add", tally_add_v2, SV_PATCH_FN_OLD_MAY_FINISH);
SV_PATCH_FUNCTION(check, "tally_check", tally_check_v2, SV_PATCH_FN_OLD_MAY_FINISH);
SV_PATCH_FUNCTION(total, "tally_total", tally_total_v2, SV_PATCH_FN_OLD_MAY_FINISH);
