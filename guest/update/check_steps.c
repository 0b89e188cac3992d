// SPDX-License-Identifier: GPL-2.0-only
/* CHECK and COMMIT: a health check of the applied update, and keeping it
 * (what only a rollback before the commit needed is let go). */
#include <kernel/printf.h>

#include "module_impl.h"

int step_check(struct module *m, const struct sv_patch_step_req *req, struct swap_result *out)
{
	const struct sv_patch_check *pc;
	char why[SV_PATCH_WHY_MAX] = "";
	int result;

	if (req->change >= m->nchecks)
		return update_fail(out, SV_EINVAL, "module %s has %llu checks, not %u",
				   m->header->id, (unsigned long long)m->nchecks, req->change + 1);
	pc = &m->checks[req->change];
	result = pc->check(why);
	why[SV_PATCH_WHY_MAX - 1] = '\0';
	if (result == 0)
		return SV_OK;
	return update_fail(out, SV_ECANCELED, "module %s: health check %s failed (%d): %s",
			   m->header->id, pc->name, result, why[0] ? why : "(no reason given)");
}

/* Object swaps stay open: their old roots are what a rollback of the
 * committed patch swaps back to (with the reverse transfer), so they are
 * let go only by that rollback. Class snapshots go: reverting FACTORY
 * converts every instance back without one. */
int step_commit(struct module *m, struct swap_result *out)
{
	if (m->state == MODULE_COMMITTED)
		return SV_OK;
	if (!module_applied(m))
		return update_fail(out, SV_EINVAL, "module %s: nothing applied to commit",
				   m->header->id);
	for (uint64_t i = 0; i < m->nclasses; i++) {
		struct class_change *ch = &m->class_changes[i];

		factory_snapshot_free(ch->snapshot, ch->nsnapshot);
		ch->snapshot = NULL;
		ch->nsnapshot = 0;
	}
	m->state = MODULE_COMMITTED;
	return SV_OK;
}
