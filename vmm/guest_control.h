/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The monitor's commands to the guest over the request ring's control
 * queue (sv/ring.h: SV_CTL_*). Called from the control thread only: one
 * command at a time, each waiting for its answer up to a deadline.
 */
#ifndef SV_VMM_GUEST_CONTROL_H
#define SV_VMM_GUEST_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

#define GUEST_CONTROL_TIMEOUT_MS 5000
#define GUEST_CONTROL_ERROR_MAX 256

struct guest_call {
	uint32_t op;
	uint64_t arg;
	const void *in;      /* payload for the slot (req.len bytes), or NULL */
	size_t in_len;       /* at most SV_RING_DATA_MAX */
	unsigned timeout_ms; /* 0: GUEST_CONTROL_TIMEOUT_MS */
};

/* Sends the call and waits for the answer: its data (up to cap bytes) in
 * out, *len its length. 0 on success; else the guest's SV_E* status or -1
 * when it did not answer in time or answered nonsense, with a message in
 * err either way. */
int guest_control_call(struct vm *vm, const struct guest_call *call, uint8_t *out,
		       size_t cap, size_t *len, char err[GUEST_CONTROL_ERROR_MAX]);

/* Frees the control queue's client (vm_destroy). */
void guest_control_release(struct vm *vm);

#endif
