// SPDX-License-Identifier: GPL-2.0-only
/* Runs the load generator's engine over a fake guest with a thread per
 * queue, and hands back its counts. */
#include <stdio.h>

#include "engine.h"
#include "fake_guest.h"
#include "loadgen_shim.h"

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
	res.ret = lg_run(&cfg, clients, &stats, err);
	if (res.ret)
		return res;
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
	if (!fake_guest_start(&g))
		res = run_on(&g, c);
	fake_guest_stop(&g);
	res.guest_served = atomic_load(&g.served);
	fake_guest_destroy(&g);
	return res;
}
