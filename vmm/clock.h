/* SPDX-License-Identifier: GPL-2.0-only */
/* The host's monotonic clock, the one every VMM timing and deadline uses. */
#ifndef SV_VMM_CLOCK_H
#define SV_VMM_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t monotonic_ms(void)
{
	return monotonic_ns() / 1000000;
}

#endif
