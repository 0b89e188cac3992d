/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control commands of mirrors (docs/control-protocol.md): mirror-start,
 * mirror-stop and mirror-stats. Handlers in control_commands.c's table.
 */
#ifndef SV_VMM_CONTROL_MIRROR_H
#define SV_VMM_CONTROL_MIRROR_H

#include "control_commands.h"

json_t *control_mirror_start(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status);
json_t *control_mirror_stop(struct vm *vm, struct control_session *s,
			    const struct control_request *req, int *stop_status);
json_t *control_mirror_stats(struct vm *vm, struct control_session *s,
			     const struct control_request *req, int *stop_status);

#endif
