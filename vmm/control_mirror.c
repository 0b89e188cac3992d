// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control commands of mirrors (vmm/mirror.c). A mirror belongs to the
 * VM, not to the connection that started it: a patch monitor starts it in
 * one invocation and stops it in a later one, so it runs until
 * mirror-stop or the VMM's exit.
 */
#include <errno.h>
#include <string.h>

#include "control_mirror.h"
#include "mirror.h"

static json_t *stats_json(unsigned id, const struct mirror_stats *st)
{
	return json_pack("{s:b, s:I, s:o, s:o, s:o, s:o}", "ok", 1, "mirror", (json_int_t)id,
			 "trapped", control_u64(st->trapped), "passed", control_u64(st->passed),
			 "mirrored_bytes", control_u64(st->mirrored_bytes),
			 "trap_ns", control_u64(st->trap_ns));
}

json_t *control_mirror_start(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status)
{
	char err[CONTROL_ERROR_MAX - 16];
	unsigned id;

	(void)s, (void)stop_status;
	if (mirror_start(vm, &req->mirror, &id, err, sizeof(err)))
		return control_error("mirror-start: %s", err);
	return json_pack("{s:b, s:I}", "ok", 1, "mirror", (json_int_t)id);
}

static json_t *no_mirror(const struct control_request *req)
{
	if (!req->mirror_id)
		return control_error("%s: no running mirror has a copy at 0x%llx",
				     control_cmd_name(req->cmd), (unsigned long long)req->addr);
	return control_error("%s: no mirror %u is running", control_cmd_name(req->cmd),
			     req->mirror_id);
}

/* The mirror the request names, by id or by a copy's address. */
static int mirror_of(struct vm *vm, const struct control_request *req, unsigned *id)
{
	*id = req->mirror_id;
	return *id ? 0 : mirror_find(vm, req->addr, id);
}

json_t *control_mirror_stop(struct vm *vm, struct control_session *s,
			    const struct control_request *req, int *stop_status)
{
	struct mirror_stats st;
	unsigned id;
	int err = mirror_of(vm, req, &id);

	(void)s, (void)stop_status;
	if (!err)
		err = mirror_stop(vm, id, &st);
	if (err == -ENOENT)
		return no_mirror(req);
	if (err)
		return control_error("mirror-stop: mirror %u: unprotecting its pages: %s", id,
				     err == -ESHUTDOWN ? "the VM is stopping" : strerror(-err));
	return stats_json(id, &st);
}

json_t *control_mirror_stats(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status)
{
	struct mirror_stats st;
	unsigned id;

	(void)s, (void)stop_status;
	if (mirror_of(vm, req, &id) || mirror_get_stats(vm, id, &st))
		return no_mirror(req);
	return stats_json(id, &st);
}
