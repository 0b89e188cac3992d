// SPDX-License-Identifier: GPL-2.0-only
/* Version 0 of the memory-descriptor allocator's methods, with the seed's
 * race (kernel/descriptor_allocator.h says what is modelled and why it
 * stays inside the allocator's memory). */
#include <arch/cpu.h>
#include <kernel/descriptor_allocator.h>
#include <kernel/kernel.h>
#include <kernel/thread.h>

/* Pauses between reading the free stack's height and storing the new one:
 * a few hundred cycles, what K42's descriptor bookkeeping spent there,
 * long enough for a second CPU to read the same height. */
#define RACE_WINDOW_PAUSES 256

static struct descriptor *address_of(struct descriptor_allocator *a, unsigned index)
{
	char *page = a->pages[index / DESCRIPTORS_PER_PAGE];

	return (struct descriptor *)(page + index % DESCRIPTORS_PER_PAGE * DESCRIPTOR_SIZE);
}

/* The index of d, or -1 if it is not the start of one of ours. */
static long index_of(struct descriptor_allocator *a, const struct descriptor *d)
{
	uint32_t npages = __atomic_load_n(&a->npages, __ATOMIC_ACQUIRE);

	for (uint32_t p = 0; p < npages; p++) {
		uintptr_t offset = (uintptr_t)d - (uintptr_t)a->pages[p];

		if (offset < PAGE_SIZE && offset % DESCRIPTOR_SIZE == 0)
			return (long)(p * DESCRIPTORS_PER_PAGE + offset / DESCRIPTOR_SIZE);
	}
	return -1;
}

/* Marks it in use; a descriptor someone else holds is still handed out
 * (that is the bug) but counted. */
static struct descriptor *hand_out(struct descriptor_allocator *a, unsigned index)
{
	if (__atomic_exchange_n(&a->in_use[index], 1, __ATOMIC_ACQ_REL))
		__atomic_add_fetch(&a->handed_twice, 1, __ATOMIC_RELAXED);
	return address_of(a, index);
}

struct descriptor *descriptor_v0_pop(struct descriptor_allocator *a)
{
	uint32_t top = __atomic_load_n(&a->top, __ATOMIC_ACQUIRE);
	uint16_t index;

	if (top == 0)
		return NULL;
	index = __atomic_load_n(&a->stack[top - 1], __ATOMIC_RELAXED);
	for (unsigned i = 0; i < RACE_WINDOW_PAUSES; i++)
		cpu_relax();
	/* The act on a stale check: whatever moved the height meanwhile is
	 * overwritten. */
	__atomic_store_n(&a->top, top - 1, __ATOMIC_RELEASE);
	return hand_out(a, index);
}

/* With the lock held. */
static void push_locked(struct descriptor_allocator *a, unsigned index)
{
	uint32_t top = __atomic_load_n(&a->top, __ATOMIC_RELAXED);

	if (top >= DESCRIPTORS_MAX) {
		a->dropped++;
		return;
	}
	__atomic_store_n(&a->stack[top], (uint16_t)index, __ATOMIC_RELAXED);
	__atomic_store_n(&a->top, top + 1, __ATOMIC_RELEASE);
}

int descriptor_v0_grow_locked(struct descriptor_allocator *a)
{
	void *page;

	if (a->npages == DESCRIPTOR_PAGES_MAX || !(page = pages_alloc(0)))
		return -1;
	a->pages[a->npages] = page;
	__atomic_store_n(&a->npages, a->npages + 1, __ATOMIC_RELEASE);
	/* Highest first, so the page's first descriptor is taken first. */
	for (unsigned i = DESCRIPTORS_PER_PAGE; i-- > 0;)
		push_locked(a, (a->npages - 1) * DESCRIPTORS_PER_PAGE + i);
	return 0;
}

struct descriptor *descriptor_v0_take(struct descriptor_allocator *a)
{
	for (;;) {
		struct descriptor *d = descriptor_v0_pop(a);
		uint64_t flags;
		int grown = 0;

		if (d)
			return d;
		flags = spin_lock_irqsave(&a->lock);
		if (__atomic_load_n(&a->top, __ATOMIC_RELAXED) == 0)
			grown = descriptor_v0_grow_locked(a);
		spin_unlock_irqrestore(&a->lock, flags);
		if (grown != 0)
			return NULL;
	}
}

int descriptor_v0_give(struct descriptor_allocator *a, struct descriptor *d)
{
	long index = index_of(a, d);
	uint64_t flags;
	int answer = DESCRIPTOR_GIVEN;

	if (index < 0)
		return DESCRIPTOR_FOREIGN;
	flags = spin_lock_irqsave(&a->lock);
	if (!__atomic_exchange_n(&a->in_use[index], 0, __ATOMIC_ACQ_REL)) {
		a->given_twice++;
		answer = DESCRIPTOR_WAS_FREE;
	} else {
		push_locked(a, (unsigned)index);
	}
	spin_unlock_irqrestore(&a->lock, flags);
	return answer;
}

void descriptor_v0_hold(struct descriptor_allocator *a, uint64_t ms)
{
	(void)a;
	thread_sleep_until(rdtsc() + ms * tsc_khz());
}

void descriptor_v0_stats(struct descriptor_allocator *a, struct descriptor_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);

	*out = (struct descriptor_stats){
		.pages = a->npages,
		.total = a->npages * DESCRIPTORS_PER_PAGE,
		.stacked = __atomic_load_n(&a->top, __ATOMIC_RELAXED),
		.handed_twice = __atomic_load_n(&a->handed_twice, __ATOMIC_RELAXED),
		.given_twice = a->given_twice,
		.dropped = a->dropped,
	};
	for (uint64_t i = 0; i < out->total; i++)
		out->in_use += __atomic_load_n(&a->in_use[i], __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&a->lock, flags);
}
