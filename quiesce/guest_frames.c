// SPDX-License-Identifier: GPL-2.0-only
/* The guest's saved-context layouts (guest_frames.h). The trap frame's
 * offsets come from the guest's own struct, so they follow it; the switch
 * frame has no struct: switch.S pushes rbp first, so it lies highest,
 * below the return address. */
#include "guest_frames.h"

#include <stddef.h>

#include <arch/trap.h>

#define SWITCH_SAVED_REGS 6  /* rbp rbx r12 r13 r14 r15 */

const struct qs_frame_layout qs_switch_frame = {
	.name = "switch frame",
	.size = (SWITCH_SAVED_REGS + 1) * 8,
	.pc = SWITCH_SAVED_REGS * 8,
	.rbp = (SWITCH_SAVED_REGS - 1) * 8,
	.rsp_saved = false,
};

const struct qs_frame_layout qs_trap_frame = {
	.name = "trap frame",
	.size = sizeof(struct trap_frame),
	.pc = offsetof(struct trap_frame, rip),
	.rbp = offsetof(struct trap_frame, rbp),
	.rsp_saved = true,
	.rsp = offsetof(struct trap_frame, rsp),
};
