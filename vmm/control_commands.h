/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Executing parsed control requests against the VM. Called only from the
 * control thread (control.c); the VM API does its own locking.
 */
#ifndef SV_VMM_CONTROL_COMMANDS_H
#define SV_VMM_CONTROL_COMMANDS_H

#include <jansson.h>

#include "control_request.h"
#include "vm.h"

/* What one connection holds on the VM. */
struct control_session {
	unsigned pauses; /* vm_pause() calls this connection has not resumed */
};

/*
 * Runs req and returns the response object, {"ok":true,...} or
 * {"ok":false,"error":...}, without the "id" (the caller adds it), or NULL
 * when out of memory. *stop_status becomes 0..119 when the VM must be
 * stopped with that status once the response has been sent; else it is -1.
 */
json_t *control_execute(struct vm *vm, struct control_session *s,
			const struct control_request *req, int *stop_status);

/* Releases every pause the session still holds (its client went away). */
void control_session_end(struct vm *vm, struct control_session *s);

/* {"ok":false,"error":message}; NULL when out of memory. */
json_t *control_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
