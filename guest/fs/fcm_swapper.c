// SPDX-License-Identifier: GPL-2.0-only
/*
 * The swapper: one daemon thread that serves the queue of files whose FCM
 * should change (kernel/fcm_file.h). For each it takes the monitor off
 * (a swap refuses an interposed object), hot-swaps the FCM to the kind
 * wanted, commits, and attaches a fresh monitor if the policy is
 * adaptive. Requesters (monitors inside FCM calls, policy switches) only
 * queue and wake it: they may not wait for a swap themselves.
 *
 * It also runs, between files, what others hand it with fcm_swapper_run
 * (a class update's swap of one FCM, fcm_class.c), which is then never
 * concurrent with a kind change or a monitor change.
 */
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_class.h>
#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>

#include "fcm_file_impl.h"

static struct spinlock queue_lock = SPINLOCK_INIT;
static struct fcm_file *queue_head, *queue_tail;
static struct thread *swapper;
static uint64_t pending; /* queued or being served */
static uint64_t swap_stats[FCM_SWAP_STATS];

struct swapper_job {
	void (*fn)(void *arg);
	void *arg;
	struct thread *waiter;
	int done;
	struct swapper_job *next;
};

static struct swapper_job *jobs; /* under queue_lock; order does not matter */

void fcm_swap_stat_add(enum fcm_swap_stat stat)
{
	__atomic_add_fetch(&swap_stats[stat], 1, __ATOMIC_RELAXED);
}

void fcm_swap_stats(uint64_t out[FCM_SWAP_STATS])
{
	for (unsigned i = 0; i < FCM_SWAP_STATS; i++)
		out[i] = __atomic_load_n(&swap_stats[i], __ATOMIC_RELAXED);
}

uint64_t fcm_swaps_pending(void)
{
	return __atomic_load_n(&pending, __ATOMIC_ACQUIRE);
}

void fcm_swapper_queue(struct fcm_file *f, int wanted, bool by_monitor)
{
	uint64_t flags = spin_lock_irqsave(&queue_lock);
	bool newly = !f->queued;

	/* A later request replaces an earlier one that is still queued. */
	f->wanted = wanted;
	f->wanted_by_monitor = by_monitor;
	if (newly) {
		fcm_file_get(f);
		f->queued = 1;
		f->queue_next = NULL;
		if (queue_tail)
			queue_tail->queue_next = f;
		else
			queue_head = f;
		queue_tail = f;
		__atomic_add_fetch(&pending, 1, __ATOMIC_ACQ_REL);
	}
	spin_unlock_irqrestore(&queue_lock, flags);
	if (newly && swapper)
		thread_wake(swapper);
}

/* The next file and what it wants, or NULL. */
static struct fcm_file *dequeue(int *wanted)
{
	uint64_t flags = spin_lock_irqsave(&queue_lock);
	struct fcm_file *f = queue_head;

	if (f) {
		queue_head = f->queue_next;
		if (!queue_head)
			queue_tail = NULL;
		f->queued = 0;
		/* A monitor's wish counts only while monitors are wanted. */
		*wanted = f->wanted_by_monitor && fcm_policy() != SV_FCM_POLICY_ADAPTIVE
				  ? FCM_WANT_NONE : f->wanted;
	}
	spin_unlock_irqrestore(&queue_lock, flags);
	return f;
}

static enum fcm_swap_stat stat_of(enum fcm_kind from, enum fcm_kind to)
{
	if (from == FCM_SEQUENTIAL)
		return FCM_SWAPS_FROM_SEQUENTIAL;
	if (to == FCM_SEQUENTIAL)
		return FCM_SWAPS_TO_SEQUENTIAL;
	return to == FCM_REPLICATED ? FCM_SWAPS_TO_REPLICATED : FCM_SWAPS_TO_SHARED;
}

/* The new root comes from the class version the FCM runs: a kind change
 * keeps the version. */
static void swap_to(struct fcm_file *f, enum fcm_kind kind)
{
	struct fcm_create_args args = { kind, f->backing, f->file };
	struct co_root *to = f->inst->impl->make_root(&args);
	struct co_swap *swap;
	int error = to ? co_hot_swap(f->id, to, FCM_SWAP_TIMEOUT_US, &swap) : CO_SWAP_ENOMEM;

	if (error) {
		printk("fcm: swap of %p to %s failed: %s\n", (void *)f->id, fcm_kind_name(kind),
		       co_swap_strerror(error));
		if (to)
			to->ops->destroy(to);
		fcm_swap_stat_add(FCM_SWAPS_FAILED);
		return;
	}
	co_swap_commit(swap);
	fcm_swap_stat_add(stat_of((enum fcm_kind)f->kind, kind));
	__atomic_store_n(&f->kind, (int)kind, __ATOMIC_RELEASE);
}

static void set_monitor(struct fcm_file *f, struct fcm_monitor *m)
{
	__atomic_store_n(&f->monitor, m, __ATOMIC_RELEASE);
}

void fcm_swapper_monitor_off(struct fcm_file *f)
{
	if (f->monitor) {
		fcm_monitor_detach(f->monitor);
		set_monitor(f, NULL);
	}
}

void fcm_swapper_monitor_on(struct fcm_file *f)
{
	if (fcm_policy() == SV_FCM_POLICY_ADAPTIVE)
		set_monitor(f, fcm_monitor_attach(f));
}

static void serve(struct fcm_file *f, int wanted)
{
	/* Detached even when the kind stays: the fresh monitor's counts
	 * start over, so a request it made is not made again at once. */
	fcm_swapper_monitor_off(f);
	if (wanted != FCM_WANT_NONE && wanted != f->kind)
		swap_to(f, (enum fcm_kind)wanted);
	fcm_swapper_monitor_on(f);
}

/* ---- jobs ----------------------------------------------------------------- */

void fcm_swapper_run(void (*fn)(void *arg), void *arg)
{
	struct swapper_job job = { fn, arg, thread_current(), 0, NULL };
	uint64_t flags;

	if (thread_current() == __atomic_load_n(&swapper, __ATOMIC_ACQUIRE)) {
		fn(arg);
		return;
	}
	flags = spin_lock_irqsave(&queue_lock);
	job.next = jobs;
	jobs = &job;
	spin_unlock_irqrestore(&queue_lock, flags);
	thread_wake(swapper);
	while (!__atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
		thread_block();
}

static struct swapper_job *take_job(void)
{
	uint64_t flags = spin_lock_irqsave(&queue_lock);
	struct swapper_job *job = jobs;

	if (job)
		jobs = job->next;
	spin_unlock_irqrestore(&queue_lock, flags);
	return job;
}

/* The waiter is read before done is set: once it sees done, the job (on
 * its stack) may be gone. */
static void run_job(struct swapper_job *job)
{
	struct thread *waiter = job->waiter;

	job->fn(job->arg);
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	thread_wake(waiter);
}

static void swapper_main(void *unused)
{
	(void)unused;
	for (;;) {
		int wanted;
		struct swapper_job *job = take_job();
		struct fcm_file *f = job ? NULL : dequeue(&wanted);

		if (job) {
			run_job(job);
			continue;
		}
		if (!f) {
			thread_block();
			continue;
		}
		serve(f, wanted);
		fcm_file_put(f);
		__atomic_sub_fetch(&pending, 1, __ATOMIC_ACQ_REL);
	}
}

int fcm_files_init(void)
{
	struct thread *t;

	if (__atomic_load_n(&swapper, __ATOMIC_ACQUIRE))
		return 0;
	if (!fcm_class.ref && factory_register(&fcm_class, &fcm_class_v0))
		return SV_ENOMEM;
	t = thread_create_on(0, swapper_main, NULL, THREAD_DAEMON);
	if (!t)
		return SV_ENOMEM;
	__atomic_store_n(&swapper, t, __ATOMIC_RELEASE);
	/* Requests queued before the swapper existed. */
	thread_wake(t);
	return 0;
}
