// SPDX-License-Identifier: GPL-2.0-only
/* SV_CTL_UPDATE_INFO's JSON (kernel/update.h): what runs, at which
 * version, and the free pages, by which the host checks that apply and
 * rollback cycles give back all they took. */
#include <stdarg.h>

#include <kernel/page_alloc.h>
#include <kernel/printf.h>

#include "module_impl.h"
#include <kernel/object_registry.h>
#include <kernel/service_registry.h>

/* A cursor that stops writing (and remembers it) when out is full. */
struct json {
	char *out;
	size_t cap, len;
	bool full;
};

static void emit(struct json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->out + j->len, j->cap - j->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= j->cap - j->len)
		j->full = true;
	else
		j->len += (size_t)n;
}

/* A comma before every element but the first of an array. */
static const char *sep(const struct json *j)
{
	return j->out[j->len - 1] == '[' ? "" : ",";
}

static void class_json(struct factory_class *cls, void *arg)
{
	struct json *j = arg;

	emit(j, "%s{\"name\":\"%s\",\"version\":%u,\"instances\":%llu}", sep(j), cls->name,
	     factory_impl(cls)->version, (unsigned long long)factory_count(cls, NULL));
}

static void service_json(const char *name, void *arg)
{
	struct json *j = arg;

	emit(j, "%s\"%s\"", sep(j), name);
}

static void module_json(const struct module *m, void *arg)
{
	struct json *j = arg;

	emit(j, "%s{\"handle\":%u,\"id\":\"%s\",\"version\":%u,\"state\":\"%s\"}", sep(j),
	     m->handle, m->header->id, m->header->version, module_state_name(m->state));
}

static void objects_json(struct json *j)
{
	int n;

	if (j->full)
		return;
	n = object_registry_json(j->out + j->len, j->cap - j->len);
	if (n < 0)
		j->full = true;
	else
		j->len += (size_t)n;
}

int update_info_json(char *out, size_t cap)
{
	struct json j = { out, cap, 0, cap == 0 };

	emit(&j, "{\"classes\":[");
	factory_for_each_class(class_json, &j);
	emit(&j, "],\"objects\":");
	objects_json(&j);
	emit(&j, ",\"services\":[");
	service_registry_for_each(service_json, &j);
	emit(&j, "],\"modules\":[");
	module_for_each(module_json, &j);
	emit(&j, "],\"free_pages\":%llu}", (unsigned long long)pages_free_count());
	return j.full ? SV_ENOMEM : (int)j.len;
}
