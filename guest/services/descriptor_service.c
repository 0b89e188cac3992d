// SPDX-License-Identifier: GPL-2.0-only
/* SV_OP_DESCRIPTORS' work (kernel/descriptor_allocator.h): a client of the
 * descriptor allocator that notices when it is handed what someone else
 * holds. Each descriptor is stamped with the taking thread, so a second
 * holder's stamp shows through; both holders give it back, and the
 * allocator answers the later one that it was free already. A collision
 * is counted, never followed: the descriptors stay valid memory. */
#include <stdbool.h>

#include <arch/cpu.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/thread.h>
#include <sv/abi.h>

/* How long a stamp must survive: of the order of the take's own window,
 * so a colliding taker on another CPU has time to stamp over it. */
#define STAMP_WAIT_PAUSES 512

static unsigned take_all(coid_t id, struct descriptor **held, uint64_t n, uint64_t stamp)
{
	unsigned got = 0;

	while (got < n && (held[got] = descriptor_take(id)) != NULL)
		held[got++]->owner = stamp;
	return got;
}

/* Descriptors among held[0 .. got) stamped by another, or held twice here. */
static uint64_t count_foreign(struct descriptor **held, unsigned got, uint64_t stamp)
{
	uint64_t collisions = 0;

	for (unsigned i = 0; i < got; i++) {
		bool twice = false;

		for (unsigned j = 0; j < i; j++)
			twice |= held[j] == held[i];
		collisions += twice || __atomic_load_n(&held[i]->owner, __ATOMIC_RELAXED) != stamp;
	}
	return collisions;
}

static uint64_t give_all(coid_t id, struct descriptor **held, unsigned got)
{
	uint64_t collisions = 0;

	for (unsigned i = 0; i < got; i++)
		collisions += descriptor_give(id, held[i]) != DESCRIPTOR_GIVEN;
	return collisions;
}

int descriptor_exercise(uint64_t n, uint64_t hold_ms, uint64_t *collisions)
{
	struct descriptor *held[DESCRIPTOR_EXERCISE_MAX];
	uint64_t stamp = (uint64_t)(uintptr_t)thread_current();
	coid_t id = descriptor_allocator_start();
	unsigned got;

	if (n > DESCRIPTOR_EXERCISE_MAX || hold_ms > DESCRIPTOR_HOLD_MAX_MS)
		return SV_EINVAL;
	if (!id)
		return SV_ENOMEM;
	if (hold_ms)
		descriptor_hold(id, hold_ms);
	got = take_all(id, held, n, stamp);
	for (unsigned i = 0; i < STAMP_WAIT_PAUSES; i++)
		cpu_relax();
	*collisions = count_foreign(held, got, stamp);
	*collisions += give_all(id, held, got);
	return got == n ? SV_OK : SV_ENOMEM;
}
