// SPDX-License-Identifier: GPL-2.0-only
/* The control queue's operations (sv/ring.h's SV_CTL_*): the monitor's
 * commands to the guest. */
#include <kernel/cobj.h>
#include <kernel/fcm_file.h>
#include <kernel/fs.h>
#include <kernel/heap.h>
#include <kernel/percpu.h>
#include <kernel/page_alloc.h>
#include <kernel/printf.h>
#include <kernel/request_ring.h>
#include <kernel/services.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/update.h>

static int serve_ping(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	(void)req, (void)data, (void)resp;
	return SV_OK;
}

static void drain_heap_cache(void *unused)
{
	(void)unused;
	heap_drain_cpu();
}

/* Every CPU's heap cache back in the slabs and the empty slabs freed, so
 * that free pages count what is really held. */
static void settle_memory(void)
{
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		smp_call(cpu, drain_heap_cache, NULL);
	heap_reclaim();
}

/* One JSON object: the ring's counts, free memory and live clustered
 * objects (a patch rolled back must leave both as they were), and the file
 * system's statistics. With arg 1 the heap's caches are given back first.
 * A reply that does not fit is an error, never cut. */
static int serve_stats(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	char *out = (char *)data;
	struct request_ring_stats rs;
	int head, fs, tail;

	if (req->arg > 1)
		return SV_EINVAL;
	if (req->arg)
		settle_memory();
	request_ring_stats(&rs);
	head = snprintf(out, SV_RING_DATA_MAX,
			"{\"ring\":{\"served\":%llu,\"refused\":%llu},"
			"\"memory\":{\"pages_free\":%llu,\"objects_alive\":%llu},\"fs\":",
			(unsigned long long)rs.served, (unsigned long long)rs.refused,
			(unsigned long long)pages_free_count(),
			(unsigned long long)co_objects_alive());
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

/* The request is copied out of the slot first: the host could change it
 * while the step runs. The answer is the whole sv_patch_step_resp, on
 * failure too (its detail says what failed). */
static int serve_patch(const struct sv_ring_req *req, uint8_t *data, struct sv_ring_resp *resp)
{
	struct sv_patch_step_req step;
	struct sv_patch_step_resp answer;

	if (req->len < sizeof(step))
		return SV_EINVAL;
	memcpy(&step, data, sizeof(step));
	update_step(&step, &answer);
	memcpy(data, &answer, sizeof(answer));
	resp->len = sizeof(answer);
	return SV_OK; /* the step's own result is in the answer (sv/patch.h) */
}

static int serve_update_info(const struct sv_ring_req *req, uint8_t *data,
			     struct sv_ring_resp *resp)
{
	int n = update_info_json((char *)data, SV_RING_DATA_MAX);

	(void)req;
	if (n < 0)
		return n;
	resp->len = (uint64_t)n;
	return SV_OK;
}

static const struct ring_op control_ops[SV_CTL_MAX] = {
	[SV_CTL_PING] = { serve_ping },
	[SV_CTL_STATS] = { serve_stats },
	[SV_CTL_FCM_POLICY] = { serve_fcm_policy },
	[SV_CTL_PATCH] = { serve_patch, .payload = true, .daemon = true },
	[SV_CTL_UPDATE_INFO] = { serve_update_info },
};

const struct ring_service control_service = { "control", control_ops, SV_CTL_MAX };
