// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test kernel's built-in services for the binary-patching tests
 * (docs/binary-patching.md, "Test targets"), reached with SV_OP_CALL:
 *
 *   hold          payload "spin MS", "sleep MS" or "forever": the serving
 *                 thread calls hold_target, which spins or sleeps there
 *                 for MS milliseconds, or blocks there until hold-release;
 *                 value = what hold_target returned (1: the kernel's body)
 *   hold-release  wakes every "forever" holder; value = how many
 *   hold-count    value = threads inside the kernel's hold_target now
 *   hold-probe    value = hold_target(spin, 0 ms): which body new callers get
 *
 * Each request is served on a thread of its own (kernel/request_ring.h),
 * so holders stay inside hold_target while the queue serves the rest.
 */
#include <stdbool.h>

#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/service_registry.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/thread.h>

#include "hold_target.h"

#define HOLD_MS_MAX 600000 /* ten minutes: longer is a mistake */

/* A "forever" holder, on its own stack while it waits. */
struct holder {
	struct thread *thread;
	bool released;
	struct holder *next;
};

static struct spinlock holders_lock = SPINLOCK_INIT;
static struct holder *holders;
static uint64_t inside; /* threads in hold_target's body */

/* Blocks until hold-release. released is only read and written with the
 * lock held, and the release wakes us before it lets go of the lock: we
 * cannot see released (and end, freeing our thread) before the wake. */
static void hold_until_released(void)
{
	struct holder me = { .thread = thread_current() };
	uint64_t flags = spin_lock_irqsave(&holders_lock);

	me.next = holders;
	holders = &me;
	while (!me.released) {
		spin_unlock_irqrestore(&holders_lock, flags);
		thread_block();
		flags = spin_lock_irqsave(&holders_lock);
	}
	spin_unlock_irqrestore(&holders_lock, flags);
}

/* The function binary patches replace. noipa: every caller goes through
 * its entry (no inlining, clones or assumptions about its body), and
 * frame pointers give it a prologue longer than a 5-byte jmp. The spin
 * calls nothing, so a spinning holder's pc is in hold_target itself. */
__attribute__((noipa)) uint64_t hold_target(enum hold_mode mode, uint64_t ms)
{
	uint64_t deadline = rdtsc() + ms * tsc_khz();

	__atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
	switch (mode) {
	case HOLD_SPIN:
		while (rdtsc() < deadline)
			cpu_relax(); /* the timer preempts us */
		break;
	case HOLD_SLEEP:
		while (rdtsc() < deadline)
			thread_sleep_until(deadline);
		break;
	case HOLD_FOREVER:
		hold_until_released();
		break;
	}
	__atomic_sub_fetch(&inside, 1, __ATOMIC_RELAXED);
	return HOLD_TARGET_ORIGINAL;
}

/* "MODE" or "MODE MS" in data[0 .. len): false when malformed. */
static bool parse_hold(const uint8_t *data, uint64_t len, enum hold_mode *mode, uint64_t *ms)
{
	static const char *const names[] = { [HOLD_SPIN] = "spin", [HOLD_SLEEP] = "sleep",
					     [HOLD_FOREVER] = "forever" };
	const char *p = (const char *)data, *end = p + len;
	bool named = false;

	for (unsigned m = 0; m < sizeof(names) / sizeof(names[0]) && !named; m++) {
		size_t n = strlen(names[m]);

		if (len >= n && !memcmp(p, names[m], n) && (len == n || p[n] == ' ')) {
			*mode = (enum hold_mode)m;
			p += n;
			named = true;
		}
	}
	*ms = 0;
	if (!named || (p < end && ++p == end))
		return false; /* no mode, or a space and no number */
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		*ms = *ms * 10 + (uint64_t)(*p - '0');
		if (*ms > HOLD_MS_MAX)
			return false;
	}
	return true;
}

static int serve_hold(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	enum hold_mode mode;
	uint64_t ms;

	if (!parse_hold(data, req->len, &mode, &ms))
		return SV_EINVAL;
	resp->value = hold_target(mode, ms);
	return SV_OK;
}

static int serve_release(const struct sv_ring_req *req, uint8_t *data,
			 struct sv_ring_resp *resp)
{
	uint64_t flags = spin_lock_irqsave(&holders_lock);
	uint64_t n = 0;

	(void)req, (void)data;
	for (struct holder *h = holders, *next; h; h = next, n++) {
		next = h->next;
		h->released = true;
		thread_wake(h->thread);
	}
	holders = NULL;
	spin_unlock_irqrestore(&holders_lock, flags);
	resp->value = n;
	return SV_OK;
}

static int serve_count(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	resp->value = __atomic_load_n(&inside, __ATOMIC_RELAXED);
	return SV_OK;
}

static int serve_probe(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	resp->value = hold_target(HOLD_SPIN, 0);
	return SV_OK;
}

SV_BUILTIN_SERVICE(hold, "hold", serve_hold);
SV_BUILTIN_SERVICE(hold_release, "hold-release", serve_release);
SV_BUILTIN_SERVICE(hold_count, "hold-count", serve_count);
SV_BUILTIN_SERVICE(hold_probe, "hold-probe", serve_probe);
