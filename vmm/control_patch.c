// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control commands a patch monitor uses (patcher/monitor.c): where the
 * patch area is and what the VMM was told to trust, the guest's update
 * state, and one update step at a time over the control queue. The
 * monitor decides what to do; the VMM only carries the steps and checks
 * the guest's answers, which are untrusted input like everything else
 * from the guest.
 */
#include <stdio.h>
#include <string.h>

#include <sv/patch.h>
#include <sv/ring.h>

#include "control_patch.h"
#include "guest_control.h"
#include "ring_client.h"

json_t *control_patch_area(struct vm *vm, struct control_session *s,
			   const struct control_request *req, int *stop_status)
{
	json_t *keys = json_array();

	(void)req, (void)stop_status;
	for (unsigned i = 0; i < vm->trust.nkeys; i++)
		json_array_append_new(keys, json_string(vm->trust.key_files[i]));
	s->send_fds[s->n_send_fds++] = vm->ram_fd;
	return json_pack("{s:b, s:o, s:o, s:o, s:s, s:s, s:o, s:b}", "ok", 1,
			 "base", control_hex(vm->patch_base),
			 "size", control_hex(SV_PATCH_AREA_SIZE),
			 "ram_size", control_hex(vm->ram_size),
			 "kernel", vm->kernel_path, "build_id", vm->kernel_build_id,
			 "trusted_keys", keys,
			 "allow_unsigned", vm->trust.allow_unsigned);
}

json_t *control_update_info(struct vm *vm, struct control_session *s,
			    const struct control_request *req, int *stop_status)
{
	static uint8_t text[SV_RING_DATA_MAX]; /* the control thread's alone */
	char err[GUEST_CONTROL_ERROR_MAX];
	size_t len;
	json_t *info;

	(void)s, (void)req, (void)stop_status;
	if (guest_control_call(vm, &(struct guest_call){ .op = SV_CTL_UPDATE_INFO }, text,
			       sizeof(text), &len, err))
		return control_error("update-info: %s", err);
	info = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(info)) {
		json_decref(info);
		return control_error("update-info: the guest's answer is not a JSON object");
	}
	return json_pack("{s:b, s:o}", "ok", 1, "info", info);
}

/* The guest wrote the detail: keep it printable ASCII and terminated
 * before it goes into a JSON string and a user's terminal. */
static void sanitize_detail(char *detail)
{
	detail[SV_PATCH_DETAIL_MAX - 1] = '\0';
	for (char *c = detail; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
}

static json_t *timings_json(const struct sv_patch_timings *t)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
			 "forward_ns", control_u64(t->forward_ns),
			 "block_ns", control_u64(t->block_ns),
			 "transfer_ns", control_u64(t->transfer_ns),
			 "complete_ns", control_u64(t->complete_ns),
			 "longest_blocked_ns", control_u64(t->longest_blocked_ns),
			 "swaps", control_u64(t->swaps));
}

static json_t *step_answer(const struct sv_patch_step_resp *r)
{
	const char *name = r->status ? ring_status_name(r->status) : "SV_OK";

	return json_pack("{s:b, s:i, s:s, s:I, s:o, s:o, s:o, s:s}", "ok", 1,
			 "status", r->status, "status_name", name, "handle", (json_int_t)r->handle,
			 "done", control_u64(r->done), "tracked", control_u64(r->tracked),
			 "timings", timings_json(&r->timings), "detail", r->detail);
}

/* The guest gets the step's own swap timeout plus this long to answer. */
#define STEP_ANSWER_SLACK_MS 5000u

json_t *control_patch_step(struct vm *vm, struct control_session *s,
			   const struct control_request *req, int *stop_status)
{
	const char *step = control_patch_step_name(req->step.step);
	struct guest_call call = {
		.op = SV_CTL_PATCH, .in = &req->step, .in_len = sizeof(req->step),
		.timeout_ms = (unsigned)(req->step.timeout_us / 1000) + STEP_ANSWER_SLACK_MS,
	};
	struct sv_patch_step_resp resp;
	char err[GUEST_CONTROL_ERROR_MAX];
	size_t len;

	(void)s, (void)stop_status;
	if (guest_control_call(vm, &call, (uint8_t *)&resp, sizeof(resp), &len, err))
		return control_error("patch-step %s: %s", step, err);
	if (len != sizeof(resp))
		return control_error("patch-step %s: the guest answered %zu bytes, not %zu", step,
				     len, sizeof(resp));
	if (resp.status && !ring_status_known(resp.status))
		return control_error("patch-step %s: the guest answered unknown status %d", step,
				     resp.status);
	sanitize_detail(resp.detail);
	return step_answer(&resp);
}
