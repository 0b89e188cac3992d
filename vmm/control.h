/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: a UNIX stream socket on which clients of the VMM's own
 * user (swapctl, tests, the patcher's tools) send one JSON request per line
 * and get one JSON response line each. docs/control-protocol.md has the
 * protocol; control_request.c parses, control_commands.c executes.
 */
#ifndef SV_VMM_CONTROL_H
#define SV_VMM_CONTROL_H

#include "vm.h"

struct control;

/*
 * Creates the socket at `path` (mode 0600; a stale socket file left by a
 * dead VMM is replaced, a live one is an error) and starts the control
 * thread. Returns 0, or a negative errno after printing a message that
 * names the path. The VM must outlive the control socket. Requests that
 * pause wait for every vCPU to park, so vCPU threads should be started
 * (vm_start) before clients are expected.
 */
int control_start(struct vm *vm, const char *path, struct control **out);

/*
 * Stops the thread, closes every connection (releasing the pauses they
 * hold), and removes the socket file if it is still ours. Call from any
 * thread but the control thread (it joins it), e.g. after vm_wait(); a
 * "quit" request only calls vm_stop(). NULL is ignored.
 */
void control_stop(struct control *ctl);

#endif
