// SPDX-License-Identifier: GPL-2.0-only
/* One update step (kernel/update.h): the module it is for, the step's
 * work, and the answer with timings and detail. */
#include <kernel/string.h>
#include <kernel/thread.h>

#include "module_impl.h"

static int busy; /* a step is running */

/* The steps that change a loaded module's changes. */
static int change_step(struct module *m, const struct sv_patch_step_req *req,
		       struct sv_patch_step_resp *resp, struct swap_result *out)
{
	bool revert = req->flags & SV_PATCH_REVERT;

	switch (req->step) {
	case SV_PATCH_STEP_FACTORY:
		return step_factory(m, req, revert, resp, out);
	case SV_PATCH_STEP_INSTANCES:
		return step_instances(m, req, revert, out);
	case SV_PATCH_STEP_OBJECT:
		return step_object(m, req, revert, out);
	case SV_PATCH_STEP_SERVICE:
		return step_service(m, req, revert, out);
	case SV_PATCH_STEP_CHECK:
		return step_check(m, req, out);
	default:
		return step_commit(m, out);
	}
}

static int dispatch(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp,
		    struct swap_result *out)
{
	struct module *m;
	int status;

	if (req->step == SV_PATCH_STEP_LOAD)
		return step_load(req, resp, out);
	if (req->step == SV_PATCH_STEP_QUIESCE)
		return step_quiesce(req, out);
	if (req->step >= SV_PATCH_STEPS || (req->flags & ~SV_PATCH_REVERT))
		return update_fail(out, SV_EINVAL, "no patch step %u (flags %#x)", req->step,
				   req->flags);
	m = module_find(req->handle, out);
	if (!m)
		return out->status;
	if (req->step == SV_PATCH_STEP_UNLOAD)
		return step_unload(m, req, out);
	status = change_step(m, req, resp, out);
	module_update_state(m);
	return status;
}

static void answer(struct sv_patch_step_resp *resp, const struct swap_result *out, int status)
{
	resp->status = status;
	resp->done = out->done;
	resp->timings = out->timings;
	memcpy(resp->detail, out->detail, sizeof(resp->detail));
	resp->detail[sizeof(resp->detail) - 1] = '\0';
}

int update_step(const struct sv_patch_step_req *req, struct sv_patch_step_resp *resp)
{
	struct swap_result out = { 0 };
	int status;

	*resp = (struct sv_patch_step_resp){ 0 };
	if (!(thread_current()->flags & THREAD_DAEMON))
		status = update_fail(&out, SV_EINVAL, "patch steps hot-swap: they need a daemon thread");
	else if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		status = update_fail(&out, SV_EBUSY, "another patch step is running");
	else {
		status = dispatch(req, resp, &out);
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	}
	answer(resp, &out, status);
	return status;
}
