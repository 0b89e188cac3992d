// SPDX-License-Identifier: GPL-2.0-only
/* Runs the load generator's engine over a fake guest with a thread per
 * queue, and hands back its counts. */
#include <stdio.h>

#include "clock.h"
#include "engine.h"
#include "fake_fs.h"
#include "fake_guest.h"
#include "loadgen_shim.h"
#include "report.h"
#include "verify.h"

/* Reads back from the JSON report what the tests check of it. */
static void read_report(const struct lg_stats *stats, struct lgs_result *res)
{
	struct lg_options opts = { .mix = LG_MIX_POSTMARK, .timeout_ms = 1000 };
	struct lg_report_input in = { .opts = &opts, .queues = 1, .stats = stats };
	json_t *report = lg_report_json(&in), *w, *bucket;
	size_t i, j;

	res->report_start_ns = (int64_t)json_integer_value(json_object_get(report, "start_monotonic_ns"));
	res->report_checksums_right = (uint64_t)json_integer_value(json_object_get(report, "checksums_right"));
	res->report_checksums_buggy = (uint64_t)json_integer_value(json_object_get(report, "checksums_buggy"));
	json_array_foreach(json_object_get(report, "windows"), i, w)
		json_array_foreach(json_object_get(w, "histogram_us"), j, bucket)
			res->report_window_latencies += (uint64_t)json_integer_value(json_array_get(bucket, 1));
	json_decref(report);
}

static struct lgs_result run_on(struct fake_guest *g, const struct lgs_config *c)
{
	struct ring_client clients[SV_RING_QUEUES_MAX];
	struct lgs_result res = { .ret = -1 };
	struct lg_stats stats;
	char err[256];
	struct lg_engine_config cfg = {
		.mix = { .kind = (enum lg_mix_kind)c->mix, .queues = c->queues,
			 .concurrency = c->concurrency, .files = c->files,
			 .requests = c->requests, .seed = 42, .run_id = "test" },
		.rate = c->rate, .lost_after_ms = c->lost_after_ms, .timeout_ms = 1000,
		.window_ms = 100,
	};

	for (unsigned q = 0; q < c->queues; q++)
		if (ring_client_init(&clients[q], &g->queues[q], q, g->kick_fd[q], g->call_fd[q],
				     1000, err))
			return res;
	res.before_ns = (int64_t)monotonic_ns();
	res.ret = lg_run(&cfg, clients, &stats, err);
	res.after_ns = (int64_t)monotonic_ns();
	if (res.ret)
		return res;
	read_report(&stats, &res);
	res.requests = stats.counts.requests;
	res.ok = stats.counts.ok;
	res.wrong = stats.counts.wrong;
	res.lost = stats.counts.lost;
	res.late = stats.counts.late;
	res.rejected = stats.rejected;
	res.errors = stats.nerrors;
	snprintf(res.first_error, sizeof(res.first_error), "%s", stats.nerrors ? stats.errors[0] : "");
	lg_stats_free(&stats);
	return res;
}

struct lgs_result lgs_run(const struct lgs_config *c)
{
	struct fake_guest g;
	struct lgs_result res = { .ret = -1 };

	if (fake_guest_create(&g, c->queues, UINT32_MAX - 100))
		return res;
	g.fault = c->fault;
	g.fault_op = c->fault_op;
	g.fault_after = c->fault_after;
	fake_fs_checksum_bug(g.fs, c->checksum_bug);
	if (!fake_guest_start(&g))
		res = run_on(&g, c);
	fake_guest_stop(&g);
	res.guest_served = atomic_load(&g.served);
	fake_guest_destroy(&g);
	return res;
}

struct lgs_verdict lgs_verify_checksum(const uint8_t *content, size_t len, uint64_t answer)
{
	struct lgs_verdict v = { .verdict = LG_VERDICT_WRONG };
	struct lg_shadow sh = { 0 };
	struct sv_ring_resp resp = { .op = SV_OP_CHECKSUM, .value = answer };
	struct lg_task t;
	int file;

	lg_shadow_add(&sh, true, "/dir");
	file = lg_shadow_add(&sh, false, "/dir/file");
	if (file >= 0 && !lg_shadow_set(&sh.files[file], content, len) &&
	    !lg_task_checksum(&t, &sh, file)) {
		v.verdict = lg_verify(&sh, &t, &t.steps[0], &resp, NULL, v.why);
		lg_task_free(&t);
	} else {
		snprintf(v.why, sizeof(v.why), "out of memory building the shadow");
	}
	lg_shadow_free(&sh);
	return v;
}
