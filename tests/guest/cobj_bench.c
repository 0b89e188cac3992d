// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a clustered-object call costs, in guest TSC cycles per call, as one
 * JSON line (test=cobj_bench): a direct function call, a plain vtable call
 * (rep->ops->method), a call through the translation table (CO_CALL), and
 * a first call that misses through the default object; each also as a
 * ratio to the plain vtable call of the same run.
 */
#include <kernel/co_root.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/test.h>

#include <arch/cpu.h>

#include "bench.h"

#define CALLS 1000000
#define MISSES 1000

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

SV_BENCH(cobj_bench)
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
	uint64_t miss = missing_calls();
	SV_ASSERT(vtable && miss);
	SV_ASSERT_EQ(object_slot->n, 1 + 3ull * CALLS);
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
	SV_ASSERT_EQ(co_destroy(coid_slot), 0);
}
