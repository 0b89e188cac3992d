// SPDX-License-Identifier: GPL-2.0-only
/*
 * What clustered objects cost, in guest TSC cycles, as JSON lines
 * (test=cobj_bench):
 *
 *   cobj_calls             per call: a direct function call, a plain vtable
 *                          call (rep->ops->method), a call through the
 *                          translation table (CO_CALL), a first call that
 *                          misses through the default object; ratios to
 *                          the vtable call
 *   cobj_interposed_calls  per call through an interposer whose wrapper
 *                          does nothing, with and without a postcall;
 *                          ratios to the vtable call
 *   cobj_interposer_attach co_interpose and co_interpose_detach (median);
 *                          ratios to one IPI round trip
 *   cobj_null_swap         co_hot_swap of a shared counter to a fresh
 *                          shared root plus co_swap_commit (median, p99,
 *                          max), idle and while every CPU adds to the
 *                          counter from short-lived threads; ratios to
 *                          one IPI round trip
 *
 * The IPI round trip is measured in the same run (bench.h).
 */
#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/counter.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/test.h>

#include <arch/cpu.h>

#include "bench.h"
#include "load.h"

#define CALLS 1000000
#define MISSES 1000
#define IPI_ROUNDS 200
#define ATTACH_ROUNDS 200
#define IDLE_SWAPS 200
#define CONTENDED_SWAPS 100
/* Far above what a swap costs even nested: a timeout is a failure here. */
#define SWAP_TIMEOUT_US 10000000

struct tick;
struct tick_ops {
	void (*tick)(struct tick *self);
};
struct tick {
	const struct tick_ops *ops;
	uint64_t n;
};

static __attribute__((noinline)) void tick_direct(struct tick *self)
{
	self->n++;
	__asm__ volatile("" ::: "memory");
}

static const struct tick_ops tick_ops = { tick_direct };

static struct co_rep *tick_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct tick), &tick_ops);
}

static const struct co_rep_type tick_type = { .create = tick_create, .destroy = co_rep_free };

/* Where a caller keeps its object pointer: loaded again for every call,
 * as a call site that is handed the object would. */
static struct tick *volatile object_slot;

static uint64_t direct_calls(void)
{
	uint64_t start = rdtsc();

	for (int i = 0; i < CALLS; i++)
		tick_direct(object_slot);
	return rdtsc() - start;
}

static uint64_t vtable_calls(void)
{
	uint64_t start = rdtsc();

	for (int i = 0; i < CALLS; i++) {
		struct tick *t = object_slot;
		t->ops->tick(t);
	}
	return rdtsc() - start;
}

static coid_t volatile coid_slot;

static uint64_t translated_calls(void)
{
	uint64_t start = rdtsc();

	for (int i = 0; i < CALLS; i++)
		CO_CALL(struct tick, coid_slot, tick);
	return rdtsc() - start;
}

static coid_t new_tick(void)
{
	return co_multi_create(&tick_type, 1);
}

/* First calls on fresh objects: each goes through the default object. */
static uint64_t missing_calls(void)
{
	uint64_t total = 0;

	for (int i = 0; i < MISSES; i++) {
		coid_t id = new_tick();
		if (!id)
			return 0;
		uint64_t start = rdtsc();
		CO_CALL(struct tick, id, tick);
		total += rdtsc() - start;
		if (co_destroy(id))
			return 0;
	}
	return total;
}

/* ---- calls through an interposer ---------------------------------------- */

static bool pass_with_postcall(struct co_wrapper *w, struct co_call *call)
{
	(void)w;
	(void)call;
	return true; /* the call returns through the return trampoline too */
}

static bool pass_without_postcall(struct co_wrapper *w, struct co_call *call)
{
	(void)w;
	(void)call;
	return false;
}

static void ignore_return(struct co_wrapper *w, struct co_return *ret)
{
	(void)w;
	(void)ret;
}

static const struct co_wrapper_ops empty_wrapper_ops = {
	.precall = pass_with_postcall,
	.postcall = ignore_return,
};
static const struct co_wrapper_ops precall_only_ops = {
	.precall = pass_without_postcall,
	.postcall = ignore_return,
};
static struct co_wrapper empty_wrapper = { &empty_wrapper_ops };
static struct co_wrapper precall_only_wrapper = { &precall_only_ops };

/* The translated-call loop with `w` in front of the object; 0 when the
 * wrapper cannot be attached or detached. */
static uint64_t interposed_calls(struct co_wrapper *w)
{
	struct co_interposer *ip = co_interpose(coid_slot, w);
	uint64_t cycles, flags;

	if (!ip)
		return 0;
	CO_CALL(struct tick, coid_slot, tick); /* installs the interposer's rep */
	flags = irq_save();
	cycles = translated_calls();
	irq_restore(flags);
	return co_interpose_detach(ip) == 0 ? cycles : 0;
}

static void print_interposed_calls(uint64_t vtable, uint64_t empty, uint64_t precall_only)
{
	char v[32], e[32], p[32], r_empty[32], r_precall[32];

	bench_ratio(v, sizeof(v), vtable, CALLS);
	bench_ratio(e, sizeof(e), empty, CALLS);
	bench_ratio(p, sizeof(p), precall_only, CALLS);
	bench_ratio(r_empty, sizeof(r_empty), empty, vtable);
	bench_ratio(r_precall, sizeof(r_precall), precall_only, vtable);
	printk("{\"bench\":\"cobj_interposed_calls\",\"cpus\":%u,\"calls\":%u,"
	       "\"vtable_cycles_per_call\":%s,\"empty_wrapper_cycles_per_call\":%s,"
	       "\"precall_only_cycles_per_call\":%s,\"empty_wrapper_ratio_to_vtable\":%s,"
	       "\"precall_only_ratio_to_vtable\":%s}\n",
	       cpus_online(), CALLS, v, e, p, r_empty, r_precall);
}

/* ---- the call rows ------------------------------------------------------ */

/* Every row's calls land on the same rep: the first miss, three plain
 * loops, and per interposed row its miss and its loop. */
#define TICKS_EXPECTED (1 + 3ull * CALLS + 2 * (1 + (uint64_t)CALLS))

static void bench_calls(void)
{
	char r_direct[32], r_translated[32], r_miss[32];

	coid_slot = new_tick();
	SV_ASSERT(coid_slot != NULL);
	CO_CALL(struct tick, coid_slot, tick); /* take the miss out of the loop */
	object_slot = DREF(struct tick, coid_slot);

	/* Interrupts off while timing: under nested virtualization one timer
	 * tick costs more than thousands of calls. */
	uint64_t flags = irq_save();
	uint64_t direct = direct_calls(), vtable = vtable_calls();
	uint64_t translated = translated_calls();
	irq_restore(flags);
	uint64_t empty = interposed_calls(&empty_wrapper);
	uint64_t precall_only = interposed_calls(&precall_only_wrapper);
	uint64_t miss = missing_calls();
	SV_ASSERT(vtable && miss && empty && precall_only);
	SV_ASSERT_EQ(object_slot->n, TICKS_EXPECTED);
	bench_ratio(r_direct, sizeof(r_direct), direct, vtable);
	bench_ratio(r_translated, sizeof(r_translated), translated, vtable);
	bench_ratio(r_miss, sizeof(r_miss), miss * (CALLS / MISSES), vtable);
	printk("{\"bench\":\"cobj_calls\",\"cpus\":%u,\"calls\":%u,"
	       "\"direct_cycles_per_call\":%llu.%02llu,\"vtable_cycles_per_call\":%llu.%02llu,"
	       "\"translated_cycles_per_call\":%llu.%02llu,\"miss_cycles_per_call\":%llu,"
	       "\"direct_ratio_to_vtable\":%s,\"translated_ratio_to_vtable\":%s,"
	       "\"miss_ratio_to_vtable\":%s}\n",
	       cpus_online(), CALLS, (unsigned long long)(direct / CALLS),
	       (unsigned long long)(direct % CALLS * 100 / CALLS),
	       (unsigned long long)(vtable / CALLS), (unsigned long long)(vtable % CALLS * 100 / CALLS),
	       (unsigned long long)(translated / CALLS),
	       (unsigned long long)(translated % CALLS * 100 / CALLS),
	       (unsigned long long)(miss / MISSES), r_direct, r_translated, r_miss);
	print_interposed_calls(vtable, empty, precall_only);
	SV_ASSERT_EQ(co_destroy(coid_slot), 0);
}

/* ---- attaching and detaching an interposer ------------------------------ */

static uint64_t attach_samples[ATTACH_ROUNDS], detach_samples[ATTACH_ROUNDS];

/* One attach and one detach of the empty wrapper on an object in use (a
 * call before each installs a rep for it to reset), each timed with
 * interrupts off. With no other thread alive the detach's quiescence is
 * immediate, so its time includes reclaiming the interposer. */
static bool attach_and_detach(coid_t id, uint64_t *attach, uint64_t *detach)
{
	struct co_interposer *ip;
	uint64_t flags, start;
	int detached;

	CO_CALL(struct tick, id, tick);
	flags = irq_save();
	start = rdtsc();
	ip = co_interpose(id, &empty_wrapper);
	*attach = rdtsc() - start;
	irq_restore(flags);
	if (!ip)
		return false;
	CO_CALL(struct tick, id, tick);
	flags = irq_save();
	start = rdtsc();
	detached = co_interpose_detach(ip);
	*detach = rdtsc() - start;
	irq_restore(flags);
	return detached == 0;
}

static void print_attach(struct bench_spread attach, struct bench_spread detach, uint64_t ipi)
{
	char r_attach[32], r_detach[32];

	bench_ratio(r_attach, sizeof(r_attach), attach.median, ipi);
	bench_ratio(r_detach, sizeof(r_detach), detach.median, ipi);
	printk("{\"bench\":\"cobj_interposer_attach\",\"cpus\":%u,\"rounds\":%u,"
	       "\"ipi_to\":\"%s\",\"ipi_round_trip_cycles\":%llu,"
	       "\"attach_median_cycles\":%llu,\"attach_max_cycles\":%llu,"
	       "\"detach_median_cycles\":%llu,\"detach_max_cycles\":%llu,"
	       "\"attach_ratio_to_ipi\":%s,\"detach_ratio_to_ipi\":%s}\n",
	       cpus_online(), ATTACH_ROUNDS, bench_other_cpu() ? "cpu1" : "self",
	       (unsigned long long)ipi, (unsigned long long)attach.median,
	       (unsigned long long)attach.max, (unsigned long long)detach.median,
	       (unsigned long long)detach.max, r_attach, r_detach);
}

static void bench_attach(uint64_t ipi)
{
	coid_t id = new_tick();

	SV_ASSERT(id != NULL);
	for (unsigned i = 0; i < ATTACH_ROUNDS; i++)
		SV_ASSERT(attach_and_detach(id, &attach_samples[i], &detach_samples[i]));
	print_attach(bench_spread_of(attach_samples, ATTACH_ROUNDS),
		     bench_spread_of(detach_samples, ATTACH_ROUNDS), ipi);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

/* ---- null hot swaps ----------------------------------------------------- */

/* A call of the load (load.h: on every CPU a chain of short-lived threads,
 * K42's kind, each making LOAD_CALLS_PER_THREAD calls and then handing over
 * to a successor; long-lived adders would never let a generation end, and
 * the swap's forward phase waits for every thread alive at its start to
 * have ended). */
static int64_t add_one(struct load *l, unsigned cpu, uint64_t i)
{
	(void)cpu;
	(void)i;
	counter_add((coid_t)l->arg, 1);
	return 1;
}

/* One null swap of `id` (a shared counter) to a fresh shared root, then
 * committed: its cycles, or 0 after saying why it failed. */
static uint64_t null_swap(coid_t id)
{
	struct co_root *to = counter_root_shared();
	struct co_swap *swap;
	uint64_t start = rdtsc();
	int error = to ? co_hot_swap(id, to, SWAP_TIMEOUT_US, &swap) : CO_SWAP_ENOMEM;

	if (error) {
		if (to)
			to->ops->destroy(to); /* a failed swap leaves it ours */
		printk("cobj_bench: null swap of %p failed: %s\n", (void *)id,
		       co_swap_strerror(error));
		return 0;
	}
	co_swap_commit(swap);
	return rdtsc() - start;
}

/* `n` null swaps, each after one add of the swapper's own so the state
 * handed over is never empty; false at the first failure. */
static bool null_swaps(coid_t id, uint64_t *samples, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		counter_add(id, 1);
		samples[i] = null_swap(id);
		if (!samples[i])
			return false;
	}
	return true;
}

static void print_null_swaps(const char *kind, unsigned swaps, const struct load *load,
			     struct bench_spread s, uint64_t ipi)
{
	const uint64_t cycles[3] = { s.median, s.p99, s.max };
	char us[3][32], ratio[3][32];

	for (int i = 0; i < 3; i++) {
		bench_us(us[i], sizeof(us[i]), cycles[i]);
		bench_ratio(ratio[i], sizeof(ratio[i]), cycles[i], ipi);
	}
	printk("{\"bench\":\"cobj_null_swap\",\"load\":\"%s\",\"cpus\":%u,\"swaps\":%u,"
	       "\"load_threads\":%llu,\"load_adds\":%lld,\"ipi_round_trip_cycles\":%llu,"
	       "\"median_cycles\":%llu,\"p99_cycles\":%llu,\"max_cycles\":%llu,"
	       "\"median_us\":%s,\"p99_us\":%s,\"max_us\":%s,\"median_ratio_to_ipi\":%s,"
	       "\"p99_ratio_to_ipi\":%s,\"max_ratio_to_ipi\":%s}\n",
	       kind, cpus_online(), swaps, (unsigned long long)load->finished,
	       (long long)load->added, (unsigned long long)ipi,
	       (unsigned long long)cycles[0], (unsigned long long)cycles[1],
	       (unsigned long long)cycles[2], us[0], us[1], us[2], ratio[0], ratio[1], ratio[2]);
}

static uint64_t swap_samples[IDLE_SWAPS > CONTENDED_SWAPS ? IDLE_SWAPS : CONTENDED_SWAPS];

/* Null swaps of a fresh shared counter, with every CPU adding to it when
 * `contended`; the count must come out exact: every add of the load and
 * of the swapper, none lost or doubled by the swaps. */
static void bench_null_swaps(bool contended, uint64_t ipi)
{
	static struct load load; /* its threads may outlive a failed run */
	unsigned n = contended ? CONTENDED_SWAPS : IDLE_SWAPS;
	coid_t id = counter_create_shared();
	bool loaded, swapped = false;

	SV_ASSERT(id != NULL);
	load = (struct load){ .call = add_one, .arg = id };
	loaded = !contended || load_start(&load, 1);
	if (loaded && contended)
		(void)load_progress(&load, 2ull * cpus_online() * LOAD_CALLS_PER_THREAD);
	if (loaded)
		swapped = null_swaps(id, swap_samples, n);
	/* Stop the load whatever happened, before anything can return. */
	SV_ASSERT(!contended || load_stop(&load));
	SV_ASSERT(loaded);
	SV_ASSERT(swapped);
	SV_ASSERT_EQ(counter_value(id), load.added + n);
	print_null_swaps(contended ? "contended" : "idle", n, &load,
			 bench_spread_of(swap_samples, n), ipi);
	SV_ASSERT_EQ(co_destroy(id), 0);
}

SV_BENCH(cobj_bench)
{
	uint64_t ipi = bench_ipi_round_trip(IPI_ROUNDS);

	SV_ASSERT(ipi && tsc_khz());
	bench_calls();
	if (!test_failed())
		bench_attach(ipi);
	if (!test_failed())
		bench_null_swaps(false, ipi);
	if (!test_failed())
		bench_null_swaps(true, ipi);
}
