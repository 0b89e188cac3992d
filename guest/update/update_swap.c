// SPDX-License-Identifier: GPL-2.0-only
/*
 * Timed, explained hot swaps for the update engine (kernel/update_swap.h).
 * Plain co_hot_swap reports no phases, so a swap's whole time is what is
 * known: it is counted as forward time, and as the longest blocked call
 * (no call can have waited longer than the swap took) until the phase
 * report of co_hot_swap_reported replaces both.
 */
#include <stdarg.h>

#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/thread.h>
#include <kernel/update_swap.h>

static uint64_t ns_since(uint64_t start_tsc)
{
	uint64_t khz = tsc_khz();

	return khz ? (rdtsc() - start_tsc) * 1000000 / khz : 0;
}

static void account(struct swap_result *out, uint64_t ns)
{
	out->timings.swaps++;
	out->timings.forward_ns += ns;
	if (ns > out->timings.longest_blocked_ns)
		out->timings.longest_blocked_ns = ns;
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

static int swap_failed(struct swap_result *out, int error, const char *verb, const char *what)
{
	return update_fail(out, status_of(error), "%s: %s on CPU %u (thread %p) failed: %s", what,
			   verb, cpu_id(), (void *)thread_current(), co_swap_strerror(error));
}

int update_hot_swap(coid_t id, struct co_root *to, uint64_t timeout_us, struct co_swap **swap,
		    struct swap_result *out, const char *what)
{
	uint64_t start = rdtsc();
	int error = co_hot_swap(id, to, timeout_us, swap);

	account(out, ns_since(start));
	return error ? swap_failed(out, error, "hot swap", what) : SV_OK;
}

int update_swap_rollback(struct co_swap *swap, uint64_t timeout_us, struct swap_result *out,
			 const char *what)
{
	uint64_t start = rdtsc();
	int error = co_swap_rollback(swap, timeout_us);

	account(out, ns_since(start));
	return error ? swap_failed(out, error, "rollback", what) : SV_OK;
}
