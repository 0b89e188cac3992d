/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hot swap (seed 000 §3): replaces an object's root while every CPU keeps
 * calling it, through a mediator interposed in front of it.
 *
 *   forward   the mediator counts new calls per CPU and marks their
 *             threads as inside; it waits, by generation quiescence, for
 *             the calls that started before it was there
 *   block     new calls wait, except from threads already inside a
 *             mediated call (recursion, or two objects swapped at once
 *             calling each other); the counted calls drain
 *   transfer  every call waits; the old root exports its state in the
 *             negotiated format (kernel/co_transfer.h), the new one
 *             imports it
 *   complete  the object's root becomes the new one on every CPU and the
 *             waiting calls go on to it
 *
 * Past the deadline in forward or block, the swap aborts: the old root is
 * put back and the waiting calls go on to it; no call is lost. The old
 * root stays alive after a completed swap until co_swap_commit (destroy
 * it after quiescence) or co_swap_rollback (swap back, transferring the
 * state in reverse).
 *
 * The swapper waits for quiescence, so it must be a daemon thread (not
 * counted in generations): otherwise it would wait for itself. Objects
 * being swapped must not be called from interrupt handlers (a call may
 * have to wait).
 */
#ifndef SV_KERNEL_CO_SWAP_H
#define SV_KERNEL_CO_SWAP_H

#include <stdint.h>

#include <kernel/cobj.h>

enum co_swap_error {
	CO_SWAP_OK = 0,
	CO_SWAP_ENOMEM = -1,     /* no memory for the mediator */
	CO_SWAP_ENOENT = -2,     /* the object is not in service */
	CO_SWAP_EBUSY = -3,      /* another swap or interposer is attached */
	CO_SWAP_ENOFORMAT = -4,  /* no common transfer format */
	CO_SWAP_ETIMEDOUT = -5,  /* calls did not drain in time: aborted */
	CO_SWAP_ETRANSFER = -6,  /* export or import failed: aborted */
	CO_SWAP_ECALLER = -7,    /* not called from a daemon thread */
};

const char *co_swap_strerror(int error);

struct co_root;
struct co_swap;

/* What one swap (or rollback) took, for a dynamic update to report. The
 * phases are laps of one clock (TSC, converted with the boot info's
 * tsc_khz) from the call's start, so they sum to its duration; a phase the
 * swap never reached is 0, and an aborted swap's complete_ns is the time
 * its abort took. */
#define CO_SWAP_WHY_MAX 256
struct co_swap_report {
	uint64_t forward_ns, block_ns, transfer_ns, complete_ns;
	/* The longest any call waited on the mediator in this swap. */
	uint64_t longest_blocked_ns;
	/* Why it aborted. On CO_SWAP_ETIMEDOUT: the phase that timed out and,
	 * per CPU, the calls still inside and the threads making them, e.g.
	 * "block phase timed out: cpu 1: 2 calls inside, threads
	 * 0xffff8000123 (2 calls)". On CO_SWAP_ETRANSFER: which side of the
	 * transfer failed, e.g. "the new root's import of format 0 failed".
	 * Otherwise empty. Always NUL-terminated. */
	char why[CO_SWAP_WHY_MAX];
};

/* Swaps `id` over to `to` (a root not in any GTT entry, in its initial
 * state), giving up after `timeout_us`. On success *swap is the completed
 * swap, to commit or roll back; on failure the object is as it was and
 * `to` is still the caller's. */
int co_hot_swap(coid_t id, struct co_root *to, uint64_t timeout_us, struct co_swap **swap);

/* The same, filling *report (if not NULL) whatever the outcome, except
 * for refusals before the swap began (ENOENT, EBUSY, ENOFORMAT, ECALLER,
 * ENOMEM), which leave it zeroed. */
int co_hot_swap_reported(coid_t id, struct co_root *to, uint64_t timeout_us,
			 struct co_swap **swap, struct co_swap_report *report);

/* Keeps the new root: the old one is destroyed after quiescence. */
void co_swap_commit(struct co_swap *swap);

/* Swaps back to the old root, whose state the new root's export replaces,
 * then destroys the new root after quiescence. On failure (the error of
 * co_hot_swap) the swap is still completed and may be committed or rolled
 * back again. */
int co_swap_rollback(struct co_swap *swap, uint64_t timeout_us);

/* The same with the swap back's report (see co_hot_swap_reported). */
int co_swap_rollback_reported(struct co_swap *swap, uint64_t timeout_us,
			      struct co_swap_report *report);

/* The roots on either side of a completed swap (tests, diagnostics). */
struct co_root *co_swap_old_root(const struct co_swap *swap);
struct co_root *co_swap_new_root(const struct co_swap *swap);

#endif
