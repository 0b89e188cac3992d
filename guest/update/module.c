// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loaded modules (module_impl.h): LOAD checks the manifest the host wrote
 * into the patch area before anything of it is used, UNLOAD forgets a
 * module once nothing can still run its code.
 */
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/string.h>

#include "module_impl.h"

static uint64_t patch_base, patch_size;
static struct module modules[UPDATE_MODULES_MAX];
static uint32_t loads; /* makes handles of reused slots differ */

void update_init(const struct sv_boot_info *bi)
{
	patch_base = bi->patch_base;
	patch_size = bi->patch_size;
}

void update_patch_area(uint64_t *base, uint64_t *size)
{
	*base = patch_base;
	*size = patch_size;
}

/* ---- checking the manifest ------------------------------------------------ */

static bool in_area(uint64_t addr, uint64_t count, uint64_t size)
{
	uint64_t bytes = count * size;

	if (!count)
		return true; /* an empty table: the host leaves its address 0 */
	return count <= UPDATE_TABLE_MAX && addr >= patch_base &&
	       addr - patch_base <= patch_size && bytes <= patch_size - (addr - patch_base);
}

static bool terminated(const char *s, size_t cap)
{
	for (size_t i = 0; i < cap; i++)
		if (!s[i])
			return true;
	return false;
}

static bool named(const char *name)
{
	return name[0] && terminated(name, SV_PATCH_NAME_MAX);
}

static int check_classes(const struct sv_patch_class *c, uint64_t n, struct swap_result *out)
{
	for (uint64_t i = 0; i < n; i++) {
		if (!named(c[i].name) || !c[i].impl)
			return update_fail(out, SV_EINVAL, "class change %llu: no name or no class",
					   (unsigned long long)i);
		if (c[i].mode != SV_PATCH_EAGER)
			return update_fail(out, SV_EINVAL, "class %s: only eager update is supported",
					   c[i].name);
		if (strcmp(c[i].impl->name, c[i].name) || c[i].impl->version != c[i].to_version)
			return update_fail(out, SV_EINVAL,
					   "class %s: the implementation is %.32s version %u, not version %u",
					   c[i].name, c[i].impl->name, c[i].impl->version,
					   c[i].to_version);
	}
	return SV_OK;
}

static int check_names(const char *first, size_t stride, uint64_t n, const char *table,
		       struct swap_result *out)
{
	for (uint64_t i = 0; i < n; i++)
		if (!named(first + i * stride))
			return update_fail(out, SV_EINVAL, "%s %llu: no name", table,
					   (unsigned long long)i);
	return SV_OK;
}

static int check_module(const struct sv_patch_module *pm, struct swap_result *out)
{
	const struct sv_patch_header *h = (const void *)(uintptr_t)pm->header;

	if (!in_area(pm->header, 1, sizeof(*h)) ||
	    !in_area(pm->classes, pm->nclasses, sizeof(struct sv_patch_class)) ||
	    !in_area(pm->objects, pm->nobjects, sizeof(struct sv_patch_object)) ||
	    !in_area(pm->services, pm->nservices, sizeof(struct sv_patch_service)) ||
	    !in_area(pm->checks, pm->nchecks, sizeof(struct sv_patch_check)) ||
	    !in_area(pm->text_base, 1, pm->text_size) || !in_area(pm->data_base, 1, pm->data_size))
		return update_fail(out, SV_EFAULT,
				   "module at %#llx: a table lies outside the patch area [%#llx, +%#llx) or is too long",
				   (unsigned long long)(uintptr_t)pm, (unsigned long long)patch_base,
				   (unsigned long long)patch_size);
	if (h->magic != SV_PATCH_MAGIC || !terminated(h->id, sizeof(h->id)))
		return update_fail(out, SV_EINVAL, "module at %#llx: bad header",
				   (unsigned long long)(uintptr_t)pm);
	if (check_classes((const void *)(uintptr_t)pm->classes, pm->nclasses, out) ||
	    check_names((const void *)(uintptr_t)pm->objects, sizeof(struct sv_patch_object),
			pm->nobjects, "object change", out) ||
	    check_names((const void *)(uintptr_t)pm->services, sizeof(struct sv_patch_service),
			pm->nservices, "service", out) ||
	    check_names((const void *)(uintptr_t)pm->checks, sizeof(struct sv_patch_check),
			pm->nchecks, "check", out))
		return out->status;
	return SV_OK;
}

/* ---- the table ------------------------------------------------------------ */

static void module_free(struct module *m)
{
	kfree(m->class_changes);
	kfree(m->object_changes);
	kfree(m->service_published);
	*m = (struct module){ .state = MODULE_FREE };
}

/* The module's records, read once the manifest passed its checks; the
 * host may not change them while the module is loaded. */
static int module_fill(struct module *m, uint64_t addr, const struct sv_patch_module *pm)
{
	*m = (struct module){
		.state = MODULE_LOADED,
		.handle = (++loads << 4) | (uint32_t)(m - modules),
		.addr = addr,
		.header = (const void *)(uintptr_t)pm->header,
		.classes = (const void *)(uintptr_t)pm->classes,
		.objects = (const void *)(uintptr_t)pm->objects,
		.services = (const void *)(uintptr_t)pm->services,
		.checks = (const void *)(uintptr_t)pm->checks,
		.nclasses = pm->nclasses, .nobjects = pm->nobjects,
		.nservices = pm->nservices, .nchecks = pm->nchecks,
		.class_changes = kzalloc((pm->nclasses + 1) * sizeof(struct class_change)),
		.object_changes = kzalloc((pm->nobjects + 1) * sizeof(struct object_change)),
		.service_published = kzalloc((pm->nservices + 1) * sizeof(bool)),
	};
	if (m->class_changes && m->object_changes && m->service_published)
		return SV_OK;
	module_free(m);
	return SV_ENOMEM;
}

int step_load(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp,
	      struct swap_result *out)
{
	const struct sv_patch_module *pm = (const void *)(uintptr_t)req->module;
	struct module *free_slot = NULL;
	int error;

	if (!in_area(req->module, 1, sizeof(*pm)))
		return update_fail(out, SV_EFAULT, "module at %#llx: outside the patch area",
				   (unsigned long long)req->module);
	for (unsigned i = 0; i < UPDATE_MODULES_MAX; i++) {
		if (modules[i].state != MODULE_FREE && modules[i].addr == req->module) {
			resp->handle = modules[i].handle;
			return SV_OK;
		}
		if (modules[i].state == MODULE_FREE && !free_slot)
			free_slot = &modules[i];
	}
	if (!free_slot)
		return update_fail(out, SV_ENOMEM, "module %#llx: %u modules loaded already",
				   (unsigned long long)req->module, UPDATE_MODULES_MAX);
	error = check_module(pm, out);
	if (!error)
		error = module_fill(free_slot, req->module, pm);
	if (error)
		return update_fail(out, error, "module at %#llx: not loaded",
				   (unsigned long long)req->module);
	resp->handle = free_slot->handle;
	return SV_OK;
}

/* A module whose changes are applied, committed or not, has code that
 * runs: only one that never applied anything, or reverted it all, goes. */
int step_unload(struct module *m, const struct sv_patch_step_req *req, struct swap_result *out)
{
	if (module_applied(m))
		return update_fail(out, SV_EBUSY, "module %s: %s, its code is in use", m->header->id,
				   m->state == MODULE_COMMITTED ? "committed" : "changes applied");
	for (uint64_t i = 0; i < m->nclasses; i++)
		factory_snapshot_free(m->class_changes[i].snapshot, m->class_changes[i].nsnapshot);
	for (uint64_t i = 0; i < m->nclasses; i++)
		m->class_changes[i] = (struct class_change){ 0 };
	if (!update_quiesce(req->timeout_us))
		return update_fail(out, SV_ETIMEDOUT,
				   "module %s: threads alive at UNLOAD had not all ended after %llu us (waiting on CPU %u)",
				   m->header->id, (unsigned long long)req->timeout_us, cpu_id());
	module_free(m);
	return SV_OK;
}

struct module *module_find(uint32_t handle, struct swap_result *out)
{
	struct module *m = &modules[handle % 16 % UPDATE_MODULES_MAX];

	if (handle % 16 < UPDATE_MODULES_MAX && m->state != MODULE_FREE && m->handle == handle)
		return m;
	update_fail(out, SV_ENOENT, "no module with handle %#x is loaded", handle);
	return NULL;
}

void module_for_each(void (*fn)(const struct module *m, void *arg), void *arg)
{
	for (unsigned i = 0; i < UPDATE_MODULES_MAX; i++)
		if (modules[i].state != MODULE_FREE)
			fn(&modules[i], arg);
}

const char *module_state_name(enum module_state state)
{
	static const char *const names[] = { "free", "loaded", "applied", "committed", "reverted" };

	return names[state];
}

bool module_applied(const struct module *m)
{
	for (uint64_t i = 0; i < m->nclasses; i++)
		if (m->class_changes[i].old_impl)
			return true;
	for (uint64_t i = 0; i < m->nobjects; i++)
		if (m->object_changes[i].swap)
			return true;
	for (uint64_t i = 0; i < m->nservices; i++)
		if (m->service_published[i])
			return true;
	return false;
}

/* A committed module stays so until a rollback has undone all of it. */
void module_update_state(struct module *m)
{
	bool applied = module_applied(m);

	if (applied && m->state != MODULE_COMMITTED)
		m->state = MODULE_APPLIED;
	else if (!applied && (m->state == MODULE_APPLIED || m->state == MODULE_COMMITTED))
		m->state = MODULE_REVERTED;
}
