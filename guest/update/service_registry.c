// SPDX-License-Identifier: GPL-2.0-only
/* The patched-in services (kernel/service_registry.h). Calls read the
 * table without a lock (each slot is one pointer, published with release
 * order); changes take the lock, and a removal's end is learnt from
 * thread generations rather than from counting calls, so the call path
 * writes nothing shared. */
#include <stdbool.h>

#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/printf.h>
#include <kernel/service_registry.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/thread.h>

static struct spinlock lock = SPINLOCK_INIT;
static const struct sv_patch_service *slots[SERVICE_REGISTRY_MAX];

static bool named(const struct sv_patch_service *svc, const char *name, size_t len)
{
	return svc && len < SV_PATCH_NAME_MAX && strncmp(svc->name, name, len) == 0 &&
	       svc->name[len] == '\0';
}

static size_t name_length(const struct sv_patch_service *svc)
{
	size_t n = 0;

	while (n < SV_PATCH_NAME_MAX && svc->name[n])
		n++;
	return n;
}

/* With the lock held: the slot holding `name`, or NULL. */
static const struct sv_patch_service **slot_of(const char *name, size_t len)
{
	for (unsigned i = 0; i < SERVICE_REGISTRY_MAX; i++)
		if (named(slots[i], name, len))
			return &slots[i];
	return NULL;
}

/* With the lock held. */
static const struct sv_patch_service **free_slot(void)
{
	for (unsigned i = 0; i < SERVICE_REGISTRY_MAX; i++)
		if (!slots[i])
			return &slots[i];
	return NULL;
}

int service_registry_add(const struct sv_patch_service *svc)
{
	size_t len = svc ? name_length(svc) : 0;
	const struct sv_patch_service **slot;
	uint64_t flags;
	int err = SV_OK;

	if (!svc || !svc->serve || len == 0 || len == SV_PATCH_NAME_MAX)
		return SV_EINVAL;
	flags = spin_lock_irqsave(&lock);
	slot = free_slot();
	if (slot_of(svc->name, len))
		err = SV_EEXIST;
	else if (!slot)
		err = SV_ENOMEM;
	else
		__atomic_store_n(slot, svc, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&lock, flags);
	return err;
}

extern const struct sv_patch_service __sv_services_start[], __sv_services_end[];

int service_registry_add_builtins(void)
{
	for (const struct sv_patch_service *svc = __sv_services_start; svc < __sv_services_end;
	     svc++) {
		int err = service_registry_add(svc);

		if (err) {
			printk("services: built-in service %s: error %d\n",
			       name_length(svc) < SV_PATCH_NAME_MAX ? svc->name : "(unterminated name)",
			       err);
			return err;
		}
	}
	return SV_OK;
}

const struct sv_patch_service *service_registry_lookup(const char *name, size_t len)
{
	for (unsigned i = 0; i < SERVICE_REGISTRY_MAX; i++) {
		const struct sv_patch_service *svc = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (named(svc, name, len))
			return svc;
	}
	return NULL;
}

int service_registry_call(const struct sv_ring_req *req, uint8_t *data,
			  struct sv_ring_resp *resp)
{
	const struct sv_patch_service *svc = service_registry_lookup(req->path, req->path_len);

	return svc ? svc->serve(req, data, resp) : SV_ENOENT;
}

/* ---- removal -------------------------------------------------------------- */

struct removal {
	struct generation_request quiescence; /* first: freed with it */
	void (*removed)(void *arg);
	void *arg;
};

static void removal_quiesced(void *arg)
{
	struct removal *r = arg;

	r->removed(r->arg);
	kfree(r);
}

int service_registry_remove(const char *name, void (*removed)(void *arg), void *arg)
{
	/* Allocated first: once the service is out, the wait cannot fail. */
	struct removal *r = kmalloc(sizeof(*r));
	const struct sv_patch_service **slot;
	uint64_t flags;

	if (!r)
		return SV_ENOMEM;
	flags = spin_lock_irqsave(&lock);
	slot = slot_of(name, strlen(name));
	if (slot)
		__atomic_store_n(slot, NULL, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&lock, flags);
	if (!slot) {
		kfree(r);
		return SV_ENOENT;
	}
	*r = (struct removal){ .removed = removed, .arg = arg };
	generation_request_into(&r->quiescence, removal_quiesced, r);
	return SV_OK;
}

struct removal_wait {
	struct thread *thread;
	int done;
};

static void wake_remover(void *arg)
{
	struct removal_wait *w = arg;
	struct thread *t = w->thread; /* w is gone once done is seen */

	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	thread_wake(t);
}

int service_registry_remove_wait(const char *name)
{
	struct removal_wait w = { .thread = thread_current() };
	int err;

	if (!(w.thread->flags & THREAD_DAEMON))
		return SV_EINVAL;
	err = service_registry_remove(name, wake_remover, &w);
	while (err == SV_OK && !__atomic_load_n(&w.done, __ATOMIC_ACQUIRE))
		thread_block();
	return err;
}

void service_registry_for_each(void (*fn)(const char *name, void *arg), void *arg)
{
	uint64_t flags = spin_lock_irqsave(&lock);

	for (unsigned i = 0; i < SERVICE_REGISTRY_MAX; i++)
		if (slots[i])
			fn(slots[i]->name, arg);
	spin_unlock_irqrestore(&lock, flags);
}
