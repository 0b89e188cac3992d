/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consistency check of a binary patch (Ksplice's and kpatch's): with
 * the world stopped, no thread may be inside a function being replaced,
 * nor have one on its stack to return into. Each thread comes with its
 * stack walk (stack_walk.h); a walk that is not reliable proves nothing,
 * so its thread blocks the patch as well. The report names every blocker;
 * report_line.c and report_json.c render it.
 */
#ifndef SV_QUIESCE_CONSISTENCY_H
#define SV_QUIESCE_CONSISTENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack_walk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A function being replaced: its code is [start, end). */
struct qs_function {
	const char *name;
	uint64_t start, end;
	/* Only a daemon thread in it blocks: an old body that ordinary threads
	 * may finish on a mirrored copy (the mirror lasts until every such
	 * thread has ended), but that a daemon, which generation quiescence
	 * does not wait for, could run on past the mirror's end. */
	bool daemons_only;
};

struct qs_thread {
	uint64_t id;      /* the guest's name for it: its struct thread's address */
	unsigned cpu;     /* the vCPU it runs on, or is bound to */
	bool running;     /* on that vCPU now (walked from its registers), else switched out */
	bool daemon;      /* long-lived, outside the guest's generation counts */
	const struct qs_walk *walk;
};

/* One thread keeping one function from being replaced, or one thread
 * whose stack could not be walked (fn NULL). */
struct qs_blocker {
	uint64_t thread;
	unsigned cpu;
	bool running;
	const struct qs_function *fn;  /* points into the functions checked */
	unsigned depth;                /* fn: its innermost frame (0: the thread is in it);
					* else the frames walked before the walk failed */
	struct qs_frame frame;         /* fn: that frame */
	struct qs_walk_problem problem; /* no fn: why the walk failed */
};

struct qs_report {
	struct qs_blocker *blockers;
	size_t n, cap;
	size_t threads;  /* threads checked */
};

/* Checks every thread against every function. A thread with a function on
 * its stack blocks once per function, at the innermost frame; a thread
 * whose walk failed blocks once more for that, after the functions found
 * before the failure. Fills *report, to be freed with qs_report_free.
 * Returns 0, or -1 (and an empty report) when out of memory. */
int qs_check(const struct qs_function *fns, size_t nfns, const struct qs_thread *threads,
	     size_t nthreads, struct qs_report *report);

static inline bool qs_report_clean(const struct qs_report *r)
{
	return r->n == 0;
}

void qs_report_free(struct qs_report *r);

/* Whether a frame lies in fn. An exact pc must be inside [start, end).
 * A return address ra blocks fn when its call does (ra - 1 inside) and
 * also when ra == start: the two differ only for a call at the very end
 * of a function to one that does not return, and blocking both costs
 * nothing there and needs no proof that the callee never returns. */
bool qs_frame_in(const struct qs_frame *f, const struct qs_function *fn);

#ifdef __cplusplus
}
#endif

#endif
