// SPDX-License-Identifier: GPL-2.0-only
/* The service queues' operations (sv/ring.h's SV_OP_*): the counters
 * here, the file system's in file_ops.c. */
#include <kernel/request_ring.h>
#include <kernel/services.h>

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

static const struct ring_op service_ops[SV_OP_MAX] = {
	[SV_OP_NOP] = { serve_nop, false },
	[SV_OP_COUNTER_ADD] = { serve_counter_add, false },
	[SV_OP_COUNTER_READ] = { serve_counter_read, false },
};

const struct ring_service file_service = { "services", service_ops, SV_OP_MAX };
