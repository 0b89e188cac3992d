// SPDX-License-Identifier: GPL-2.0-only
/* The service queues' operations (sv/ring.h's SV_OP_*): the counters and
 * the descriptor allocator's exercise here, the file system's in
 * file_ops.c, patched-in services in the service registry. "payload"
 * marks the operations whose len counts bytes of the slot's data (in or
 * out). */
#include <kernel/descriptor_allocator.h>
#include <kernel/request_ring.h>
#include <kernel/service_registry.h>
#include <kernel/services.h>

#include "file_ops.h"

static int serve_nop(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	return SV_OK;
}

static int serve_counter_add(const struct sv_ring_req *req, uint8_t *data,
			     struct sv_ring_resp *resp)
{
	(void)data;
	if (req->arg >= SV_COUNTERS)
		return SV_EINVAL;
	resp->value = (uint64_t)counter_service_add((unsigned)req->arg, (int64_t)req->offset);
	return SV_OK;
}

static int serve_counter_read(const struct sv_ring_req *req, uint8_t *data,
			      struct sv_ring_resp *resp)
{
	(void)data;
	if (req->arg >= SV_COUNTERS)
		return SV_EINVAL;
	resp->value = (uint64_t)counter_service_value((unsigned)req->arg);
	return SV_OK;
}

/* offset: milliseconds to stay inside the allocator first. */
static int serve_descriptors(const struct sv_ring_req *req, uint8_t *data,
			     struct sv_ring_resp *resp)
{
	(void)data;
	return descriptor_exercise(req->arg, req->offset, &resp->value);
}

static const struct ring_op service_ops[SV_OP_MAX] = {
	[SV_OP_NOP] = { serve_nop, false },
	[SV_OP_CREATE] = { file_op_create, false },
	[SV_OP_MKDIR] = { file_op_mkdir, false },
	[SV_OP_WRITE] = { file_op_write, true },
	[SV_OP_APPEND] = { file_op_append, true },
	[SV_OP_READ] = { file_op_read, true },
	[SV_OP_TRUNCATE] = { file_op_truncate, false },
	[SV_OP_DELETE] = { file_op_delete, false },
	[SV_OP_STAT] = { file_op_stat, false },
	[SV_OP_FSYNC] = { file_op_fsync, false },
	[SV_OP_READDIR] = { file_op_readdir, false },
	[SV_OP_COUNTER_ADD] = { serve_counter_add, false },
	[SV_OP_COUNTER_READ] = { serve_counter_read, false },
	[SV_OP_CALL] = { service_registry_call, true },
	[SV_OP_DESCRIPTORS] = { serve_descriptors, false },
	[SV_OP_CHECKSUM] = { file_op_checksum, false },
};

const struct ring_service file_service = { "services", service_ops, SV_OP_MAX };
