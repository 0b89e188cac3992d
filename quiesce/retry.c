// SPDX-License-Identifier: GPL-2.0-only
/* The retry schedule of the consistency check (retry.h). */
#include "retry.h"

uint64_t qs_retry_backoff(const struct qs_retry_policy *p, unsigned attempts)
{
	uint64_t wait = p->first_wait_ns < p->max_wait_ns ? p->first_wait_ns : p->max_wait_ns;

	/* Stops at the cap, so it neither overflows nor loops for long. */
	for (unsigned i = 1; i < attempts && wait && wait < p->max_wait_ns; i++)
		wait = wait > p->max_wait_ns / 2 ? p->max_wait_ns : 2 * wait;
	return wait;
}

struct qs_retry_step qs_retry_next(const struct qs_retry_policy *p, unsigned attempts,
				   uint64_t elapsed_ns)
{
	uint64_t wait, left;

	if (attempts >= p->max_attempts)
		return (struct qs_retry_step){ QS_RETRY_GIVE_UP_ATTEMPTS, 0 };
	if (elapsed_ns >= p->max_total_ns)
		return (struct qs_retry_step){ QS_RETRY_GIVE_UP_TIME, 0 };
	wait = qs_retry_backoff(p, attempts);
	left = p->max_total_ns - elapsed_ns;
	return (struct qs_retry_step){ QS_RETRY_WAIT, wait < left ? wait : left };
}
