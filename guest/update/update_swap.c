// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timed, explained hot swaps for the update engine (kernel/update_swap.h):
 * each swap's phase report is summed into the step's answer, and a swap
 * that timed out names, in the step's detail, the calls and threads still
 * inside it.
 */
#include <stdarg.h>

#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/thread.h>
#include <kernel/update_swap.h>

static void account(struct swap_result *out, const struct co_swap_report *r)
{
	struct sv_patch_timings *t = &out->timings;

	t->swaps++;
	t->forward_ns += r->forward_ns;
	t->block_ns += r->block_ns;
	t->transfer_ns += r->transfer_ns;
	t->complete_ns += r->complete_ns;
	if (r->longest_blocked_ns > t->longest_blocked_ns)
		t->longest_blocked_ns = r->longest_blocked_ns;
}

static int status_of(int swap_error)
{
	switch (swap_error) {
	case CO_SWAP_ETRANSFER:
	case CO_SWAP_ENOFORMAT:
		return SV_EPROTO;
	case CO_SWAP_ETIMEDOUT:
		return SV_ETIMEDOUT;
	case CO_SWAP_EBUSY:
		return SV_EBUSY;
	case CO_SWAP_ENOMEM:
		return SV_ENOMEM;
	case CO_SWAP_ENOENT:
		return SV_ENOENT;
	default:
		return SV_EINVAL;
	}
}

int update_fail(struct swap_result *out, int status, const char *fmt, ...)
{
	va_list ap;

	if (out->status == SV_OK) {
		out->status = status;
		va_start(ap, fmt);
		vsnprintf(out->detail, sizeof(out->detail), fmt, ap);
		va_end(ap);
	}
	return status;
}

static int swap_failed(struct swap_result *out, int error, const char *verb, const char *what,
		       const struct co_swap_report *r)
{
	return update_fail(out, status_of(error), "%s: %s on CPU %u (thread %p) failed: %s%s%s",
			   what, verb, cpu_id(), (void *)thread_current(), co_swap_strerror(error),
			   r->why[0] ? "; " : "", r->why);
}

int update_hot_swap(coid_t id, struct co_root *to, uint64_t timeout_us, struct co_swap **swap,
		    struct swap_result *out, const char *what)
{
	struct co_swap_report report = { 0 };
	int error = co_hot_swap_reported(id, to, timeout_us, swap, &report);

	account(out, &report);
	return error ? swap_failed(out, error, "hot swap", what, &report) : SV_OK;
}

int update_swap_rollback(struct co_swap *swap, uint64_t timeout_us, struct swap_result *out,
			 const char *what)
{
	struct co_swap_report report = { 0 };
	int error = co_swap_rollback_reported(swap, timeout_us, &report);

	account(out, &report);
	return error ? swap_failed(out, error, "rollback", what, &report) : SV_OK;
}
