// SPDX-License-Identifier: GPL-2.0-only
/* The control queue's operations (sv/ring.h's SV_CTL_*): the monitor's
 * commands to the guest. */
#include <kernel/printf.h>
#include <kernel/request_ring.h>
#include <kernel/services.h>

static int serve_ping(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	return SV_OK;
}

/* One JSON object; a reply that does not fit is an error, never cut. */
static int serve_stats(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	struct request_ring_stats rs;
	int n;

	(void)req;
	request_ring_stats(&rs);
	n = snprintf((char *)data, SV_RING_DATA_MAX,
		     "{\"ring\":{\"served\":%llu,\"refused\":%llu}}",
		     (unsigned long long)rs.served, (unsigned long long)rs.refused);
	if (n < 0 || (unsigned)n >= SV_RING_DATA_MAX)
		return SV_ENOMEM;
	resp->len = (uint64_t)n;
	return SV_OK;
}

static const struct ring_op control_ops[SV_CTL_MAX] = {
	[SV_CTL_PING] = { serve_ping, false },
	[SV_CTL_STATS] = { serve_stats, false },
};

const struct ring_service control_service = { "control", control_ops, SV_CTL_MAX };
