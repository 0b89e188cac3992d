/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * K42 thread generations (seed 001 §4.2). Each CPU has two generations and
 * counts its live threads in each; new threads join the current one. A
 * generation swap makes the other generation current, and may happen only
 * when the other generation has no threads left. Two swaps on every CPU
 * after a request prove that every thread alive at the request has ended;
 * the request's callback then runs. Nothing busy-waits: swaps are tried
 * when a request arrives and whenever a thread exits.
 *
 * Callbacks run with interrupts disabled, on whichever CPU completed the
 * request (inside a thread's exit or the requester's call): keep them
 * short, e.g. mark a flag or wake a thread.
 */
#ifndef SV_KERNEL_GENERATION_H
#define SV_KERNEL_GENERATION_H

#include <stdint.h>

#include <kernel/percpu.h>

struct thread;

/* A pending request; callers that must not fail embed one. */
struct generation_request {
	struct generation_request *next;
	void (*callback)(void *arg);
	void *arg;
	int heap_owned;            /* generation_request() allocated it */
	uint64_t target[CPUS_MAX]; /* swaps each CPU must reach */
};

/* Asks for a callback once every thread now alive has ended. Returns 0,
 * or -1 when out of memory. */
int generation_request(void (*callback)(void *arg), void *arg);

/* The same in storage of the caller's, so it cannot fail: `r` must stay
 * untouched until the callback runs (which may free it). */
void generation_request_into(struct generation_request *r, void (*callback)(void *arg),
			     void *arg);

/* The threads on `cpu` that request `r` still waits for to end (those of
 * the generation that must empty next, when the CPU still owes r a
 * swap): how many there are, with up to `max` of them in `out`. A
 * snapshot for reports: they may end as soon as it is taken. */
unsigned generation_waiting_for(const struct generation_request *r, unsigned cpu,
				struct thread **out, unsigned max);

/* Thread accounting, called by the scheduler. */
void generation_thread_start(struct thread *t);
void generation_thread_exit(struct thread *t);

/* Swaps done so far on a CPU (for tests and benchmarks). */
uint64_t generation_swaps(unsigned cpu);

#endif
