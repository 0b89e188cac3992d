/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interposition (seed 001 §4.3.1). An interposer takes over an object's
 * translation entries: every call then reaches the wrapper's precall,
 * which sees the method number and the arguments and may change them and
 * the rep the call goes on to; the call then proceeds on the caller's own
 * stack (the callee sees the arguments its caller pushed) and, when the
 * precall asked for it, returns through the wrapper's postcall, which may
 * change the return value. The caller's return address waits in the
 * thread's co_frames meanwhile.
 *
 * Interposers stack: a wrapper may be attached to an object that already
 * has one, and they are detached in the reverse order.
 */
#ifndef SV_KERNEL_CO_INTERPOSE_H
#define SV_KERNEL_CO_INTERPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/cobj.h>

/* A call as the trampoline saved it (guest/x86_64/cobj_interpose.S reads
 * and writes these offsets: the x86-64 SysV argument registers). */
struct co_call {
	uint64_t reg[6];        /* rdi .. r9; reg[0] is self */
	uint64_t rax;           /* al: vector registers of a variadic call */
	uint64_t method;
	uint64_t xmm[8][2];     /* xmm0 .. xmm7 */
	uint64_t *stack_args;   /* the caller's stack arguments, in order */
	void **return_slot;     /* where the caller's return address is */
	struct co_rep *target;  /* the rep the call goes on to */
	void *cookie;           /* from the precall to the postcall */
};

/* A return value as the return trampoline saved it. */
struct co_return {
	uint64_t rax, rdx;
	uint64_t xmm0[2], xmm1[2];
	uint64_t method;
	void *cookie;
};

struct co_wrapper;

struct co_wrapper_ops {
	/* Before every call, on the caller's thread: may change the
	 * arguments and call->target, and may block. Returns true to have
	 * postcall run when the call returns. */
	bool (*precall)(struct co_wrapper *w, struct co_call *call);
	void (*postcall)(struct co_wrapper *w, struct co_return *ret);
	/* After detach, once no call can be in the wrapper (quiescence);
	 * may be NULL. */
	void (*release)(struct co_wrapper *w);
};

struct co_wrapper {
	const struct co_wrapper_ops *ops;
};

struct co_interposer;

/* Puts `w` in front of every call to `id` from now on: NULL when out of
 * memory, when `id` is not in service, or while an exclusive interposer
 * (a hot swap's mediator) holds it. Interposers stack; detach in reverse. */
struct co_interposer *co_interpose(coid_t id, struct co_wrapper *w);

/* As co_interpose, and nothing may interpose on top until it is detached
 * or ended: what a hot swap's mediator needs, since the swap's end takes
 * out exactly its own interposer. */
struct co_interposer *co_interpose_exclusive(coid_t id, struct co_wrapper *w);

/* Takes the wrapper out again: new calls go straight to the object;
 * calls already in the wrapper finish through it, and after quiescence
 * the interposer is freed and the wrapper's release runs. Returns 0, or -1
 * when another interposer (or a swap) was attached later and is still
 * there. */
int co_interpose_detach(struct co_interposer *ip);

/* As detach, but the object goes on to `successor` (the hot swap's end):
 * calls after it miss into `successor` instead of the interposed root. */
int co_interpose_end(struct co_interposer *ip, struct co_root *successor);

/* Whether `root` is an interposer's (a wrapper or a swap is attached). */
bool co_root_is_interposer(const struct co_root *root);

/* The interposed root. */
struct co_root *co_interposed_root(const struct co_interposer *ip);

/* How many calls through wrappers with `ops` are in progress on the
 * calling thread, counting only those whose postcall is still due. */
unsigned co_calls_in_progress(const struct co_wrapper_ops *ops);

/* Integer argument i of a call (0 is self), wherever the ABI put it. */
static inline uint64_t *co_call_arg(struct co_call *call, unsigned i)
{
	return i < 6 ? &call->reg[i] : &call->stack_args[i - 6];
}

/* The trampolines' C halves (called from assembly only). */
struct co_rep *co_interpose_enter(struct co_call *call);
void *co_interpose_leave(struct co_return *ret);

#endif
