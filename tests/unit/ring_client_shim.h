/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of vmm/ring_client.h and the fake guest for the C++ tests:
 * plain types only (sv/ring.h's static asserts are C11). One queue, one
 * client, one fake guest per environment.
 */
#ifndef SV_TEST_RING_CLIENT_SHIM_H
#define SV_TEST_RING_CLIENT_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_fault.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rcs_env;

/* The sv/ring.h opcodes the tests use (checked in the shim). */
#define RCS_OP_NOP 0u
#define RCS_OP_CREATE 1u
#define RCS_OP_WRITE 3u
#define RCS_OP_READ 5u
#define RCS_SLOTS 32u
#define RCS_DATA_MAX 16384u

struct rcs_completion {
	unsigned slot;
	bool rejected;
	int32_t status;
	uint64_t len;
	uint64_t value;
	uint8_t data[64]; /* the first bytes of the response data */
};

struct rcs_stats {
	uint64_t posted, completed, rejected, abandoned_late;
	uint64_t kicks, kicks_saved, stale_drained;
	uint64_t guest_doorbells;
	unsigned in_flight;
	unsigned reports;      /* rejection messages */
	char last_report[256];
};

/* A queue whose indices all start at start_index, the fake guest idle. */
struct rcs_env *rcs_create(uint32_t start_index);
void rcs_destroy(struct rcs_env *env);

/* A new client adopts the queue (the old one is forgotten, as if killed). */
int rcs_client_init(struct rcs_env *env, int timeout_ms, char *msg, size_t size);

int rcs_start_guest(struct rcs_env *env);
void rcs_stop_guest(struct rcs_env *env);
/* The fault, once, on the first request (of op, for service-level faults)
 * served after `after` requests. */
void rcs_set_fault(struct rcs_env *env, enum fake_fault fault, uint32_t op, uint64_t after);
int rcs_serve_one(struct rcs_env *env);
bool rcs_take_kick(struct rcs_env *env);
void rcs_set_guest_waiting(struct rcs_env *env, bool waiting);

/* Posts op on path with len bytes of data (or wanted, for a read) at
 * offset: the slot, or -1 if none is free. */
int rcs_post(struct rcs_env *env, uint32_t op, const char *path, uint64_t offset,
	     const void *data, uint64_t len);
int rcs_wait(struct rcs_env *env, int timeout_ms);
unsigned rcs_reap(struct rcs_env *env, struct rcs_completion *out, unsigned max);
void rcs_release(struct rcs_env *env, unsigned slot);
void rcs_abandon(struct rcs_env *env, unsigned slot);
struct rcs_stats rcs_get_stats(struct rcs_env *env);
uint32_t rcs_req_head(struct rcs_env *env);

#ifdef __cplusplus
}
#endif

#endif
