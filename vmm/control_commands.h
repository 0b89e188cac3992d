/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Executing parsed control requests against the VM. Called only from the
 * control thread (control.c); the VM API does its own locking.
 */
#ifndef SV_VMM_CONTROL_COMMANDS_H
#define SV_VMM_CONTROL_COMMANDS_H

#include <jansson.h>

#include <sv/ring.h>

#include "control_request.h"
#include "vm.h"

#define CONTROL_FDS_MAX (1 + 2 * SV_RING_QUEUES_MAX)

/* What one connection holds on the VM. */
struct control_session {
	unsigned pauses; /* vm_pause() calls this connection has not resumed */
	bool ring_lent;  /* it has the request ring's service queues */
	/* Descriptors to send with the next response (SCM_RIGHTS): the VM's
	 * own, so the transport passes them on and never closes them. */
	int send_fds[CONTROL_FDS_MAX];
	unsigned n_send_fds;
};

/* JSON for an address ("0x...") and for a count (clamped to 2^63-1). */
json_t *control_hex(uint64_t v);
json_t *control_u64(uint64_t v);

/*
 * Runs req and returns the response object, {"ok":true,...} or
 * {"ok":false,"error":...}, without the "id" (the caller adds it), or NULL
 * when out of memory. *stop_status becomes 0..119 when the VM must be
 * stopped with that status once the response has been sent; else it is -1.
 */
json_t *control_execute(struct vm *vm, struct control_session *s,
			const struct control_request *req, int *stop_status);

/* Releases every pause and the ring the session still holds (its client
 * went away). */
void control_session_end(struct vm *vm, struct control_session *s);

/* {"ok":false,"error":message}; NULL when out of memory. */
json_t *control_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
