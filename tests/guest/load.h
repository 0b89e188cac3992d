/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Load for guest tests and benchmarks, K42-style: short-lived threads on
 * every CPU, each making LOAD_CALLS_PER_THREAD calls and then handing over
 * to a successor on its CPU, so that generations keep moving (a hot swap's
 * forward phase waits for every thread alive at its start to end).
 */
#ifndef SV_TESTS_GUEST_LOAD_H
#define SV_TESTS_GUEST_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#define LOAD_CALLS_PER_THREAD 64

struct load {
	/* Call i on `cpu`; returns what it added to the object. */
	int64_t (*call)(struct load *l, unsigned cpu, uint64_t i);
	void *arg;
	int stop;
	uint64_t started, finished; /* threads */
	int64_t added;              /* sum of the calls' answers */
	uint64_t calls;
};

/* Starts `per_cpu` chains of threads on every CPU; false when out of
 * memory (the chains started are stopped again). */
bool load_start(struct load *l, unsigned per_cpu);

/* A chain making no call for this long has stalled. */
#define LOAD_STALL_MS 30000

/* Waits (sleeping) until `calls` more calls have been made; false, and the
 * running test failed with the load's counts, if they stalled. */
bool load_progress(struct load *l, uint64_t calls);

/* Stops every chain and waits for its last thread; false if they did not
 * end within 30 s. */
bool load_stop(struct load *l);

#endif
