// SPDX-License-Identifier: GPL-2.0-only
/* PLACEHOLDERS, deleted at merge (see the header): fixed tables; nothing
 * dispatches to the services yet, so no thread is ever inside one. */
#include <stdbool.h>

#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#include "pending_registry_placeholders.h"

#define PLACEHOLDER_MAX 16

struct named_object {
	const char *name;
	coid_t id;
	uint32_t version;
};

static struct spinlock lock = SPINLOCK_INIT;
static struct named_object objects[PLACEHOLDER_MAX];
static const struct sv_patch_service *services[PLACEHOLDER_MAX];

/* The entry called `name`, else a free one when `free_ok`, else NULL. */
static struct named_object *object_slot(const char *name, bool free_ok)
{
	struct named_object *free_one = NULL;

	for (int i = 0; i < PLACEHOLDER_MAX; i++) {
		if (objects[i].name && strcmp(objects[i].name, name) == 0)
			return &objects[i];
		if (!objects[i].name && !free_one)
			free_one = &objects[i];
	}
	return free_ok ? free_one : NULL;
}

int object_registry_add(const char *name, coid_t id, uint32_t version)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct named_object *o = object_slot(name, true);

	if (o)
		*o = (struct named_object){ name, id, version };
	spin_unlock_irqrestore(&lock, flags);
	return o ? SV_OK : SV_ENOMEM;
}

int object_registry_lookup(const char *name, coid_t *id, uint32_t *version)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct named_object *o = object_slot(name, false);

	if (o) {
		*id = o->id;
		*version = o->version;
	}
	spin_unlock_irqrestore(&lock, flags);
	return o ? SV_OK : SV_ENOENT;
}

int object_registry_set_version(const char *name, uint32_t version)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct named_object *o = object_slot(name, false);

	if (o)
		o->version = version;
	spin_unlock_irqrestore(&lock, flags);
	return o ? SV_OK : SV_ENOENT;
}

int object_registry_json(char *out, size_t cap)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	size_t n = (size_t)snprintf(out, cap, "[");

	for (int i = 0; i < PLACEHOLDER_MAX && n < cap; i++)
		if (objects[i].name)
			n += (size_t)snprintf(out + n, cap - n, "%s{\"name\":\"%s\",\"version\":%u}",
					      n > 1 ? "," : "", objects[i].name, objects[i].version);
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, "]");
	spin_unlock_irqrestore(&lock, flags);
	return n < cap ? (int)n : SV_ENOMEM;
}

int service_registry_add(const struct sv_patch_service *svc)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	int status = SV_ENOMEM;

	for (int i = 0; i < PLACEHOLDER_MAX; i++) {
		if (services[i] && strcmp(services[i]->name, svc->name) == 0) {
			status = SV_EEXIST;
			break;
		}
		if (!services[i] && status == SV_ENOMEM)
			status = i;
	}
	if (status >= 0) {
		services[status] = svc;
		status = SV_OK;
	}
	spin_unlock_irqrestore(&lock, flags);
	return status;
}

void service_registry_remove(const struct sv_patch_service *svc)
{
	uint64_t flags = spin_lock_irqsave(&lock);

	for (int i = 0; i < PLACEHOLDER_MAX; i++)
		if (services[i] == svc)
			services[i] = NULL;
	spin_unlock_irqrestore(&lock, flags);
}

int service_registry_idle(const struct sv_patch_service *svc)
{
	(void)svc;
	return 1;
}

void service_registry_for_each(void (*fn)(const char *name, void *arg), void *arg)
{
	uint64_t flags = spin_lock_irqsave(&lock);

	for (int i = 0; i < PLACEHOLDER_MAX; i++)
		if (services[i])
			fn(services[i]->name, arg);
	spin_unlock_irqrestore(&lock, flags);
}
