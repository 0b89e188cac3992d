/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Walking a guest thread's stack by frame pointers, for the consistency
 * check of binary patches (consistency.h). The guest is built with
 * -fno-omit-frame-pointer -fno-optimize-sibling-calls, so every C function
 * that calls another keeps a frame record at rbp: [rbp] the caller's rbp,
 * [rbp + 8] the return address into the caller.
 *
 * A walk either lists every frame or says it is unreliable; it never
 * guesses. The check must treat a stack it could not walk as not proven
 * clean (kpatch's reliable stack trace rule), so every doubt (an rbp
 * outside the stack, not above the previous frame, not a word address,
 * memory that cannot be read, code whose frame discipline is unknown, a
 * chain too deep) ends the walk as unreliable, with the frames found up to
 * there. The rules are in docs/binary-patching.md, "Consistency check".
 */
#ifndef SV_QUIESCE_STACK_WALK_H
#define SV_QUIESCE_STACK_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reads len bytes of guest-virtual memory at gva into buf: 0, or nonzero
 * when any of it cannot be read. The walker only ever reads single
 * 8-byte-aligned words, so a reader over the guest's page tables never
 * has to split a read across two pages. */
typedef int (*qs_read_fn)(void *ctx, uint64_t gva, void *buf, size_t len);

/* What the code at a pc says about where the walk goes next. */
enum qs_code_kind {
	/* rbp is this function's frame record. At a return address: a call
	 * site in such code, so the chain goes on through the saved rbp. */
	QS_CODE_FRAMED,
	/* No frame record of its own yet (at the entry, before push rbp; in
	 * a leaf the compiler left frameless) or any more (at the ret after
	 * pop rbp or leave): the return address is at [rsp + ra_offset]
	 * and rbp is still the caller's. Only for the pc where a thread is,
	 * never for a return address: a function that calls has a frame. */
	QS_CODE_UNFRAMED,
	/* A return address into the trap entry, right after its call of the
	 * handler: the trap frame it pushed (guest_frames.h) lies just above
	 * the return address, and holds the interrupted context, whose pc
	 * would otherwise be missing from the chain. */
	QS_CODE_TRAP,
	/* Anything else (assembly that does not keep rbp as a frame pointer,
	 * an address in no function): the walk cannot go on reliably. */
	QS_CODE_UNKNOWN,
};

struct qs_code {
	enum qs_code_kind kind;
	uint32_t ra_offset;  /* QS_CODE_UNFRAMED: bytes pushed since the call */
};

/* Classifies pc, which is a return address read from the stack when
 * is_return (its call lies just before it), else the exact pc where a
 * thread is stopped or will resume. Supplied by the caller, who knows the
 * guest image. The rule for a function starting `push rbp; mov rbp, rsp`:
 * offset 0 is UNFRAMED with ra_offset 0, offset 1 (after the push)
 * UNFRAMED with ra_offset 8, a `ret` reached after pop rbp or leave
 * UNFRAMED with ra_offset 0, everything else FRAMED. A frameless leaf is
 * UNFRAMED throughout, with what it has pushed; code the caller cannot
 * place (shrink-wrapped paths it has not decoded, say) is UNKNOWN. */
typedef struct qs_code (*qs_classify_fn)(void *ctx, uint64_t pc, bool is_return);

/* The guest's memory and its code, apart: the monitor reads through a
 * vCPU's page tables (guest_read.h) and classifies from the kernel image. */
struct qs_walk_env {
	qs_read_fn read;
	void *read_ctx;
	qs_classify_fn classify;
	void *classify_ctx;
};

/* The stack's bytes, [lo, hi); lo == hi == 0 when unknown, and then only
 * the order of frames and the alignment of rbp are checked. */
struct qs_stack {
	uint64_t lo, hi;
};

/* Where a walk starts: a vCPU's live registers, or a switched-out
 * thread's saved ones. */
struct qs_context {
	uint64_t pc, rsp, rbp;
};

#define QS_WALK_MAX_FRAMES 64

struct qs_frame {
	uint64_t pc;
	bool is_return;  /* a return address; else the exact pc of a stopped or interrupted context */
};

enum qs_walk_status {
	QS_WALK_RELIABLE,
	QS_WALK_OUT_OF_BOUNDS,   /* addr: an rbp or rsp whose words are not all in the stack */
	QS_WALK_NOT_INCREASING,  /* addr: an rbp or rsp not above prev, where the previous frame ended */
	QS_WALK_MISALIGNED,      /* addr: an rbp or rsp that is not a multiple of 8 */
	QS_WALK_UNREADABLE,      /* addr: the word the reader could not read */
	QS_WALK_UNKNOWN_CODE,    /* addr: a pc whose frame discipline is unknown */
	QS_WALK_TOO_DEEP,        /* more than QS_WALK_MAX_FRAMES frames */
};

/* Why a walk is unreliable, kept with the report (walk_problem.c words it). */
struct qs_walk_problem {
	enum qs_walk_status status;
	const char *what;        /* what addr is: "rbp", "rsp", "return address", ... */
	uint64_t addr, prev;
	struct qs_stack stack;   /* the bounds the walk was given */
};

struct qs_walk {
	struct qs_frame frames[QS_WALK_MAX_FRAMES];  /* frame 0 is where the thread is */
	unsigned n;
	struct qs_walk_problem problem;  /* status QS_WALK_RELIABLE when the walk ended cleanly */
};

/* Walks from the registers of a stopped context. The walk ends cleanly at
 * a return address 0 (the guest's first frame, arch_stack_init), at a
 * saved rbp 0 (the outermost frame: entry code clears rbp), or when a
 * return address is the stack's last word (no caller frame fits above).
 * Returns 0 when reliable, else -1 with out->problem saying why. */
int qs_walk_regs(const struct qs_walk_env *env, const struct qs_stack *stack,
	    const struct qs_context *start, struct qs_walk *out);

/* Walks a switched-out thread from the saved_rsp its struct thread holds,
 * where arch_switch left the callee-saved registers and its return
 * address (guest_frames.h). Returns as qs_walk_regs. */
int qs_walk_switched_out(const struct qs_walk_env *env, const struct qs_stack *stack,
			 uint64_t saved_rsp, struct qs_walk *out);

/* A short name for a status ("not-increasing"), for JSON. */
const char *qs_walk_status_name(enum qs_walk_status s);

/* The problem in words: "rbp 0x7000 is outside the stack [0x8000, 0xc000)". */
void qs_walk_problem_text(const struct qs_walk_problem *p, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
