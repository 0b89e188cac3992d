// SPDX-License-Identifier: GPL-2.0-only
/*
 * The translation tables. The GTT has one entry per LTT entry, at the same
 * index, so a COID converts to its GTT entry by pointer arithmetic. It is
 * split into one range per CPU: a CPU allocates COIDs only from its own
 * range (its free list, with interrupts off, no lock); a COID freed on
 * another CPU is pushed onto the owner's `returned` stack, which the owner
 * takes whole when its free list runs dry.
 */
#include <arch/cpu.h>
#include <kernel/cobj.h>
#include <kernel/co_root.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>

#include "gtt.h"

#define NO_ENTRY 0u /* index 0 is never handed out: a free-list end */

struct gtt_entry gtt[ARCH_LTT_ENTRIES];

struct coid_range {
	uint32_t end;          /* the range is [1 + cpu * range_size, end) */
	uint32_t next_unused;  /* never handed out from here on */
	uint32_t free;         /* owner's free list (GTT indices) */
	uint32_t returned;     /* freed by other CPUs (atomic push) */
	uint64_t allocated;    /* handed out and not freed (atomic) */
};

static struct coid_range ranges[CPUS_MAX];
static uint32_t range_size;

static uint32_t index_of(coid_t id)
{
	uint64_t i = (uint64_t)(id - ARCH_LTT_BASE);

	if (id < ARCH_LTT_BASE || i == NO_ENTRY || i >= ARCH_LTT_ENTRIES)
		panic("cobj: %p is not a COID (LTT region %p, %llu entries)", (void *)id,
		      (void *)ARCH_LTT_BASE, (unsigned long long)ARCH_LTT_ENTRIES);
	return (uint32_t)i;
}

struct gtt_entry *gtt_entry_of(coid_t id)
{
	return &gtt[index_of(id)];
}

/* Points `cpu`'s entry i at its own second word, at the address that CPU
 * sees it by (the trampoline works the COID out from that address). */
static void default_entry(unsigned cpu, uint64_t i)
{
	struct co_ltt_entry *e = &arch_ltt_of(cpu)[i];

	e->default_ops = co_default_ops;
	__atomic_store_n(&e->rep, (struct co_rep *)&arch_ltt_view(cpu)[i].default_ops,
			 __ATOMIC_RELEASE);
}

void co_init(void)
{
	unsigned cpus = cpus_online();

	range_size = (ARCH_LTT_ENTRIES - 1) / cpus;
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		for (uint64_t i = 0; i < ARCH_LTT_ENTRIES; i++)
			default_entry(cpu, i);
		ranges[cpu].next_unused = 1 + cpu * range_size;
		ranges[cpu].end = 1 + (cpu + 1) * range_size;
	}
}

static uint32_t take_free(struct coid_range *r)
{
	uint32_t i = r->free;

	if (i == NO_ENTRY)
		i = r->free = __atomic_exchange_n(&r->returned, NO_ENTRY, __ATOMIC_ACQUIRE);
	if (i != NO_ENTRY) {
		r->free = gtt[i].next_free;
		return i;
	}
	if (r->next_unused < r->end)
		return r->next_unused++;
	return NO_ENTRY;
}

coid_t co_create(struct co_root *root)
{
	uint64_t flags = irq_save(); /* the range is this CPU's alone */
	struct coid_range *r = &ranges[cpu_id()];
	uint32_t i = take_free(r);

	irq_restore(flags);
	if (i == NO_ENTRY)
		return NULL;
	__atomic_add_fetch(&r->allocated, 1, __ATOMIC_RELAXED);
	root->cpus_missed = 0;
	__atomic_store_n(&gtt[i].root, root, __ATOMIC_RELEASE);
	return ARCH_LTT_BASE + i;
}

static struct coid_range *owner_of(uint32_t i)
{
	unsigned cpu = (i - 1) / range_size;

	if (i == NO_ENTRY || cpu >= cpus_online())
		panic("cobj: GTT index %u belongs to no CPU's range", i);
	return &ranges[cpu];
}

static void coid_free(uint32_t i)
{
	struct coid_range *r = owner_of(i);
	uint32_t head = __atomic_load_n(&r->returned, __ATOMIC_RELAXED);

	do
		gtt[i].next_free = head;
	while (!__atomic_compare_exchange_n(&r->returned, &head, i, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
	__atomic_sub_fetch(&r->allocated, 1, __ATOMIC_RELAXED);
}

uint64_t co_objects_alive(void)
{
	uint64_t n = 0;

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		n += __atomic_load_n(&ranges[cpu].allocated, __ATOMIC_RELAXED);
	return n;
}

void co_install(coid_t id, struct co_rep *rep)
{
	__atomic_store_n(&co_entry(id)->rep, rep, __ATOMIC_RELEASE);
}

void co_reset_entry(unsigned cpu, coid_t id)
{
	default_entry(cpu, index_of(id));
}

struct co_root *co_root_of(coid_t id)
{
	return __atomic_load_n(&gtt_entry_of(id)->root, __ATOMIC_ACQUIRE);
}

/* Resets the entry of every CPU that installed a rep while `root` was the
 * object's root, so that CPU's next call misses. */
static void reset_entries_of(coid_t id, struct co_root *root)
{
	uint64_t missed = __atomic_load_n(&root->cpus_missed, __ATOMIC_ACQUIRE);

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		if (missed & (1ull << cpu))
			co_reset_entry(cpu, id);
}

int co_swing_root(coid_t id, struct co_root *from, struct co_root *to)
{
	struct gtt_entry *g = gtt_entry_of(id);

	gtt_write_lock(g); /* no miss is installing a rep of `from` meanwhile */
	if (g->root != from) {
		gtt_write_unlock(g);
		return -1;
	}
	/* No entry holds a rep of `to`: they were reset when it left, or it
	 * is new. */
	__atomic_store_n(&to->cpus_missed, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&g->root, to, __ATOMIC_RELEASE);
	gtt_write_unlock(g);
	reset_entries_of(id, from);
	return 0;
}

struct retired {
	struct generation_request quiescence;
	struct co_root *root;
	uint32_t index;
};

static void destroy_when_quiescent(void *arg)
{
	struct retired *r = arg;

	coid_free(r->index); /* a new object may have it: its root is r's no more */
	r->root->ops->destroy(r->root);
	kfree(r);
}

int co_destroy(coid_t id)
{
	struct gtt_entry *g = gtt_entry_of(id);
	struct retired *r = kmalloc(sizeof(*r));

	if (!r)
		return -1;
	gtt_write_lock(g); /* no miss is installing a rep while we retire it */
	r->root = g->root;
	r->index = index_of(id);
	/* Atomic: co_root_of reads it without the lock. */
	__atomic_store_n(&g->root, NULL, __ATOMIC_RELAXED);
	gtt_write_unlock(g);
	if (!r->root)
		panic("cobj: destroying %p, which is not in service", (void *)id);
	reset_entries_of(id, r->root);
	generation_request_into(&r->quiescence, destroy_when_quiescent, r);
	return 0;
}
