/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest end of the request ring (sv/ring.h). A dispatcher daemon per
 * queue, on the queue's CPU, takes each posted request and serves it on a
 * short-lived thread of its own (K42's model: a thread per request, so a
 * request that blocks holds up nobody and generations see it end); the
 * thread writes the response into the slot and posts the completion.
 *
 * What a queue serves is a table of operations: the service queues the
 * file system and counters (services/service_ops.c), the control queue the
 * monitor's commands (services/control_ops.c).
 */
#ifndef SV_KERNEL_REQUEST_RING_H
#define SV_KERNEL_REQUEST_RING_H

#include <stdbool.h>
#include <stdint.h>

#include <sv/abi.h>
#include <sv/ring.h>

struct ring_op {
	/* Serves req (a private copy: the host cannot change it under us)
	 * with the slot's payload in data[0 .. req->len) when the op takes
	 * one; writes response data to data[] and fills resp->len, value
	 * and arg. Returns SV_OK or a negative SV_E* code. */
	int (*serve)(const struct sv_ring_req *req, uint8_t *data,
		     struct sv_ring_resp *resp);
	bool payload; /* req->len counts payload bytes in or out */
	/* Served on a THREAD_DAEMON thread rather than a counted one: for
	 * ops that hot-swap objects (the patch steps). A swap waits for
	 * generation quiescence, i.e. for every counted thread alive at its
	 * start to end, so a counted thread would wait for itself; and a
	 * swap refuses a caller that is not a daemon for that reason. */
	bool daemon;
};

struct ring_service {
	const char *name;
	const struct ring_op *ops; /* by opcode; a NULL serve is SV_ENOSYS */
	unsigned nops;
};

extern const struct ring_service file_service;    /* service queues */
extern const struct ring_service control_service; /* the control queue */

/* Starts every queue's dispatcher (CPU 0, once, after the services are
 * set up). 0, or SV_EINVAL when the boot info's ring is malformed, or
 * SV_ENOMEM. */
int request_ring_start(const struct sv_boot_info *bi);

/* The arch layer's handler of SV_RING_VECTOR (control false) and
 * SV_RING_CTL_VECTOR (control true): wakes the queue's dispatcher. */
void request_ring_interrupt(bool control);

/* Counters for statistics: requests served, and slot numbers or indices
 * from the host that had to be refused. */
struct request_ring_stats {
	uint64_t served;
	uint64_t refused;
};
void request_ring_stats(struct request_ring_stats *out);

#endif
