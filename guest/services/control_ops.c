// SPDX-License-Identifier: GPL-2.0-only
/* The control queue's operations (sv/ring.h's SV_CTL_*): the monitor's
 * commands to the guest. */
#include <kernel/fcm_file.h>
#include <kernel/fs.h>
#include <kernel/printf.h>
#include <kernel/request_ring.h>
#include <kernel/services.h>

static int serve_ping(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	return SV_OK;
}

/* One JSON object: the ring's counts and the file system's statistics. A
 * reply that does not fit is an error, never cut. */
static int serve_stats(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	char *out = (char *)data;
	struct request_ring_stats rs;
	int head, fs, tail;

	(void)req;
	request_ring_stats(&rs);
	head = snprintf(out, SV_RING_DATA_MAX, "{\"ring\":{\"served\":%llu,\"refused\":%llu},\"fs\":",
			(unsigned long long)rs.served, (unsigned long long)rs.refused);
	if (head < 0 || (unsigned)head >= SV_RING_DATA_MAX)
		return SV_ENOMEM;
	fs = fs_stats_json(out + head, SV_RING_DATA_MAX - (unsigned)head);
	if (fs < 0)
		return fs;
	tail = snprintf(out + head + fs, SV_RING_DATA_MAX - (unsigned)(head + fs), "}");
	if (tail != 1)
		return SV_ENOMEM;
	resp->len = (uint64_t)(head + fs + tail);
	return SV_OK;
}

static int serve_fcm_policy(const struct sv_ring_req *req, uint8_t *data,
			    struct sv_ring_resp *resp)
{
	(void)data, (void)resp;
	if (req->arg >= SV_FCM_POLICY_MAX)
		return SV_EINVAL;
	return fcm_set_policy((enum sv_fcm_policy)req->arg);
}

static const struct ring_op control_ops[SV_CTL_MAX] = {
	[SV_CTL_PING] = { serve_ping, false },
	[SV_CTL_STATS] = { serve_stats, false },
	[SV_CTL_FCM_POLICY] = { serve_fcm_policy, false },
};

const struct ring_service control_service = { "control", control_ops, SV_CTL_MAX };
