// SPDX-License-Identifier: GPL-2.0-only
/*
 * OBJECT and SERVICE: one named object swapped to a root the module
 * makes (kept uncommitted, so reverting is the swap's rollback, until
 * COMMIT), and a patched-in request-ring service published.
 */
#include <kernel/co_root.h>
#include <kernel/printf.h>

#include "module_impl.h"
#include <kernel/object_registry.h>
#include <kernel/service_registry.h>

static int object_apply(const struct sv_patch_object *po, struct object_change *ch,
			uint64_t timeout_us, struct swap_result *out)
{
	struct co_root *root;
	uint32_t version;
	coid_t id;
	char what[64];
	int error;

	if (ch->swap)
		return SV_OK;
	if (object_registry_lookup(po->name, &id, &version))
		return update_fail(out, SV_ENOENT, "no object %s", po->name);
	if (version != po->from_version)
		return update_fail(out, SV_ESTALE,
				   "object %s: the update is from version %u, but version %u runs",
				   po->name, po->from_version, version);
	snprintf(what, sizeof(what), "object %s (version %u -> %u)", po->name, version,
		 po->to_version);
	root = po->make_root(co_root_of(id));
	if (!root)
		return update_fail(out, SV_ENOMEM, "%s: no new root", what);
	error = update_hot_swap(id, root, timeout_us, &ch->swap, out, what);
	if (error) {
		root->ops->destroy(root);
		ch->swap = NULL;
		return error;
	}
	object_registry_set_version(po->name, po->to_version);
	out->done++;
	return SV_OK;
}

static int object_revert(const struct sv_patch_object *po, struct object_change *ch,
			 uint64_t timeout_us, struct swap_result *out)
{
	char what[64];
	int error;

	if (!ch->swap)
		return SV_OK;
	snprintf(what, sizeof(what), "object %s (back to version %u)", po->name, po->from_version);
	error = update_swap_rollback(ch->swap, timeout_us, out, what);
	if (error)
		return error;
	ch->swap = NULL;
	object_registry_set_version(po->name, po->from_version);
	out->done++;
	return SV_OK;
}

int step_object(struct module *m, const struct sv_patch_step_req *req, bool revert,
		struct swap_result *out)
{
	if (req->change >= m->nobjects)
		return update_fail(out, SV_EINVAL, "module %s has %llu object changes, not %u",
				   m->header->id, (unsigned long long)m->nobjects, req->change + 1);
	return (revert ? object_revert : object_apply)(&m->objects[req->change],
							&m->object_changes[req->change],
							req->timeout_us, out);
}

/* Withdrawn, then waited for: the module's code may go only once no
 * thread is still inside the service (steps run on a daemon thread). */
static int service_withdraw(const struct sv_patch_service *ps, struct swap_result *out)
{
	int error = service_registry_remove_wait(ps->name);

	if (error == SV_OK || error == SV_ENOENT)
		return SV_OK;
	return update_fail(out, error, "service %s: its removal failed", ps->name);
}

int step_service(struct module *m, const struct sv_patch_step_req *req, bool revert,
		 struct swap_result *out)
{
	const struct sv_patch_service *ps;
	bool *published;
	int error;

	if (req->change >= m->nservices)
		return update_fail(out, SV_EINVAL, "module %s has %llu services, not %u",
				   m->header->id, (unsigned long long)m->nservices, req->change + 1);
	ps = &m->services[req->change];
	published = &m->service_published[req->change];
	if (*published == !revert)
		return SV_OK;
	error = revert ? service_withdraw(ps, out) : service_registry_add(ps);
	if (error)
		return update_fail(out, error, "service %s: %s failed", ps->name,
				   revert ? "removal" : "publication");
	*published = !revert;
	out->done++;
	return SV_OK;
}
