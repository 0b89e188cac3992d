// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine.h"
#include "verify.h"

#define IDLE_WAIT_MS 100

/* A task under way: at most one of its requests is in flight. */
struct flight {
	bool used;
	bool in_flight;
	unsigned slot;
	int64_t start_ns;  /* latency counts from here */
	int64_t sent_ns;   /* lost counts from here */
	struct lg_task task;
};

struct queue_run {
	struct ring_client *rc;
	struct flight flights[SV_RING_SLOTS];
	struct flight *by_slot[SV_RING_SLOTS];
	unsigned active;
	bool mix_done;
	uint64_t issued;   /* requests posted, for the open loop's schedule */
};

struct run {
	const struct lg_engine_config *cfg;
	struct lg_mix *mix;
	struct lg_shadow shadow;
	struct lg_stats *stats;
	struct queue_run *queues;
	unsigned nqueues;
	int64_t start_ns;
	double rate_per_queue;
};

static bool stopping(const struct run *r)
{
	return r->cfg->stop && *r->cfg->stop >= 2;
}

static void wind_down_if_asked(struct run *r)
{
	if (r->cfg->stop && *r->cfg->stop)
		r->mix->wind_down = true;
}

/* When the open loop's schedule wants queue qr's next request. */
static int64_t scheduled_ns(const struct run *r, const struct queue_run *qr)
{
	return r->start_ns + (int64_t)((double)qr->issued * 1e9 / r->rate_per_queue);
}

static void report_ring_error(void *ctx, const char *msg)
{
	struct run *r = ctx;

	r->stats->rejected++;
	lg_stats_error(r->stats, msg);
}

static uint64_t resp_max(const struct sv_ring_req *req)
{
	switch (req->op) {
	case SV_OP_READ: case SV_OP_WRITE: case SV_OP_APPEND: return req->len;
	case SV_OP_READDIR: return SV_RING_DATA_MAX;
	default: return 0;
	}
}

static void post_step(struct run *r, struct queue_run *qr, struct flight *f, int64_t now)
{
	const struct lg_step *s = &f->task.steps[f->task.cur];
	int slot = ring_client_get_slot(qr->rc);
	uint64_t len = s->req.len < SV_RING_DATA_MAX ? s->req.len : SV_RING_DATA_MAX;

	if (f->task.content)
		memcpy(ring_client_data(qr->rc, (unsigned)slot), f->task.content + s->data_off, len);
	f->start_ns = r->cfg->rate > 0 && scheduled_ns(r, qr) < now ? scheduled_ns(r, qr) : now;
	f->sent_ns = now;
	f->slot = (unsigned)slot;
	f->in_flight = true;
	qr->by_slot[slot] = f;
	qr->issued++;
	ring_client_post(qr->rc, (unsigned)slot, &s->req, resp_max(&s->req));
}

static void finish_task(struct run *r, unsigned q, struct flight *f, bool ok)
{
	struct queue_run *qr = &r->queues[q];

	if (ok && lg_task_apply(&f->task, &r->shadow)) {
		lg_stats_error(r->stats, "out of memory updating the shadow model");
		ok = false;
	}
	lg_mix_done(r->mix, q, &f->task, ok);
	lg_task_free(&f->task);
	f->used = false;
	qr->active--;
}

static void complete(struct run *r, unsigned q, const struct ring_completion *c, int64_t now)
{
	struct queue_run *qr = &r->queues[q];
	struct flight *f = qr->by_slot[c->slot];
	char why[LG_WHY_MAX];
	enum lg_verdict v = c->rejected ? LG_VERDICT_WRONG :
			    lg_verify(&r->shadow, &f->task, &f->task.steps[f->task.cur], &c->resp,
				      c->data, why);
	bool ok = v != LG_VERDICT_WRONG;

	if (!ok && !c->rejected) {
		char msg[LG_WHY_MAX + 32];

		snprintf(msg, sizeof(msg), "queue %u: %s", q, why);
		lg_stats_error(r->stats, msg);
	}
	lg_stats_record(r->stats, now, ok ? LG_OK : LG_WRONG, (uint64_t)(now - f->start_ns));
	r->stats->checksums_right += v == LG_VERDICT_SUM_RIGHT;
	r->stats->checksums_buggy += v == LG_VERDICT_SUM_BUGGY;
	ring_client_release(qr->rc, c->slot);
	f->in_flight = false;
	if (!ok || ++f->task.cur == f->task.nsteps)
		finish_task(r, q, f, ok);
}

static bool reap(struct run *r, unsigned q)
{
	struct ring_completion c[SV_RING_SLOTS];
	unsigned n = ring_client_reap(r->queues[q].rc, c, SV_RING_SLOTS);
	int64_t now = (int64_t)monotonic_ns();

	for (unsigned i = 0; i < n; i++)
		complete(r, q, &c[i], now);
	return n > 0;
}

/* Gives up on requests unanswered for lost_after_ms; their slots stay
 * with the guest until it answers after all. */
static void find_lost(struct run *r, unsigned q, int64_t now)
{
	struct queue_run *qr = &r->queues[q];
	int64_t limit = (int64_t)r->cfg->lost_after_ms * 1000000;

	for (unsigned i = 0; i < SV_RING_SLOTS; i++) {
		struct flight *f = &qr->flights[i];
		char msg[LG_WHY_MAX + 64];

		if (!f->used || !f->in_flight || now - f->sent_ns < limit)
			continue;
		snprintf(msg, sizeof(msg), "queue %u slot %u: %s %s: no answer after %u ms, lost",
			 q, f->slot, f->task.name,
			 f->task.file >= 0 ? r->shadow.files[f->task.file].path : "-",
			 r->cfg->lost_after_ms);
		lg_stats_error(r->stats, msg);
		lg_stats_record(r->stats, now, LG_LOST, 0);
		ring_client_abandon(qr->rc, f->slot);
		f->in_flight = false;
		finish_task(r, q, f, false);
	}
}

/* A task whose next step waits to be posted, or a new one from the mix. */
static struct flight *next_flight(struct run *r, unsigned q)
{
	struct queue_run *qr = &r->queues[q];
	struct flight *free_flight = NULL;

	for (unsigned i = 0; i < SV_RING_SLOTS; i++) {
		struct flight *f = &qr->flights[i];

		if (f->used && !f->in_flight && stopping(r))
			finish_task(r, q, f, false); /* its next step is never sent */
		else if (f->used && !f->in_flight)
			return f;
		if (!f->used && !free_flight)
			free_flight = f;
	}
	if (stopping(r) || qr->mix_done || qr->active >= r->cfg->mix.concurrency || !free_flight)
		return NULL;
	switch (lg_mix_next(r->mix, q, &free_flight->task)) {
	case LG_NEXT_TASK:
		free_flight->used = true;
		qr->active++;
		return free_flight;
	case LG_NEXT_DONE:
		qr->mix_done = true;
		return NULL;
	default:
		return NULL;
	}
}

static bool issue(struct run *r, unsigned q, int64_t now)
{
	struct queue_run *qr = &r->queues[q];
	bool progress = false;
	struct flight *f;

	while (ring_client_get_slot(qr->rc) >= 0 &&
	       (r->cfg->rate <= 0 || scheduled_ns(r, qr) <= now) &&
	       (f = next_flight(r, q))) {
		post_step(r, qr, f, now);
		progress = true;
	}
	return progress;
}

/* How long the loop may sleep: until a request may be lost or the open
 * loop's schedule wants one. */
static int sleep_ms(const struct run *r, int64_t now)
{
	int64_t until = now + IDLE_WAIT_MS * 1000000ll;

	for (unsigned q = 0; q < r->nqueues; q++) {
		const struct queue_run *qr = &r->queues[q];

		for (unsigned i = 0; i < SV_RING_SLOTS; i++)
			if (qr->flights[i].in_flight &&
			    qr->flights[i].sent_ns + (int64_t)r->cfg->lost_after_ms * 1000000 < until)
				until = qr->flights[i].sent_ns + (int64_t)r->cfg->lost_after_ms * 1000000;
		if (r->cfg->rate > 0 && !qr->mix_done && scheduled_ns(r, qr) < until)
			until = scheduled_ns(r, qr);
	}
	return until <= now ? 0 : (int)((until - now + 999999) / 1000000);
}

/* Sleeps on every queue's doorbell at once. */
static void wait_for_completions(struct run *r, int64_t now)
{
	struct pollfd pfds[SV_RING_QUEUES_MAX];
	int timeout = sleep_ms(r, now);
	bool pending = false;

	for (unsigned q = 0; q < r->nqueues; q++) {
		pfds[q] = (struct pollfd){ .fd = r->queues[q].rc->call_fd, .events = POLLIN };
		pending |= ring_client_arm(r->queues[q].rc);
	}
	if (!pending && timeout > 0 && poll(pfds, r->nqueues, timeout) < 0 && errno != EINTR)
		lg_stats_error(r->stats, "polling the ring doorbells failed");
	for (unsigned q = 0; q < r->nqueues; q++)
		ring_client_disarm(r->queues[q].rc);
}

static bool finished(const struct run *r)
{
	for (unsigned q = 0; q < r->nqueues; q++)
		if (r->queues[q].active || (!r->queues[q].mix_done && !stopping(r)))
			return false;
	return true;
}

static void loop(struct run *r)
{
	while (!finished(r)) {
		int64_t now = (int64_t)monotonic_ns();
		bool progress = false;

		wind_down_if_asked(r);
		for (unsigned q = 0; q < r->nqueues; q++) {
			progress |= reap(r, q);
			find_lost(r, q, now);
			progress |= issue(r, q, now);
		}
		if (!progress)
			wait_for_completions(r, now);
	}
}

int lg_run(const struct lg_engine_config *cfg, struct ring_client *clients,
	   struct lg_stats *stats, char err[256])
{
	struct run r = { .cfg = cfg, .stats = stats, .nqueues = cfg->mix.queues };

	r.start_ns = (int64_t)monotonic_ns();
	r.rate_per_queue = cfg->rate / cfg->mix.queues;
	lg_stats_init(stats, r.start_ns, (uint64_t)cfg->window_ms * 1000000,
		      (uint64_t)cfg->timeout_ms * 1000000);
	r.queues = calloc(r.nqueues, sizeof(*r.queues));
	r.mix = r.queues ? lg_mix_create(&cfg->mix, &r.shadow) : NULL;
	if (!r.mix) {
		snprintf(err, 256, "out of memory setting up the %s mix", lg_mix_name(cfg->mix.kind));
		free(r.queues);
		lg_shadow_free(&r.shadow);
		return -1;
	}
	for (unsigned q = 0; q < r.nqueues; q++) {
		r.queues[q].rc = &clients[q];
		clients[q].report = report_ring_error;
		clients[q].report_ctx = &r;
	}
	loop(&r);
	stats->end_ns = (int64_t)monotonic_ns();
	for (unsigned q = 0; q < r.nqueues; q++)
		clients[q].report = NULL;
	lg_mix_free(r.mix);
	lg_shadow_free(&r.shadow);
	free(r.queues);
	return 0;
}
