/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A thread's interposed calls in progress (kernel/co_interpose.h). While a
 * wrapper's postcall is due, the interposer keeps the caller's return
 * address here, off the stack, so the callee sees the stack its caller
 * built (K42 keeps it in its MediatedThreadTable). Frames nest: interrupt
 * handlers on the thread's stack push above it and pop before it resumes.
 */
#ifndef SV_KERNEL_CO_FRAMES_H
#define SV_KERNEL_CO_FRAMES_H

#include <stdint.h>

#define CO_FRAMES_MAX 32 /* interposed calls nested on one thread */

struct co_interposer;

struct co_frame {
	void *return_address;     /* the caller's */
	struct co_interposer *ip; /* whose wrapper's postcall is due */
	void *cookie;             /* the precall's, for the postcall */
	uint32_t method;
};

struct co_frames {
	uint32_t depth;
	struct co_frame frame[CO_FRAMES_MAX];
};

#endif
