/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every context of a stopped guest that can hold a pc, each with its
 * stack walk, ready for the consistency check (consistency.h): the thread
 * each vCPU runs, from that vCPU's live registers, and every other thread
 * and idle context the guest's thread table (sv/threads.h) lists, from
 * the rsp it saved when it was switched out.
 */
#ifndef SV_QUIESCE_GUEST_THREADS_H
#define SV_QUIESCE_GUEST_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include "consistency.h"
#include "stack_walk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QS_WHY_MAX 256

struct qs_guest_threads {
	struct qs_thread *threads;
	struct qs_walk *walks;   /* threads[i].walk points at walks[i] */
	size_t n;
};

/* Reads the thread table at table_gva through env->read and walks every
 * context: cpus[c] are vCPU c's live registers (ncpus of them, every vCPU
 * the VM has). Returns 0, or -1 with `why` when the table cannot be
 * trusted to list every thread (unreadable, wrong magic or version, more
 * CPUs than it has entries for, overflowed): then nothing is proven and
 * the caller tries again later. A thread whose stack cannot be walked is
 * not an error here: its walk says why, and it blocks the check. */
int qs_guest_threads_collect(const struct qs_walk_env *env, uint64_t table_gva,
			     const struct qs_context *cpus, unsigned ncpus,
			     struct qs_guest_threads *out, char why[QS_WHY_MAX]);
void qs_guest_threads_free(struct qs_guest_threads *t);

#ifdef __cplusplus
}
#endif

#endif
