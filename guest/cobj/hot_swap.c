// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot swap (kernel/co_swap.h): the mediator is an interposer wrapper with
 * a per-CPU count of the calls it is tracking. In the forward phase a call
 * costs an atomic add and a load on its CPU's own cache line, no lock;
 * from the block phase on, every call takes the swap's lock (calls then
 * wait anyway), which is what makes sealing the object exact: a call is
 * let through to the old root only under the lock that the seal takes.
 * Each tracked call also leaves its thread in a free slot of its CPU's
 * line (one compare-and-swap there), so a swap that times out can name
 * who is still inside.
 */
#include <arch/cpu.h>
#include <kernel/co_interpose.h>
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>

#include "swap_report.h"

enum phase { FORWARD, BLOCK, TRANSFER, COMPLETE, ABORTED };

/* A call waiting for the swap to end, on its own thread's stack. */
struct waiter {
	struct waiter *next;
	struct thread *thread;
	uint64_t since;              /* TSC when it began to wait */
	int released;
};

struct co_swap {
	struct co_wrapper mediator;  /* first: the wrapper leads to the swap */
	coid_t id;
	struct co_root *from, *to;
	struct co_interposer *ip;
	int format;                  /* the negotiated transfer format */
	int phase;                   /* enum phase; changed under lock */
	int refs;                    /* caller, interposer, forward request */
	struct spinlock lock;        /* phase changes, slow calls, waking */
	int forward_quiet;           /* the calls before the mediator ended */
	struct thread *swapper;      /* blocked waiting for a phase to end */
	struct waiter *waiters;
	uint64_t longest_blocked;    /* TSC cycles, set as waiters are released */
	struct generation_request quiescence;
	struct swap_cpu cpu[CPUS_MAX];
};

static const struct co_wrapper_ops mediator_ops;

static void put_ref(struct co_swap *s)
{
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(s);
}

/* With s->lock held: the swapper re-checks its phase's end. */
static void wake_swapper_locked(struct co_swap *s)
{
	if (s->swapper)
		thread_wake(s->swapper);
}

/* ---- the call path ------------------------------------------------------ */

/* Names the calling thread in a free slot of its CPU's line, if one is
 * left: a thread preempted between the load and the swap by another of
 * its CPU's threads finds the slot taken and moves on. */
static void note_inside(struct swap_cpu *c)
{
	struct thread *me = thread_current();

	for (unsigned i = 0; i < SWAP_INSIDE_MAX; i++) {
		struct thread *none = NULL;

		if (!__atomic_load_n(&c->inside[i], __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&c->inside[i], &none, me, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
}

/* Frees one slot naming the calling thread (any of them: they are alike). */
static void note_outside(struct swap_cpu *c)
{
	struct thread *me = thread_current();

	for (unsigned i = 0; i < SWAP_INSIDE_MAX; i++) {
		struct thread *mine = me;

		if (__atomic_compare_exchange_n(&c->inside[i], &mine, NULL, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
}

/* A call leaves the count; past the forward phase the swapper may be
 * waiting for exactly that. */
static void untrack(struct co_swap *s, struct swap_cpu *c)
{
	uint64_t flags;

	__atomic_sub_fetch(&c->in_flight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->phase, __ATOMIC_SEQ_CST) == FORWARD)
		return;
	flags = spin_lock_irqsave(&s->lock);
	wake_swapper_locked(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

static bool is_released(struct co_swap *s, struct waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	int released = w->released;

	/* Under the lock: the releaser is done with w once we have it. */
	spin_unlock_irqrestore(&s->lock, flags);
	return released;
}

/* Past the forward phase: let a call from inside a mediated call through
 * (tracked) while the old root still drains, otherwise wait for the swap
 * to end and go on to whichever root the object has then. */
static bool mediate_slow(struct co_swap *s, struct swap_cpu *c, struct co_call *call)
{
	struct waiter me = { .thread = thread_current() };
	uint64_t flags = spin_lock_irqsave(&s->lock);

	if (s->phase == BLOCK && co_calls_in_progress(&mediator_ops) > 0) {
		__atomic_add_fetch(&c->in_flight, 1, __ATOMIC_SEQ_CST);
		spin_unlock_irqrestore(&s->lock, flags);
		note_inside(c);
		call->cookie = c;
		return true;
	}
	if (s->phase == BLOCK || s->phase == TRANSFER) {
		me.since = rdtsc();
		me.next = s->waiters;
		s->waiters = &me;
		spin_unlock_irqrestore(&s->lock, flags);
		while (!is_released(s, &me))
			thread_block();
	} else {
		spin_unlock_irqrestore(&s->lock, flags);
	}
	/* The entries were reset before the release: this loads the new (or,
	 * after an abort, the old) root's rep, or the default object. */
	call->target = co_dref(s->id);
	return false;
}

static bool mediate_precall(struct co_wrapper *w, struct co_call *call)
{
	struct co_swap *s = (struct co_swap *)w;
	struct swap_cpu *c = &s->cpu[cpu_id()];

	/* Count first, then look: the seal reads the counts after setting
	 * the phase, so one of the two sees the other. */
	__atomic_add_fetch(&c->in_flight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->phase, __ATOMIC_SEQ_CST) == FORWARD) {
		note_inside(c);
		call->cookie = c;
		return true;
	}
	untrack(s, c);
	return mediate_slow(s, c, call);
}

static void mediate_postcall(struct co_wrapper *w, struct co_return *ret)
{
	note_outside(ret->cookie);
	untrack((struct co_swap *)w, ret->cookie);
}

/* The interposer is reclaimed: no call can reach the mediator again. */
static void mediator_release(struct co_wrapper *w)
{
	put_ref((struct co_swap *)w);
}

static const struct co_wrapper_ops mediator_ops = {
	.precall = mediate_precall,
	.postcall = mediate_postcall,
	.release = mediator_release,
};

/* ---- the swapper -------------------------------------------------------- */

static void forward_quiesced(void *arg)
{
	struct co_swap *s = arg;
	uint64_t flags = spin_lock_irqsave(&s->lock);

	s->forward_quiet = 1;
	wake_swapper_locked(s);
	spin_unlock_irqrestore(&s->lock, flags);
	put_ref(s);
}

static bool forward_is_quiet(struct co_swap *s)
{
	return s->forward_quiet;
}

/* Seals the object once no tracked call is left: from then on every call
 * waits, so the old root's state stays still for the transfer. */
static bool sealed(struct co_swap *s)
{
	int64_t in_flight = 0;

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		in_flight += __atomic_load_n(&s->cpu[cpu].in_flight, __ATOMIC_SEQ_CST);
	if (in_flight == 0)
		__atomic_store_n(&s->phase, TRANSFER, __ATOMIC_SEQ_CST);
	return in_flight == 0;
}

/* Blocks until ready(s), checked under the lock, or the deadline. */
static int wait_until(struct co_swap *s, bool (*ready)(struct co_swap *), uint64_t deadline)
{
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&s->lock);
		bool done = ready(s);
		bool expired = !done && rdtsc() >= deadline;

		s->swapper = done || expired ? NULL : thread_current();
		spin_unlock_irqrestore(&s->lock, flags);
		if (done || expired)
			return done ? 0 : -1;
		thread_block_until(deadline);
	}
}

static void set_phase(struct co_swap *s, enum phase phase)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);

	__atomic_store_n(&s->phase, phase, __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&s->lock, flags);
}

/* On failure, `why` says which side failed: the old root's export or
 * the new root's import (the new version's code, usually). */
static int transfer(struct co_swap *s, char *why, size_t cap)
{
	const struct co_transfer_ops *out = s->from->transfer, *in = s->to->transfer;
	bool per_cpu = (out->per_cpu & in->per_cpu) >> s->format & 1;
	unsigned parts = per_cpu ? cpus_online() : 1;

	for (unsigned i = 0; i < parts; i++) {
		unsigned cpu = per_cpu ? i : CO_TRANSFER_WHOLE;
		void *state = out->export_state(s->from, (unsigned)s->format, cpu);
		bool imported = state && in->import_state(s->to, (unsigned)s->format, cpu,
							   state) == 0;

		if (!imported) {
			swap_describe_transfer(why, cap, state != NULL, (unsigned)s->format, cpu);
			return -1;
		}
	}
	return 0;
}

/* Hands the object to `root` and lets the waiting calls go on to it. */
static void finish(struct co_swap *s, struct co_root *root, enum phase phase)
{
	uint64_t flags;

	if (co_interpose_end(s->ip, root) != 0)
		panic("cobj: swap of %p: its root changed under the mediator "
		      "(destroyed mid-swap)", (void *)s->id);
	flags = spin_lock_irqsave(&s->lock);
	__atomic_store_n(&s->phase, phase, __ATOMIC_SEQ_CST);
	for (struct waiter *w = s->waiters; w; w = w->next) {
		uint64_t waited = rdtsc() - w->since;

		if (waited > s->longest_blocked)
			s->longest_blocked = waited;
		w->released = 1;
		thread_wake(w->thread);
	}
	s->waiters = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
}

static int check_swap(struct co_root *from, struct co_root *to)
{
	if (!(thread_current()->flags & THREAD_DAEMON))
		return CO_SWAP_ECALLER;
	if (!from)
		return CO_SWAP_ENOENT;
	if (co_root_is_interposer(from))
		return CO_SWAP_EBUSY;
	if (!from->transfer || !to->transfer ||
	    co_negotiate(from->transfer->exports, to->transfer->imports) < 0)
		return CO_SWAP_ENOFORMAT;
	return CO_SWAP_OK;
}

static struct co_swap *swap_create(coid_t id, struct co_root *from, struct co_root *to)
{
	struct co_swap *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->mediator.ops = &mediator_ops;
	s->id = id;
	s->from = from;
	s->to = to;
	s->format = co_negotiate(from->transfer->exports, to->transfer->imports);
	s->phase = FORWARD;
	s->refs = 3;
	s->ip = co_interpose_exclusive(id, &s->mediator);
	if (!s->ip) {
		kfree(s);
		return NULL;
	}
	return s;
}

/* The report's clock: each lap ends one phase and starts the next. */
struct swap_clock {
	struct co_swap_report *report;
	uint64_t mark;
};

static void lap(struct swap_clock *clock, uint64_t *phase_ns)
{
	uint64_t now = rdtsc();

	*phase_ns = swap_cycles_to_ns(now - clock->mark);
	clock->mark = now;
}

/* Hands the object back to the old root; the abort is the complete
 * phase's time. */
static int abort_swap(struct co_swap *s, int error, struct swap_clock *clock)
{
	finish(s, s->from, ABORTED);
	lap(clock, &clock->report->complete_ns);
	return error;
}

/* Says what `phase` waited for before the abort releases anyone: the
 * tracked calls, and in the forward phase (`alive`) the older threads. */
static int timed_out(struct co_swap *s, const char *what, const struct generation_request *alive,
		     uint64_t *phase_ns, struct swap_clock *clock)
{
	lap(clock, phase_ns);
	swap_describe_blockers(clock->report->why, sizeof(clock->report->why), what, s->cpu,
			       cpus_online(), alive);
	return abort_swap(s, CO_SWAP_ETIMEDOUT, clock);
}

static int run_phases(struct co_swap *s, uint64_t deadline, struct swap_clock *clock)
{
	struct co_swap_report *r = clock->report;

	generation_request_into(&s->quiescence, forward_quiesced, s);
	if (wait_until(s, forward_is_quiet, deadline) != 0)
		return timed_out(s, "forward phase timed out waiting for the threads "
				 "alive at its start to end", &s->quiescence, &r->forward_ns, clock);
	lap(clock, &r->forward_ns);
	set_phase(s, BLOCK);
	if (wait_until(s, sealed, deadline) != 0)
		return timed_out(s, "block phase timed out waiting for calls to drain", NULL,
				 &r->block_ns, clock);
	lap(clock, &r->block_ns);
	if (transfer(s, r->why, sizeof(r->why)) != 0) {
		lap(clock, &r->transfer_ns);
		return abort_swap(s, CO_SWAP_ETRANSFER, clock);
	}
	lap(clock, &r->transfer_ns);
	finish(s, s->to, COMPLETE);
	lap(clock, &r->complete_ns);
	return CO_SWAP_OK;
}

int co_hot_swap_reported(coid_t id, struct co_root *to, uint64_t timeout_us,
			 struct co_swap **swap, struct co_swap_report *report)
{
	struct co_swap_report r = { 0 };
	struct swap_clock clock = { &r, rdtsc() };
	uint64_t deadline = clock.mark + timeout_us * tsc_khz() / 1000;
	struct co_root *from = co_root_of(id);
	int error = check_swap(from, to);
	struct co_swap *s = NULL;

	if (!error) {
		s = swap_create(id, from, to);
		error = s ? run_phases(s, deadline, &clock) : CO_SWAP_ENOMEM;
	}
	if (s) {
		/* Every waiter was released (finish): the longest is known. */
		r.longest_blocked_ns = swap_cycles_to_ns(s->longest_blocked);
		if (error)
			put_ref(s);
		else
			*swap = s;
	}
	if (report)
		*report = r;
	return error;
}

int co_hot_swap(coid_t id, struct co_root *to, uint64_t timeout_us, struct co_swap **swap)
{
	return co_hot_swap_reported(id, to, timeout_us, swap, NULL);
}

static void destroy_old_root(void *arg)
{
	struct co_swap *s = arg;

	s->from->ops->destroy(s->from);
	put_ref(s);
}

void co_swap_commit(struct co_swap *s)
{
	/* The forward phase's request is long done: its storage is free. */
	generation_request_into(&s->quiescence, destroy_old_root, s);
}

int co_swap_rollback_reported(struct co_swap *s, uint64_t timeout_us,
			      struct co_swap_report *report)
{
	struct co_swap *back;
	int error = co_hot_swap_reported(s->id, s->from, timeout_us, &back, report);

	if (error)
		return error;
	co_swap_commit(back); /* destroys s->to */
	put_ref(s);
	return CO_SWAP_OK;
}

int co_swap_rollback(struct co_swap *s, uint64_t timeout_us)
{
	return co_swap_rollback_reported(s, timeout_us, NULL);
}

struct co_root *co_swap_old_root(const struct co_swap *s)
{
	return s->from;
}

struct co_root *co_swap_new_root(const struct co_swap *s)
{
	return s->to;
}

const char *co_swap_strerror(int error)
{
	switch (error) {
	case CO_SWAP_OK: return "swapped";
	case CO_SWAP_ENOMEM: return "out of memory for the mediator";
	case CO_SWAP_ENOENT: return "the object is not in service";
	case CO_SWAP_EBUSY: return "another swap or interposer is attached";
	case CO_SWAP_ENOFORMAT: return "the roots share no transfer format";
	case CO_SWAP_ETIMEDOUT: return "calls did not drain before the deadline (aborted)";
	case CO_SWAP_ETRANSFER: return "state transfer failed (aborted)";
	case CO_SWAP_ECALLER: return "hot swap needs a daemon thread";
	}
	return "unknown hot-swap error";
}
