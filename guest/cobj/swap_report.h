/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a hot swap's mediator knows per CPU (cobj/hot_swap.c) and how a
 * swap that timed out is described from it (cobj/swap_report.c).
 */
#ifndef SV_COBJ_SWAP_REPORT_H
#define SV_COBJ_SWAP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

/* Threads a CPU can name as inside the object: enough to say who blocks
 * a swap, few enough that a CPU's counts and names share a cache line. */
#define SWAP_INSIDE_MAX 6

/* One CPU's share of the mediator, touched only by that CPU's calls on
 * the fast path (threads never migrate), read by the swapper. */
struct swap_cpu {
	int64_t in_flight; /* tracked calls begun on this CPU, not yet returned */
	/* The thread of each of up to SWAP_INSIDE_MAX of those calls (a
	 * thread inside twice holds two slots); NULL slots are free. */
	struct thread *inside[SWAP_INSIDE_MAX];
} __attribute__((aligned(64)));

struct generation_request;

/* Writes into out[cap] `what` timed out (the phase and what it waited
 * for) and, for each of the first `ncpus` CPUs with calls inside, how
 * many and whose; with `alive` (the forward phase's request), also the
 * threads on each CPU that it still waits for to end. */
void swap_describe_blockers(char *out, size_t cap, const char *what,
			    const struct swap_cpu *cpus, unsigned ncpus,
			    const struct generation_request *alive);

/* Writes into out[cap] which side of a state transfer in `format` failed
 * (`exported`: the export gave a state, so the import failed), and for
 * which CPU if not CO_TRANSFER_WHOLE. */
void swap_describe_transfer(char *out, size_t cap, bool exported, unsigned format,
			    unsigned cpu);

/* TSC cycles as nanoseconds (tsc_khz). */
uint64_t swap_cycles_to_ns(uint64_t cycles);

#endif
