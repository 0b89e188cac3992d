// SPDX-License-Identifier: GPL-2.0-only
/*
 * The autonomic monitor (seed 001 §6.3): a wrapper interposed on one
 * file's FCM that watches every read and write (which CPU, which pages)
 * and, when the access pattern no longer fits the FCM's kind, asks the
 * swapper for a better one, once. It never swaps itself: a swap needs a
 * daemon, and the caller is a request's thread. Thresholds are in
 * kernel/fcm_file.h.
 */
#include <arch/cpu.h>
#include <kernel/co_interpose.h>
#include <kernel/heap.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/percpu.h>
#include <kernel/spinlock.h>

#include "fcm_file_impl.h"

struct fcm_monitor {
	struct co_wrapper wrapper; /* first: the wrapper leads to the monitor */
	struct co_interposer *ip;
	struct fcm_file *file;     /* alive while attached: detached before its end */
	enum fcm_kind kind;        /* of the FCM watched */
	struct spinlock lock;      /* everything below */
	int asked;
	uint64_t last_call[CPUS_MAX]; /* TSC of each CPU's latest call */
	uint64_t single_calls;     /* in a row with no other CPU in the window */
	uint64_t next_off;         /* where a sequential access would start */
	uint64_t last_page;        /* the page the previous access ended in */
	uint64_t run_pages;        /* pages in the current sequential run */
	uint64_t random_calls;     /* out-of-sequence accesses so far */
};

static bool other_cpu_active(struct fcm_monitor *m, unsigned me, uint64_t now)
{
	uint64_t window = FCM_MONITOR_WINDOW_MS * tsc_khz();

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		if (cpu != me && m->last_call[cpu] && now - m->last_call[cpu] < window)
			return true;
	return false;
}

/* Counts an access of n bytes at off; true when it continued the last. */
static bool track_sequence(struct fcm_monitor *m, uint64_t off, uint64_t n)
{
	uint64_t first = off / PAGE_SIZE, last = (off + (n ? n : 1) - 1) / PAGE_SIZE;
	bool sequential = off == m->next_off && (m->run_pages || off == 0);

	if (sequential)
		m->run_pages += last - m->last_page + (m->run_pages == 0);
	else
		m->run_pages = last - first + 1;
	m->random_calls += !sequential;
	m->next_off = off + n;
	m->last_page = last;
	return sequential;
}

/* The kind the access pattern asks for, or FCM_WANT_NONE. */
static int judge(struct fcm_monitor *m, uint64_t off, uint64_t n)
{
	unsigned me = cpu_id();
	uint64_t now = rdtsc();
	bool others = other_cpu_active(m, me, now);

	m->last_call[me] = now;
	track_sequence(m, off, n);
	if (m->kind == FCM_SEQUENTIAL)
		return m->random_calls >= FCM_MONITOR_RANDOM_CALLS ? FCM_SHARED : FCM_WANT_NONE;
	if (m->run_pages > FCM_MONITOR_SEQUENTIAL_PAGES)
		return FCM_SEQUENTIAL;
	if (m->kind == FCM_SHARED)
		return others ? FCM_REPLICATED : FCM_WANT_NONE;
	m->single_calls = others ? 0 : m->single_calls + 1;
	return m->single_calls >= FCM_MONITOR_SINGLE_CALLS ? FCM_SHARED : FCM_WANT_NONE;
}

static bool is_data_access(uint64_t method)
{
	return method == CO_METHOD(struct fcm_ops, read) ||
	       method == CO_METHOD(struct fcm_ops, write);
}

static bool monitor_precall(struct co_wrapper *w, struct co_call *call)
{
	struct fcm_monitor *m = (struct fcm_monitor *)w;
	int wanted = FCM_WANT_NONE;
	uint64_t flags;

	if (!is_data_access(call->method))
		return false;
	flags = spin_lock_irqsave(&m->lock);
	if (!m->asked) {
		wanted = judge(m, *co_call_arg(call, 1), *co_call_arg(call, 3));
		m->asked = wanted != FCM_WANT_NONE;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	if (wanted != FCM_WANT_NONE)
		fcm_swapper_queue(m->file, wanted, true);
	return false;
}

static void monitor_release(struct co_wrapper *w)
{
	kfree(w);
}

static const struct co_wrapper_ops monitor_ops = {
	.precall = monitor_precall,
	.release = monitor_release,
};

struct fcm_monitor *fcm_monitor_attach(struct fcm_file *f)
{
	struct fcm_monitor *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->wrapper.ops = &monitor_ops;
	m->file = f;
	m->kind = (enum fcm_kind)f->kind;
	/* Watching a replicated FCM, every CPU counts as active at first: a
	 * fresh monitor has seen nothing yet, and one CPU's calls in the
	 * moment after the swap do not show that the others have stopped. */
	if (m->kind == FCM_REPLICATED)
		for (unsigned cpu = 0; cpu < CPUS_MAX; cpu++)
			m->last_call[cpu] = rdtsc();
	m->ip = co_interpose(f->id, &m->wrapper);
	if (!m->ip) {
		kfree(m);
		return NULL;
	}
	return m;
}

void fcm_monitor_detach(struct fcm_monitor *m)
{
	/* Only the swapper interposes on FCMs besides the monitor, and it
	 * detaches first: this cannot find another on top. */
	co_interpose_detach(m->ip);
}
