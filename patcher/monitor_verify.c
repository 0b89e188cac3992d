// SPDX-License-Identifier: GPL-2.0-only
/*
 * Before anything reaches the guest: is the bundle signed by a trusted
 * key, built for this guest, are its dependencies applied, and does it
 * update the versions that are running. Each refusal names what is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "monitor_apply.h"
#include "signature.h"

static int verify_signature(struct monitor *m, const struct bundle *b, char err[MONITOR_ERR_MAX])
{
	uint8_t keys[8][SIGNATURE_KEY_BYTES];
	size_t n = 0, i;
	json_t *file;
	char why[512];
	enum signature_status st;

	json_array_foreach(m->vmm.trusted_keys, i, file) {
		if (n == sizeof(keys) / sizeof(keys[0]))
			break;
		if (key_read(json_string_value(file), keys[n], why, sizeof(why))) {
			snprintf(err, MONITOR_ERR_MAX, "trusted key: %s", why);
			return -1;
		}
		n++;
	}
	st = signature_verify(b, (const uint8_t (*)[SIGNATURE_KEY_BYTES])keys, n, why, sizeof(why));
	if (st == SIGNATURE_OK)
		return 0;
	if (st == SIGNATURE_UNSIGNED && m->vmm.allow_unsigned) {
		monitor_progress(m, "warning", NULL, "warning: %s: applying it because the VMM "
				 "runs with --allow-unsigned-patches", why);
		return 0;
	}
	snprintf(err, MONITOR_ERR_MAX, "%s", why);
	return -1;
}

static int verify_dependencies(struct monitor *m, const struct bundle *b,
			       char err[MONITOR_ERR_MAX])
{
	for (size_t i = 0; i < b->ndeps; i++) {
		const struct sv_patch_dep *d = &b->deps[i];
		struct patch_record *r = monitor_find(m, d->id);
		json_int_t have = r ? json_integer_value(json_object_get(r->begin, "version")) : 0;

		if (!r || r->state != PATCH_COMMITTED || have < d->min_version) {
			snprintf(err, MONITOR_ERR_MAX, "%s: depends on patch %s version >= %u, which %s",
				 b->path, d->id, d->min_version,
				 !r ? "is not applied" : have < d->min_version ?
				 "is applied at an older version" : "is not committed");
			return -1;
		}
	}
	if (monitor_find(m, b->header.id)) {
		snprintf(err, MONITOR_ERR_MAX, "%s: patch %s is already applied (roll it back first)",
			 b->path, b->header.id);
		return -1;
	}
	return 0;
}

/* The entry named `name` in the guest's list `list` ("classes",
 * "objects", "services"), or NULL. */
static json_t *guest_entry(json_t *info, const char *list, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(info, list), i, e) {
		const char *n = json_is_string(e) ? json_string_value(e)
			      : json_string_value(json_object_get(e, "name"));

		if (n && !strcmp(n, name))
			return e;
	}
	return NULL;
}

static int check_version(json_t *info, const char *list, const char *kind, const char *name,
			 uint32_t from, uint32_t to, const char *path, char err[MONITOR_ERR_MAX])
{
	json_t *e = guest_entry(info, list, name);
	json_int_t running = json_integer_value(json_object_get(e, "version"));

	if (!e)
		snprintf(err, MONITOR_ERR_MAX, "%s: the guest has no %s %s", path, kind, name);
	else if (running != from)
		snprintf(err, MONITOR_ERR_MAX, "%s: %s %s runs version %lld, the bundle updates "
			 "version %u to %u", path, kind, name, (long long)running, from, to);
	else
		return 0;
	return -1;
}

static int verify_versions(const struct bundle *b, json_t *info, char err[MONITOR_ERR_MAX])
{
	for (size_t i = 0; i < b->nclasses; i++) {
		const struct sv_patch_class *c = &b->classes[i].rec;

		if (check_version(info, "classes", "class", c->name, c->from_version,
				  c->to_version, b->path, err))
			return -1;
	}
	for (size_t i = 0; i < b->nobjects; i++) {
		const struct sv_patch_object *o = &b->objects[i].rec;

		if (check_version(info, "objects", "object", o->name, o->from_version,
				  o->to_version, b->path, err))
			return -1;
	}
	for (size_t i = 0; i < b->nservices; i++) {
		if (guest_entry(info, "services", b->services[i].rec.name)) {
			snprintf(err, MONITOR_ERR_MAX, "%s: the guest already has a service %s",
				 b->path, b->services[i].rec.name);
			return -1;
		}
	}
	return 0;
}

/* Bundles are linked against the kernel file's symbols: that file must
 * still be what the VMM booted. */
static int verify_running_kernel(const struct monitor *m, const struct guest_image *g,
				 char err[MONITOR_ERR_MAX])
{
	char file_id[2 * SV_PATCH_BUILD_ID_MAX + 1];

	build_id_hex(g->build_id, g->build_id_len, file_id);
	if (!strcmp(file_id, m->vmm.build_id))
		return 0;
	snprintf(err, MONITOR_ERR_MAX,
		 "%s has build-id %s, but the running guest was booted from build-id %s: the "
		 "file changed since boot, so its symbols are not the running kernel's",
		 g->path, file_id, m->vmm.build_id[0] ? m->vmm.build_id : "(none)");
	return -1;
}

int monitor_verify(struct monitor *m, const struct bundle *b, const struct guest_image *g,
		   json_t *info, char err[MONITOR_ERR_MAX])
{
	if (verify_signature(m, b, err))
		return -1;
	if (verify_running_kernel(m, g, err))
		return -1;
	if (patch_check_target(b, g, err, MONITOR_ERR_MAX))
		return -1;
	if (verify_dependencies(m, b, err))
		return -1;
	return verify_versions(b, info, err);
}
