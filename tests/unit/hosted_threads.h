/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest threads for hosted tests of guest code: a host thread runs one
 * guest struct thread at a time (its own daemon thread unless it has
 * begun another), and the guest's blocking calls (kernel/thread.h:
 * thread_current, thread_block, thread_block_until, thread_wake) block
 * the host thread on a futex. The hosted TSC counts nanoseconds.
 */
#ifndef SV_TEST_HOSTED_THREADS_H
#define SV_TEST_HOSTED_THREADS_H

struct thread;

/* A thread on the calling host thread's CPU, counted in its current
 * generation, running from now on in place of the previous one. */
struct thread *hosted_thread_begin(unsigned cpu);

/* Its end: the host thread runs its own daemon thread again. */
void hosted_thread_end(struct thread *t);

#endif
