// SPDX-License-Identifier: GPL-2.0-only
/* The named single objects (kernel/object_registry.h): a small table under
 * one lock, since it changes only when an object is published or patched
 * and is read once per update step. */
#include <stdarg.h>
#include <stdbool.h>

#include <kernel/object_registry.h>
#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <sv/patch.h>

struct entry {
	char name[SV_PATCH_NAME_MAX];
	coid_t id;
	uint32_t version;
};

static struct spinlock lock = SPINLOCK_INIT;
static struct entry entries[OBJECT_REGISTRY_MAX];
static unsigned used;

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* Also what keeps the JSON writer from needing escapes. */
static bool valid_name(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (n + 1 >= SV_PATCH_NAME_MAX || !name_char(name[n]))
			return false;
	return n > 0;
}

/* With the lock held. */
static struct entry *find(const char *name)
{
	for (unsigned i = 0; i < used; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}

int object_registry_add(const char *name, coid_t id, uint32_t version)
{
	uint64_t flags;
	int err = SV_OK;

	if (!name || !valid_name(name) || !id)
		return SV_EINVAL;
	flags = spin_lock_irqsave(&lock);
	if (find(name))
		err = SV_EEXIST;
	else if (used == OBJECT_REGISTRY_MAX)
		err = SV_ENOMEM;
	else {
		memcpy(entries[used].name, name, strlen(name) + 1);
		entries[used].id = id;
		entries[used++].version = version;
	}
	spin_unlock_irqrestore(&lock, flags);
	return err;
}

int object_registry_lookup(const char *name, coid_t *id, uint32_t *version)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct entry *e = find(name);

	if (e && id)
		*id = e->id;
	if (e && version)
		*version = e->version;
	spin_unlock_irqrestore(&lock, flags);
	return e ? SV_OK : SV_ENOENT;
}

int object_registry_set_version(const char *name, uint32_t version)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	struct entry *e = find(name);

	if (e)
		e->version = version;
	spin_unlock_irqrestore(&lock, flags);
	return e ? SV_OK : SV_ENOENT;
}

/* Appends at *len; false once out[cap] has no room for all of it. */
static bool append(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= cap)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(out + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return false;
	*len += (size_t)n;
	return true;
}

int object_registry_json(char *out, size_t cap)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	size_t len = 0;
	bool fits = append(out, cap, &len, "[");

	for (unsigned i = 0; fits && i < used; i++)
		fits = append(out, cap, &len, "%s{\"name\":\"%s\",\"version\":%u}", i ? "," : "",
			      entries[i].name, entries[i].version);
	spin_unlock_irqrestore(&lock, flags);
	fits = fits && append(out, cap, &len, "]");
	return fits ? (int)len : SV_ENOMEM;
}
