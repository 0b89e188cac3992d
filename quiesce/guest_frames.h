/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two places the x86-64 guest saves a whole context on a stack, as
 * the stack walker reads them: arch_switch's frame at a switched-out
 * thread's saved_rsp (guest/x86_64/switch.S, laid out first by
 * arch_stack_init in stack.c), and the trap frame traps.S pushes before
 * calling trap_dispatch (struct trap_frame, guest/x86_64/include/arch/trap.h).
 */
#ifndef SV_QUIESCE_GUEST_FRAMES_H
#define SV_QUIESCE_GUEST_FRAMES_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Offsets from the frame's lowest address. */
struct qs_frame_layout {
	const char *name;  /* for problems: "switch frame", "trap frame" */
	uint64_t size;
	uint64_t pc, rbp;
	bool rsp_saved;    /* rsp is a word of the frame; else the context's
			    * rsp is the frame's end, where popping it leaves rsp */
	uint64_t rsp;
};

/* r15 r14 r13 r12 rbx rbp, then arch_switch's return address: the thread
 * resumes there with rsp past all seven words. */
extern const struct qs_frame_layout qs_switch_frame;

/* The interrupted rip, rsp and rbp (the CPU pushes rsp even without a
 * privilege change in 64-bit mode). */
extern const struct qs_frame_layout qs_trap_frame;

#ifdef __cplusplus
}
#endif

#endif
