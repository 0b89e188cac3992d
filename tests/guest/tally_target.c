// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test kernel's mirrored global and its built-in services
 * (docs/binary-patching.md, "Test targets"), reached with SV_OP_CALL:
 *
 *   tally-run     payload "MS": one writer thread per CPU (not daemons, so
 *                 generation quiescence waits for them), each calling
 *                 tally_add and tally_check in a loop for MS milliseconds;
 *                 answers at once, value = writers started (SV_EBUSY while
 *                 an earlier run's writers live)
 *   tally-result  waits for the last run's writers to end; value = the
 *                 tally_add calls they made, arg = tally_check failures
 *   tally-total   value = tally_total()
 *   tally-probe   value = tally_check(): which body new callers get (1 the
 *                 kernel's, 0 if the invariant is broken)
 *   tally-addr    value = &tally_state, arg = &tally_bench_copy (a page a
 *                 benchmark may mirror tally_state into)
 *   tally-cost    payload "N": value = TSC cycles of N stores into
 *                 tally_state (count[0] rewritten with its own value, under
 *                 the lock), arg = TSC cycles of N stores to an address no
 *                 RAM is behind (each exits to the VMM as MMIO and is
 *                 dropped); for the mirror benchmark
 */
#include <stdbool.h>

#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/service_registry.h>
#include <kernel/thread.h>

#include "tally_target.h"

#define TALLY_MS_MAX 600000 /* ten minutes: longer is a mistake */
#define TALLY_COST_MAX 1000000
#define RESULT_POLL_US 1000

struct tally tally_state;
struct tally tally_bench_copy;
/* aligned: its own page, never one a mirror protects */
struct spinlock tally_lock __attribute__((aligned(4096))) = SPINLOCK_INIT;

/* The current run: its deadline, writers still running, their sums. */
static uint64_t run_deadline;
static uint64_t writers_left, run_calls, run_failures;

__attribute__((noipa)) uint64_t tally_add(unsigned slot)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t total;

	tally_state.count[slot % TALLY_SLOTS]++;
	total = ++tally_state.total;
	spin_unlock_irqrestore(&tally_lock, flags);
	return total;
}

__attribute__((noipa)) uint64_t tally_check(void)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t sum = 0;
	bool ok;

	for (unsigned i = 0; i < TALLY_SLOTS; i++)
		sum += tally_state.count[i];
	ok = sum == tally_state.total;
	spin_unlock_irqrestore(&tally_lock, flags);
	return ok ? TALLY_KERNEL_BODY : 0;
}

__attribute__((noipa)) uint64_t tally_total(void)
{
	uint64_t flags = spin_lock_irqsave(&tally_lock);
	uint64_t total = tally_state.total;

	spin_unlock_irqrestore(&tally_lock, flags);
	return total;
}

static void writer(void *arg)
{
	unsigned slot = (unsigned)(uintptr_t)arg;
	uint64_t calls = 0, failures = 0;

	while (rdtsc() < run_deadline) {
		tally_add(slot + (unsigned)calls);
		calls++;
		failures += tally_check() == 0;
	}
	__atomic_add_fetch(&run_calls, calls, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run_failures, failures, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&writers_left, 1, __ATOMIC_RELEASE);
}

/* A decimal payload in [0, max]: false when malformed. */
static bool parse_number(const uint8_t *data, uint64_t len, uint64_t max, uint64_t *out)
{
	*out = 0;
	for (uint64_t i = 0; i < len; i++) {
		if (data[i] < '0' || data[i] > '9')
			return false;
		*out = *out * 10 + (uint64_t)(data[i] - '0');
		if (*out > max)
			return false;
	}
	return len > 0;
}

static int serve_run(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	uint64_t ms, started = 0;

	if (!parse_number(data, req->len, TALLY_MS_MAX, &ms))
		return SV_EINVAL;
	if (__atomic_load_n(&writers_left, __ATOMIC_ACQUIRE))
		return SV_EBUSY;
	run_calls = run_failures = 0;
	run_deadline = rdtsc() + ms * tsc_khz();
	writers_left = cpus_online();
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		if (thread_create_on(cpu, writer, (void *)(uintptr_t)cpu, 0))
			started++;
		else
			__atomic_sub_fetch(&writers_left, 1, __ATOMIC_RELEASE);
	}
	resp->value = started;
	return started == cpus_online() ? SV_OK : SV_ENOMEM;
}

static int serve_result(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	while (__atomic_load_n(&writers_left, __ATOMIC_ACQUIRE))
		thread_sleep_until(rdtsc() + RESULT_POLL_US * tsc_khz() / 1000);
	resp->value = run_calls;
	resp->arg = run_failures;
	return SV_OK;
}

static int serve_total(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	resp->value = tally_total();
	return SV_OK;
}

static int serve_probe(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	resp->value = tally_check();
	return SV_OK;
}

static int serve_addr(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data;
	resp->value = (uint64_t)(uintptr_t)&tally_state;
	resp->arg = (uint64_t)(uintptr_t)&tally_bench_copy;
	return SV_OK;
}

/* ---- tally-cost ------------------------------------------------------ */

#define PTE_P 1ull
#define PTE_W 2ull
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
/* 3 GiB: far above the test VMs' RAM, and no memslot of the VMM's */
#define UNBACKED_ADDR 0xc0000000ull

#define FRAME_MASK 0x000ffffffffff000ull

static uint64_t unbacked_pd[512] __attribute__((aligned(4096)));

/* The entry of a table, the table being identity-mapped RAM. */
static uint64_t *entry_of(uint64_t table_entry, uint64_t va, unsigned shift)
{
	return (uint64_t *)(uintptr_t)(table_entry & FRAME_MASK) + ((va >> shift) & 511);
}

/* UNBACKED_ADDR mapped onto itself: found so (a large page some boot
 * table left), or mapped here as one 2 MiB page in an empty slot of the
 * tables every CPU shares for the low 512 GiB (arch/paging.h). NULL when
 * it is mapped elsewhere. */
static volatile uint64_t *unbacked_page(void)
{
	uint64_t cr3, *pdpte, *pde;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	pdpte = entry_of(*entry_of(cr3, UNBACKED_ADDR, 39), UNBACKED_ADDR, 30);
	if (!(*pdpte & PTE_P))
		*pdpte = (uint64_t)(uintptr_t)unbacked_pd | PTE_P | PTE_W;
	if (*pdpte & PTE_PS)
		pde = pdpte; /* a 1 GiB page */
	else
		pde = entry_of(*pdpte, UNBACKED_ADDR, 21);
	if (!(*pde & PTE_P))
		*pde = UNBACKED_ADDR | PTE_P | PTE_W | PTE_PS | PTE_NX;
	return (*pde & PTE_PS) && (*pde & PTE_W) && (*pde & FRAME_MASK) == UNBACKED_ADDR
		       ? (volatile uint64_t *)(uintptr_t)UNBACKED_ADDR : NULL;
}

static uint64_t time_stores(volatile uint64_t *p, uint64_t value, uint64_t n)
{
	uint64_t start = rdtsc();

	for (uint64_t i = 0; i < n; i++)
		*p = value;
	return rdtsc() - start;
}

static int serve_cost(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	volatile uint64_t *unbacked = unbacked_page();
	uint64_t n, flags;

	if (!parse_number(data, req->len, TALLY_COST_MAX, &n))
		return SV_EINVAL;
	if (!unbacked)
		return SV_EBUSY;
	flags = spin_lock_irqsave(&tally_lock);
	resp->value = time_stores(&tally_state.count[0], tally_state.count[0], n);
	spin_unlock_irqrestore(&tally_lock, flags);
	flags = irq_save();
	resp->arg = time_stores(unbacked, 0, n);
	irq_restore(flags);
	return SV_OK;
}

SV_BUILTIN_SERVICE(tally_run, "tally-run", serve_run);
SV_BUILTIN_SERVICE(tally_result, "tally-result", serve_result);
SV_BUILTIN_SERVICE(tally_total_service, "tally-total", serve_total);
SV_BUILTIN_SERVICE(tally_probe, "tally-probe", serve_probe);
SV_BUILTIN_SERVICE(tally_addr, "tally-addr", serve_addr);
SV_BUILTIN_SERVICE(tally_cost, "tally-cost", serve_cost);
