/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The load generator's core: runs a mix over attached ring queues, one
 * ring_client per queue, on one thread. Closed loop (each queue keeps
 * `concurrency` tasks going) or open loop (requests issued on a fixed
 * schedule; latency counts from the scheduled time, so a stalled service
 * shows as latency, not as fewer requests). Every answer is verified.
 */
#ifndef SV_LOADGEN_ENGINE_H
#define SV_LOADGEN_ENGINE_H

#include <signal.h>

#include "mix.h"
#include "ring_client.h"
#include "stats.h"

struct lg_engine_config {
	struct lg_mix_config mix;
	double rate;                  /* requests/s over all queues, 0: closed loop */
	unsigned lost_after_ms;
	unsigned timeout_ms;          /* late above this */
	unsigned window_ms;
	/* Raised by signals: at 1 the mix winds down (no new transactions,
	 * its files deleted), at 2 submitting stops at once. */
	volatile sig_atomic_t *stop;
};

/* Runs until the mix is done (or *stop), filling stats (lg_stats_free
 * it). 0, or -1 with err set when the run could not start. */
int lg_run(const struct lg_engine_config *cfg, struct ring_client *clients,
	   struct lg_stats *stats, char err[256]);

#endif
