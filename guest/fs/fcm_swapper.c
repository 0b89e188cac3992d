// SPDX-License-Identifier: GPL-2.0-only
/*
 * The swapper: one daemon thread that serves the queue of files whose FCM
 * should change (kernel/fcm_file.h). For each it takes the monitor off
 * (a swap refuses an interposed object), hot-swaps the FCM to the kind
 * wanted, commits, and attaches a fresh monitor if the policy is
 * adaptive. Requesters (monitors inside FCM calls, policy switches) only
 * queue and wake it: they may not wait for a swap themselves.
 */
#include <kernel/co_root.h>
#include <kernel/co_swap.h>
#include <kernel/fcm_cache.h>
#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <kernel/thread.h>

#include "fcm_file_impl.h"

static struct spinlock queue_lock = SPINLOCK_INIT;
static struct fcm_file *queue_head, *queue_tail;
static struct thread *swapper;
static uint64_t pending; /* queued or being served */
static uint64_t swap_stats[FCM_SWAP_STATS];

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

static void swap_to(struct fcm_file *f, enum fcm_kind kind)
{
	struct co_root *to = fcm_root_create(kind, f->backing, f->file);
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

static void serve(struct fcm_file *f, int wanted)
{
	/* Detached even when the kind stays: the fresh monitor's counts
	 * start over, so a request it made is not made again at once. */
	if (f->monitor) {
		fcm_monitor_detach(f->monitor);
		set_monitor(f, NULL);
	}
	if (wanted != FCM_WANT_NONE && wanted != f->kind)
		swap_to(f, (enum fcm_kind)wanted);
	if (fcm_policy() == SV_FCM_POLICY_ADAPTIVE)
		set_monitor(f, fcm_monitor_attach(f));
}

static void swapper_main(void *unused)
{
	(void)unused;
	for (;;) {
		int wanted;
		struct fcm_file *f = dequeue(&wanted);

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
	t = thread_create_on(0, swapper_main, NULL, THREAD_DAEMON);
	if (!t)
		return SV_ENOMEM;
	__atomic_store_n(&swapper, t, __ATOMIC_RELEASE);
	/* Requests queued before the swapper existed. */
	thread_wake(t);
	return 0;
}
