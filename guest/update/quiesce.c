// SPDX-License-Identifier: GPL-2.0-only
/*
 * Waiting for generation quiescence on a daemon thread (module_impl.h).
 * The request stays in the generation mechanism's list until its
 * callback runs, possibly after a wait that timed out and a thread that
 * has ended: so it is static, and the callback only clears a flag the
 * waiter polls (a wake could reach a thread that is gone).
 */
#include <arch/cpu.h>
#include <kernel/generation.h>
#include <kernel/kernel.h>
#include <kernel/thread.h>

#include "module_impl.h"

#define QUIESCE_POLL_US 250

static struct generation_request request;
static int pending; /* request is queued */

static void quiesced(void *unused)
{
	(void)unused;
	__atomic_store_n(&pending, 0, __ATOMIC_RELEASE);
}

static bool wait_pending(uint64_t deadline)
{
	while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE)) {
		if (rdtsc() >= deadline)
			return false;
		thread_sleep_until(rdtsc() + QUIESCE_POLL_US * tsc_khz() / 1000);
	}
	return true;
}

/* A request an earlier, timed-out wait left is waited out first. */
static bool quiesce_once(uint64_t deadline)
{
	if (!wait_pending(deadline))
		return false;
	__atomic_store_n(&pending, 1, __ATOMIC_RELAXED);
	generation_request_into(&request, quiesced, NULL);
	return wait_pending(deadline);
}

bool update_quiesce(uint64_t timeout_us)
{
	uint64_t deadline = rdtsc() + timeout_us * tsc_khz() / 1000;

	return quiesce_once(deadline) && quiesce_once(deadline);
}

int step_quiesce(const struct sv_patch_step_req *req, struct swap_result *out)
{
	if (update_quiesce(req->timeout_us))
		return SV_OK;
	return update_fail(out, SV_ETIMEDOUT,
			   "threads alive at QUIESCE had not all ended after %llu us (waiting on "
			   "CPU %u)", (unsigned long long)req->timeout_us, cpu_id());
}
