/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control commands of patching (docs/control-protocol.md): patch-area,
 * update-info and patch-step. Handlers in control_commands.c's table.
 */
#ifndef SV_VMM_CONTROL_PATCH_H
#define SV_VMM_CONTROL_PATCH_H

#include "control_commands.h"

json_t *control_patch_area(struct vm *vm, struct control_session *s,
			   const struct control_request *req, int *stop_status);
json_t *control_update_info(struct vm *vm, struct control_session *s,
			    const struct control_request *req, int *stop_status);
json_t *control_patch_step(struct vm *vm, struct control_session *s,
			   const struct control_request *req, int *stop_status);

#endif
