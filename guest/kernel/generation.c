// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>

struct generation_cpu {
	struct spinlock lock;
	uint64_t count[2];  /* live threads counted in each generation */
	struct thread *threads[2]; /* and listed, to name them */
	unsigned current;   /* index of the current generation */
	uint64_t swaps;     /* swaps so far (read lock-free by requests) */
	uint64_t wanted;    /* swap while swaps < wanted: a request waits */
};

static struct generation_cpu gens[CPUS_MAX];
static struct spinlock requests_lock = SPINLOCK_INIT;
static struct generation_request *requests;

void generation_thread_start(struct thread *t)
{
	struct generation_cpu *g = &gens[t->cpu];
	uint64_t flags = spin_lock_irqsave(&g->lock);

	t->generation = g->current;
	g->count[g->current]++;
	t->gen_prev = NULL;
	t->gen_next = g->threads[g->current];
	if (t->gen_next)
		t->gen_next->gen_prev = t;
	g->threads[g->current] = t;
	spin_unlock_irqrestore(&g->lock, flags);
}

/* Swaps as often as a waiting request needs and the counts allow. */
static void try_swaps(unsigned cpu)
{
	struct generation_cpu *g = &gens[cpu];
	uint64_t flags = spin_lock_irqsave(&g->lock);

	while (g->swaps < g->wanted && g->count[!g->current] == 0) {
		g->current = !g->current;
		__atomic_store_n(&g->swaps, g->swaps + 1, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&g->lock, flags);
}

static int request_done(const struct generation_request *r)
{
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		if (__atomic_load_n(&gens[cpu].swaps, __ATOMIC_ACQUIRE) < r->target[cpu])
			return 0;
	return 1;
}

/* Detaches the finished requests under the lock, calls them outside it. */
static void complete_requests(void)
{
	struct generation_request *done = NULL, **link;
	uint64_t flags = spin_lock_irqsave(&requests_lock);

	for (link = &requests; *link;) {
		struct generation_request *r = *link;
		if (request_done(r)) {
			*link = r->next;
			r->next = done;
			done = r;
		} else {
			link = &r->next;
		}
	}
	spin_unlock_irqrestore(&requests_lock, flags);
	while (done) {
		struct generation_request *r = done;
		int heap_owned = r->heap_owned; /* the callback may free r */

		done = r->next;
		r->callback(r->arg);
		if (heap_owned)
			kfree(r);
	}
}

void generation_thread_exit(struct thread *t)
{
	struct generation_cpu *g = &gens[t->cpu];
	uint64_t flags = spin_lock_irqsave(&g->lock);

	g->count[t->generation]--;
	if (t->gen_prev)
		t->gen_prev->gen_next = t->gen_next;
	else
		g->threads[t->generation] = t->gen_next;
	if (t->gen_next)
		t->gen_next->gen_prev = t->gen_prev;
	spin_unlock_irqrestore(&g->lock, flags);
	try_swaps(t->cpu);
	complete_requests();
}

static void want_swaps(unsigned cpu, uint64_t target)
{
	struct generation_cpu *g = &gens[cpu];
	uint64_t flags = spin_lock_irqsave(&g->lock);

	if (g->wanted < target)
		g->wanted = target;
	spin_unlock_irqrestore(&g->lock, flags);
}

static void submit(struct generation_request *r, void (*callback)(void *arg), void *arg)
{
	uint64_t flags;

	r->callback = callback;
	r->arg = arg;
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++) {
		r->target[cpu] = __atomic_load_n(&gens[cpu].swaps, __ATOMIC_ACQUIRE) + 2;
		want_swaps(cpu, r->target[cpu]);
	}
	flags = spin_lock_irqsave(&requests_lock);
	r->next = requests;
	requests = r;
	spin_unlock_irqrestore(&requests_lock, flags);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		try_swaps(cpu);
	complete_requests();
}

int generation_request(void (*callback)(void *arg), void *arg)
{
	struct generation_request *r = kzalloc(sizeof(*r));

	if (!r)
		return -1;
	r->heap_owned = 1;
	submit(r, callback, arg);
	return 0;
}

void generation_request_into(struct generation_request *r, void (*callback)(void *arg),
			     void *arg)
{
	r->heap_owned = 0;
	submit(r, callback, arg);
}

unsigned generation_waiting_for(const struct generation_request *r, unsigned cpu,
				struct thread **out, unsigned max)
{
	struct generation_cpu *g = &gens[cpu];
	uint64_t flags = spin_lock_irqsave(&g->lock);
	struct thread *t = g->swaps < r->target[cpu] ? g->threads[!g->current] : NULL;
	unsigned n = 0;

	/* Oldest first (the list is newest first): the likeliest to be stuck. */
	while (t && t->gen_next)
		t = t->gen_next;
	for (; t; t = t->gen_prev, n++)
		if (n < max)
			out[n] = t;
	spin_unlock_irqrestore(&g->lock, flags);
	return n;
}

uint64_t generation_swaps(unsigned cpu)
{
	return __atomic_load_n(&gens[cpu].swaps, __ATOMIC_ACQUIRE);
}
