// SPDX-License-Identifier: GPL-2.0-only
/*
 * FACTORY and INSTANCES (seed 004 §4.2.6): a class's factory is hot-swapped
 * to one of the new version, whose import takes over the instance list,
 * then the instances of the list as it was then are swapped to roots of
 * the new class, a batch per step. Reverting INSTANCES swaps a batch back
 * to roots of the old class; reverting FACTORY puts a factory of the old
 * version back and converts every instance still of the new version,
 * those the new factory created meanwhile included.
 */
#include <kernel/co_root.h>
#include <kernel/printf.h>

#include "module_impl.h"

struct class_step {
	const struct sv_patch_class *pc;
	struct class_change *ch;
	struct factory_class *cls;
};

static int find_change(struct module *m, uint32_t change, struct class_step *s,
		       struct swap_result *out)
{
	if (change >= m->nclasses)
		return update_fail(out, SV_EINVAL, "module %s has %llu class changes, not %u",
				   m->header->id, (unsigned long long)m->nclasses, change + 1);
	s->pc = &m->classes[change];
	s->ch = &m->class_changes[change];
	s->cls = factory_class_find(s->pc->name);
	if (!s->cls)
		return update_fail(out, SV_ENOENT, "no class %s", s->pc->name);
	return SV_OK;
}

static int swap_factory(struct factory_class *cls, const struct sv_class_impl *to,
			uint64_t timeout_us, struct swap_result *out)
{
	struct co_root *root = factory_root_create(to);
	struct co_swap *swap;
	char what[80];
	int error;

	snprintf(what, sizeof(what), "class %s factory (to version %u)", cls->name, to->version);
	if (!root)
		return update_fail(out, SV_ENOMEM, "%s: no memory for the new factory", what);
	error = update_hot_swap(cls->ref, root, timeout_us, &swap, out, what);
	if (error) {
		root->ops->destroy(root);
		return error;
	}
	co_swap_commit(swap);
	return SV_OK;
}

/* Swaps snap[first, first + count) to `to`; stops at the first failure. */
static int swap_batch(struct factory_class *cls, struct factory_instance **snap, uint64_t first,
		      uint64_t count, const struct sv_class_impl *to, uint64_t timeout_us,
		      struct swap_result *out)
{
	for (uint64_t k = first; k < first + count; k++) {
		int error = factory_class_swap_instance(cls, snap[k], to, timeout_us, out);

		if (error)
			return error;
	}
	return SV_OK;
}

static int factory_apply(struct class_step *s, uint64_t timeout_us,
			 struct sv_patch_step_resp *resp, struct swap_result *out)
{
	const struct sv_class_impl *running = factory_impl(s->cls);
	int error;

	if (running != s->pc->impl) {
		if (running->version != s->pc->from_version)
			return update_fail(out, SV_ESTALE,
					   "class %s: the update is from version %u, but version %u runs",
					   s->pc->name, s->pc->from_version, running->version);
		error = swap_factory(s->cls, s->pc->impl, timeout_us, out);
		if (error)
			return error;
		s->ch->old_impl = running;
		out->done++;
	}
	if (!s->ch->snapshot && factory_snapshot(s->cls, &s->ch->snapshot, &s->ch->nsnapshot))
		return update_fail(out, SV_ENOMEM, "class %s: no memory for the instance list",
				   s->pc->name);
	resp->tracked = s->ch->nsnapshot;
	return SV_OK;
}

/* Every instance, the new factory's too, back to the old version. */
static int convert_back(struct class_step *s, uint64_t timeout_us, struct swap_result *out)
{
	struct factory_instance **all;
	uint64_t n;
	int error;

	if (factory_snapshot(s->cls, &all, &n))
		return update_fail(out, SV_ENOMEM, "class %s: no memory for the instance list",
				   s->pc->name);
	error = swap_batch(s->cls, all, 0, n, s->ch->old_impl, timeout_us, out);
	factory_snapshot_free(all, n);
	return error;
}

static int factory_revert(struct class_step *s, uint64_t timeout_us, struct swap_result *out)
{
	int error;

	if (!s->ch->old_impl)
		return SV_OK;
	if (factory_impl(s->cls) == s->pc->impl) {
		error = swap_factory(s->cls, s->ch->old_impl, timeout_us, out);
		if (error)
			return error;
	}
	error = convert_back(s, timeout_us, out);
	if (error)
		return error;
	factory_snapshot_free(s->ch->snapshot, s->ch->nsnapshot);
	*s->ch = (struct class_change){ 0 };
	return SV_OK;
}

int step_factory(struct module *m, const struct sv_patch_step_req *req, bool revert,
		 struct sv_patch_step_resp *resp, struct swap_result *out)
{
	struct class_step s;
	int error = find_change(m, req->change, &s, out);

	if (error)
		return error;
	return revert ? factory_revert(&s, req->timeout_us, out)
		      : factory_apply(&s, req->timeout_us, resp, out);
}

/* A batch that fails going forward is swapped back: the step changes
 * all of its instances or none. */
int step_instances(struct module *m, const struct sv_patch_step_req *req, bool revert,
		   struct swap_result *out)
{
	struct class_step s;
	const struct sv_class_impl *to;
	int error = find_change(m, req->change, &s, out);

	if (error)
		return error;
	/* Nothing to revert batch by batch before FACTORY, or after COMMIT let
	 * the snapshot go: reverting FACTORY converts every instance back. */
	if (revert && (!s.ch->old_impl || !s.ch->snapshot))
		return SV_OK;
	if (!s.ch->old_impl)
		return update_fail(out, SV_EINVAL, "class %s: INSTANCES before FACTORY", s.pc->name);
	if (req->first > s.ch->nsnapshot || req->count > s.ch->nsnapshot - req->first)
		return update_fail(out, SV_EINVAL, "class %s: instances [%u, +%u) of %llu",
				   s.pc->name, req->first, req->count,
				   (unsigned long long)s.ch->nsnapshot);
	to = revert ? s.ch->old_impl : s.pc->impl;
	error = swap_batch(s.cls, s.ch->snapshot, req->first, req->count, to, req->timeout_us, out);
	if (error && !revert) {
		/* out keeps the first failure's detail; its time counts. */
		swap_batch(s.cls, s.ch->snapshot, req->first, req->count, s.ch->old_impl,
			   req->timeout_us, out);
		out->done = 0;
	}
	return error;
}
