/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When to try the consistency check again, and when to give up: a pure
 * function of the attempts made and the time since the first, so the
 * monitor's loop (stop the world, check, resume, wait) holds no policy
 * and the schedule is tested without a clock. Each wait doubles, up to a
 * cap; the monitor gives up after a number of attempts or once the time
 * is spent, whichever comes first.
 */
#ifndef SV_QUIESCE_RETRY_H
#define SV_QUIESCE_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct qs_retry_policy {
	uint64_t first_wait_ns;  /* after the first blocked attempt */
	uint64_t max_wait_ns;    /* no wait is longer */
	unsigned max_attempts;   /* attempts in all, the first included */
	uint64_t max_total_ns;   /* from the first attempt's start */
};

/* 1 ms doubling to 256 ms, 20 attempts, 5 s: a thread that leaves soon is
 * caught within milliseconds, and one that never leaves fails the patch
 * after 20 pauses of the guest and 3.1 s of waits; the 5 s limit binds
 * when the attempts themselves are slow (many threads to walk). */
#define QS_RETRY_DEFAULT \
	((struct qs_retry_policy){ 1000000ull, 256000000ull, 20, 5000000000ull })

enum qs_retry_verdict {
	QS_RETRY_WAIT,           /* wait wait_ns, then attempt again */
	QS_RETRY_GIVE_UP_ATTEMPTS,
	QS_RETRY_GIVE_UP_TIME,
};

struct qs_retry_step {
	enum qs_retry_verdict verdict;
	uint64_t wait_ns;
};

/* After `attempts` blocked attempts (1 or more), elapsed_ns after the
 * first began. The last wait is cut short at the time limit, so the final
 * attempt comes at the deadline instead of a full wait past it. */
struct qs_retry_step qs_retry_next(const struct qs_retry_policy *p, unsigned attempts,
				   uint64_t elapsed_ns);

/* The uncut wait after `attempts` blocked attempts: first_wait_ns doubled
 * attempts - 1 times, capped at max_wait_ns. */
uint64_t qs_retry_backoff(const struct qs_retry_policy *p, unsigned attempts);

#ifdef __cplusplus
}
#endif

#endif
