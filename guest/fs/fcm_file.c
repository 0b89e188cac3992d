// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files' FCM handles (kernel/fcm_file.h): creation by policy, the registry
 * of open files (for policy switches, reclaim and statistics) and their
 * end. A handle lives while its owner, the swapper's queue or a reclaimer
 * holds it; the last of them takes the FCM out of service.
 */
#include <kernel/co_root.h>
#include <kernel/fcm_cache.h>
#include <kernel/fcm_class.h>
#include <kernel/heap.h>
#include <kernel/spinlock.h>

#include "fcm_file_impl.h"

static struct spinlock registry_lock = SPINLOCK_INIT;
static struct fcm_file registry = { .prev = &registry, .next = &registry };
static int policy = SV_FCM_POLICY_ADAPTIVE;

static enum fcm_kind kind_for(int p)
{
	return p == SV_FCM_POLICY_REPLICATED ? FCM_REPLICATED : FCM_SHARED;
}

void fcm_file_get(struct fcm_file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

bool fcm_file_tryget(void *owner)
{
	struct fcm_file *f = owner;
	uint32_t refs = __atomic_load_n(&f->refs, __ATOMIC_RELAXED);

	while (refs)
		if (__atomic_compare_exchange_n(&f->refs, &refs, refs + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

void fcm_file_put(struct fcm_file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	if (f->monitor)
		fcm_monitor_detach(f->monitor);
	factory_destroy(f->inst);
	f->backing->release(f->file);
	kfree(f);
}

static struct fcm_file *file_alloc(const struct fcm_backing_ops *backing, void *file,
				   enum fcm_kind kind)
{
	struct fcm_create_args args = { kind, backing, file };
	struct fcm_file *f = kzalloc(sizeof(*f));
	struct factory_instance *inst = f ? factory_create(&fcm_class, &args, f) : NULL;

	if (!inst) {
		kfree(f);
		return NULL;
	}
	*f = (struct fcm_file){ .id = inst->id, .inst = inst, .backing = backing, .file = file,
				.refs = 1, .kind = kind, .wanted = FCM_WANT_NONE };
	return f;
}

/* Under the registry lock, so a policy switch sees every file either
 * here or made with the new policy's kind. */
static bool register_file(struct fcm_file *f)
{
	uint64_t flags = spin_lock_irqsave(&registry_lock);
	int now = policy;

	f->next = &registry;
	f->prev = registry.prev;
	registry.prev->next = f;
	registry.prev = f;
	spin_unlock_irqrestore(&registry_lock, flags);
	return (enum fcm_kind)f->kind != kind_for(now) || now == SV_FCM_POLICY_ADAPTIVE;
}

struct fcm_file *fcm_file_create(const struct fcm_backing_ops *backing, void *file)
{
	struct fcm_file *f = file_alloc(backing, file, kind_for(fcm_policy()));

	/* The swapper attaches the monitor (or fixes a kind a policy switch
	 * overtook): monitors change only on its thread. */
	if (f && register_file(f))
		fcm_swapper_queue(f, FCM_WANT_NONE, false);
	return f;
}

void fcm_file_release(struct fcm_file *f)
{
	uint64_t flags = spin_lock_irqsave(&registry_lock);

	f->prev->next = f->next;
	f->next->prev = f->prev;
	spin_unlock_irqrestore(&registry_lock, flags);
	fcm_file_put(f);
}

coid_t fcm_file_id(const struct fcm_file *f)
{
	return f->id;
}

enum fcm_kind fcm_file_kind(const struct fcm_file *f)
{
	return (enum fcm_kind)__atomic_load_n(&f->kind, __ATOMIC_ACQUIRE);
}

void fcm_file_request(struct fcm_file *f, enum fcm_kind kind)
{
	fcm_swapper_queue(f, kind, false);
}

void fcm_files_for_each(void (*fn)(struct fcm_file *f, void *arg), void *arg)
{
	uint64_t flags = spin_lock_irqsave(&registry_lock);

	for (struct fcm_file *f = registry.next; f != &registry; f = f->next)
		fn(f, arg);
	spin_unlock_irqrestore(&registry_lock, flags);
}

/* ---- policy ------------------------------------------------------------- */

static void queue_for_policy(struct fcm_file *f, int p)
{
	fcm_swapper_queue(f, p == SV_FCM_POLICY_ADAPTIVE ? FCM_WANT_NONE : (int)kind_for(p), false);
}

int fcm_set_policy(enum sv_fcm_policy p)
{
	uint64_t flags;

	if ((unsigned)p >= SV_FCM_POLICY_MAX)
		return SV_EINVAL;
	/* The registry's own walk, under the lock the store needs too: a
	 * file registered after it gets the new policy's kind. */
	flags = spin_lock_irqsave(&registry_lock);
	__atomic_store_n(&policy, (int)p, __ATOMIC_RELEASE);
	for (struct fcm_file *f = registry.next; f != &registry; f = f->next)
		queue_for_policy(f, (int)p);
	spin_unlock_irqrestore(&registry_lock, flags);
	return 0;
}

enum sv_fcm_policy fcm_policy(void)
{
	return (enum sv_fcm_policy)__atomic_load_n(&policy, __ATOMIC_ACQUIRE);
}

/* ---- reclaim -------------------------------------------------------------- */

#define RECLAIM_BATCH 32

struct batch {
	unsigned count;
	struct fcm_file *file[RECLAIM_BATCH];
};

static void take_into_batch(struct fcm_file *f, void *arg)
{
	struct batch *b = arg;

	if (b->count < RECLAIM_BATCH) {
		fcm_file_get(f);
		b->file[b->count++] = f;
	}
}

void fcm_files_reclaim(void)
{
	struct batch b = { 0 };

	fcm_files_for_each(take_into_batch, &b);
	for (unsigned i = 0; i < b.count; i++) {
		uint64_t excess = fcm_cache_excess();

		if (excess)
			fcm_evict(b.file[i]->id, excess);
		fcm_file_put(b.file[i]);
	}
}

/* ---- statistics ----------------------------------------------------------- */

static void count_file(struct fcm_file *f, void *arg)
{
	struct fcm_file_stats *out = arg;

	out->alive++;
	out->by_kind[fcm_file_kind(f)]++;
	out->monitors += __atomic_load_n(&f->monitor, __ATOMIC_RELAXED) != NULL;
}

void fcm_file_stats(struct fcm_file_stats *out)
{
	*out = (struct fcm_file_stats){ 0 };
	fcm_swap_stats(out->swaps);
	fcm_files_for_each(count_file, out);
}
