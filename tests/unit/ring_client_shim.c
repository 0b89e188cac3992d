// SPDX-License-Identifier: GPL-2.0-only
/* The ring client over the fake guest, behind plain C types. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_guest.h"
#include "ring_client.h"
#include "ring_client_shim.h"

_Static_assert(RCS_OP_NOP == SV_OP_NOP && RCS_OP_CREATE == SV_OP_CREATE &&
	       RCS_OP_WRITE == SV_OP_WRITE && RCS_OP_READ == SV_OP_READ &&
	       RCS_SLOTS == SV_RING_SLOTS && RCS_DATA_MAX == SV_RING_DATA_MAX,
	       "the shim's copies of sv/ring.h numbers");

struct rcs_env {
	struct fake_guest guest;
	struct ring_client client;
	unsigned reports;
	char last_report[256];
};

static void keep_report(void *ctx, const char *msg)
{
	struct rcs_env *env = ctx;

	env->reports++;
	snprintf(env->last_report, sizeof(env->last_report), "%s", msg);
}

struct rcs_env *rcs_create(uint32_t start_index)
{
	struct rcs_env *env = calloc(1, sizeof(*env));

	if (env && fake_guest_create(&env->guest, 1, start_index)) {
		free(env);
		return NULL;
	}
	return env;
}

void rcs_destroy(struct rcs_env *env)
{
	fake_guest_destroy(&env->guest);
	free(env);
}

int rcs_client_init(struct rcs_env *env, int timeout_ms, char *msg, size_t size)
{
	char m[RING_CLIENT_MSG_MAX] = "";
	int ret = ring_client_init(&env->client, env->guest.queues, 0,
				   env->guest.kick_fd[0], env->guest.call_fd[0],
				   timeout_ms, m);

	env->client.report = keep_report;
	env->client.report_ctx = env;
	snprintf(msg, size, "%s", m);
	return ret;
}

int rcs_start_guest(struct rcs_env *env)
{
	return fake_guest_start(&env->guest);
}

void rcs_stop_guest(struct rcs_env *env)
{
	fake_guest_stop(&env->guest);
}

void rcs_set_fault(struct rcs_env *env, enum fake_fault fault, uint32_t op, uint64_t after)
{
	env->guest.fault = fault;
	env->guest.fault_op = op;
	env->guest.fault_after = after;
	atomic_store(&env->guest.fault_done, false);
}

int rcs_serve_one(struct rcs_env *env)
{
	return fake_guest_serve_one(&env->guest, 0);
}

bool rcs_take_kick(struct rcs_env *env)
{
	return fake_guest_take_kick(&env->guest, 0);
}

void rcs_set_guest_waiting(struct rcs_env *env, bool waiting)
{
	__atomic_store_n(&env->guest.queues[0].idx.guest_waiting, waiting, __ATOMIC_SEQ_CST);
}

int rcs_post(struct rcs_env *env, uint32_t op, const char *path, uint64_t offset,
	     const void *data, uint64_t len)
{
	struct sv_ring_req req = { .op = op, .offset = offset, .len = len };
	int slot = ring_client_get_slot(&env->client);

	if (slot < 0)
		return -1;
	req.path_len = (uint32_t)strlen(path);
	memcpy(req.path, path, req.path_len);
	if (data)
		memcpy(ring_client_data(&env->client, (unsigned)slot), data, len);
	ring_client_post(&env->client, (unsigned)slot, &req, op == SV_OP_READ ? len : SV_RING_DATA_MAX);
	return slot;
}

int rcs_wait(struct rcs_env *env, int timeout_ms)
{
	return ring_client_wait(&env->client, timeout_ms);
}

unsigned rcs_reap(struct rcs_env *env, struct rcs_completion *out, unsigned max)
{
	struct ring_completion c[SV_RING_SLOTS];
	unsigned n = ring_client_reap(&env->client, c, max < SV_RING_SLOTS ? max : SV_RING_SLOTS);

	for (unsigned i = 0; i < n; i++) {
		out[i] = (struct rcs_completion){
			.slot = c[i].slot, .rejected = c[i].rejected,
			.status = c[i].resp.status, .len = c[i].resp.len,
			.value = c[i].resp.value,
		};
		memcpy(out[i].data, c[i].data, c[i].resp.len < 64 ? c[i].resp.len : 64);
	}
	return n;
}

void rcs_release(struct rcs_env *env, unsigned slot)
{
	ring_client_release(&env->client, slot);
}

void rcs_abandon(struct rcs_env *env, unsigned slot)
{
	ring_client_abandon(&env->client, slot);
}

struct rcs_stats rcs_get_stats(struct rcs_env *env)
{
	const struct ring_client_stats *s = &env->client.stats;
	struct rcs_stats out = {
		.posted = s->posted, .completed = s->completed, .rejected = s->rejected,
		.abandoned_late = s->abandoned_late, .kicks = s->kicks,
		.kicks_saved = s->kicks_saved, .stale_drained = s->stale_drained,
		.guest_doorbells = atomic_load(&env->guest.doorbells),
		.in_flight = ring_client_in_flight(&env->client),
		.reports = env->reports,
	};

	snprintf(out.last_report, sizeof(out.last_report), "%s", env->last_report);
	return out;
}

uint32_t rcs_req_head(struct rcs_env *env)
{
	return env->client.req_head;
}
