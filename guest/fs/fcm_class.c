// SPDX-License-Identifier: GPL-2.0-only
/* Class "fcm" (kernel/fcm_class.h): version 0, and its instances' class
 * updates, which the swapper runs. */
#include <kernel/fcm_class.h>

#include "fcm_file_impl.h"
#include "fcm_impl.h"

static struct co_root *v0_make_root(const void *args)
{
	const struct fcm_create_args *a = args;

	return fcm_root_create_in(fcm_v0_kinds, a->kind, a->backing, a->file);
}

static struct co_root *v0_make_swap_root(struct co_root *old)
{
	return fcm_root_create_like(fcm_v0_kinds, old);
}

const struct sv_class_impl fcm_class_v0 = {
	.name = "fcm",
	.version = 0,
	.make_root = v0_make_root,
	.make_swap_root = v0_make_swap_root,
};

/* ---- class updates of instances, on the swapper --------------------------- */

struct reclass {
	struct factory_instance *inst;
	const struct sv_class_impl *to;
	uint64_t timeout_us;
	struct swap_result *out;
	int status;
};

/* On the swapper thread, so no kind change or monitor change of the file
 * can run meanwhile. A file being deleted (no reference left to pin) is
 * left alone: nothing calls its FCM any more. */
static void reclass_on_swapper(void *arg)
{
	struct reclass *r = arg;
	struct fcm_file *f = factory_instance_pin(&fcm_class, r->inst, fcm_file_tryget);

	if (!f)
		return;
	fcm_swapper_monitor_off(f);
	r->status = factory_swap_instance(r->inst, r->to, r->timeout_us, r->out);
	fcm_swapper_monitor_on(f);
	fcm_file_put(f);
}

static int fcm_swap_instance(struct factory_instance *inst, const struct sv_class_impl *to,
			     uint64_t timeout_us, struct swap_result *out)
{
	struct reclass r = { inst, to, timeout_us, out, SV_OK };

	fcm_swapper_run(reclass_on_swapper, &r);
	return r.status;
}

struct factory_class fcm_class = {
	.name = "fcm",
	.swap_instance = fcm_swap_instance,
};
