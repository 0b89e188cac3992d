// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control queue's host end. A command the guest does not answer in
 * time is abandoned (its slot comes back only if the guest answers after
 * all), so a hung guest costs each command its deadline and never a
 * wedged control socket.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "guest_control.h"
#include "ring_client.h"

static struct ring_client *control_client(struct vm *vm, char *err)
{
	unsigned q = vm->ncpus;
	struct sv_ring_queue *ring;
	struct ring_client *rc;

	if (vm->ring.control)
		return vm->ring.control;
	ring = vm_phys_ptr(vm, ring_queue_gpa(vm, q), sizeof(*ring));
	rc = calloc(1, sizeof(*rc));
	if (!ring || !rc) {
		snprintf(err, GUEST_CONTROL_ERROR_MAX, "the control queue: %s",
			 ring ? "out of memory" : "outside guest RAM");
		free(rc);
		return NULL;
	}
	if (ring_client_init(rc, ring, q, vm->ring.kick_fd[q], vm->ring.call_fd[q],
			     GUEST_CONTROL_TIMEOUT_MS, err)) {
		free(rc);
		return NULL;
	}
	vm->ring.control = rc;
	return rc;
}

/* Reaps the command's completion. Commands go one at a time and the
 * client itself drops late answers to abandoned ones, so the first
 * completion is this command's. */
static int await(struct ring_client *rc, uint64_t deadline, struct ring_completion *done)
{
	for (;;) {
		uint64_t now = monotonic_ms();

		if (ring_client_reap(rc, done, 1))
			return 0;
		if (now >= deadline)
			return -1;
		ring_client_wait(rc, (int)(deadline - now));
	}
}

/* The client has checked the answer's length against the `cap` posted
 * with the command. */
static int answer(struct ring_client *rc, const struct ring_completion *done,
		  uint8_t *out, size_t *len, char *err)
{
	int status = -1;

	if (done->rejected) {
		snprintf(err, GUEST_CONTROL_ERROR_MAX, "the guest's answer was malformed");
	} else if (done->resp.status) {
		status = done->resp.status;
		snprintf(err, GUEST_CONTROL_ERROR_MAX, "the guest answered %s (%d)",
			 ring_status_name(status), status);
	} else {
		*len = done->resp.len;
		memcpy(out, done->data, *len);
		status = 0;
	}
	ring_client_release(rc, done->slot);
	return status;
}

int guest_control_call(struct vm *vm, const struct guest_call *call, uint8_t *out,
		       size_t cap, size_t *len, char err[GUEST_CONTROL_ERROR_MAX])
{
	struct ring_client *rc = control_client(vm, err);
	struct sv_ring_req req = { .op = call->op, .arg = call->arg, .len = call->in_len };
	unsigned timeout_ms = call->timeout_ms ? call->timeout_ms : GUEST_CONTROL_TIMEOUT_MS;
	struct ring_completion done;
	int slot;

	if (!rc)
		return -1;
	slot = ring_client_get_slot(rc);
	if (slot < 0) {
		snprintf(err, GUEST_CONTROL_ERROR_MAX,
			 "the guest has %u control commands unanswered", ring_client_in_flight(rc));
		return -1;
	}
	*len = 0;
	if (call->in_len)
		memcpy(ring_client_data(rc, (unsigned)slot), call->in, call->in_len);
	ring_client_post(rc, (unsigned)slot, &req, cap);
	if (await(rc, monotonic_ms() + timeout_ms, &done)) {
		ring_client_abandon(rc, (unsigned)slot);
		snprintf(err, GUEST_CONTROL_ERROR_MAX, "the guest did not answer within %u ms",
			 timeout_ms);
		return -1;
	}
	return answer(rc, &done, out, len, err);
}

void guest_control_release(struct vm *vm)
{
	free(vm->ring.control);
	vm->ring.control = NULL;
}
