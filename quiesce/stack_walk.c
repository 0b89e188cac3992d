// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame-pointer stack walks (stack_walk.h). A walk is a sequence of
 * contexts: the one it starts from, then one per trap frame on the way
 * up. Each context contributes its pc, then the return addresses of its
 * chain of frame records, until the chain ends, fails or reaches the
 * trap entry, whose frame holds the next context.
 */
#include "stack_walk.h"

#include <string.h>

#include "guest_frames.h"

#define WORD 8ull
#define FRAME_RECORD (2 * WORD)  /* the saved rbp, then the return address */

enum step {
	STEP_ON,      /* go on up the stack */
	STEP_DONE,    /* ended cleanly */
	STEP_FAILED,  /* unreliable: out->problem says why */
	STEP_TRAP,    /* go on with the interrupted context */
};

struct walker {
	const struct qs_walk_env *env;
	struct qs_stack stack;
	struct qs_walk *out;
	uint64_t floor;  /* where what was walked so far ends: the rest lies above */
};

static enum step fail(struct walker *w, enum qs_walk_status s, const char *what, uint64_t addr)
{
	w->out->problem = (struct qs_walk_problem){
		.status = s, .what = what, .addr = addr, .prev = w->floor, .stack = w->stack,
	};
	return STEP_FAILED;
}

static bool bounded(const struct walker *w)
{
	return w->stack.lo != w->stack.hi;
}

/* The len bytes at addr may hold words of this stack: word-aligned,
 * inside it, and above what was walked already. Stacks grow down, so a
 * caller's frame lies above its callee's; anything lower means a loop or
 * garbage. */
static enum step check_span(struct walker *w, const char *what, uint64_t addr, uint64_t len)
{
	if (addr % WORD)
		return fail(w, QS_WALK_MISALIGNED, what, addr);
	if (addr > UINT64_MAX - len ||
	    (bounded(w) && (addr < w->stack.lo || addr + len > w->stack.hi)))
		return fail(w, QS_WALK_OUT_OF_BOUNDS, what, addr);
	if (addr < w->floor)
		return fail(w, QS_WALK_NOT_INCREASING, what, addr);
	return STEP_ON;
}

/* The guest is little-endian x86-64, as is the host. */
static enum step read_word(struct walker *w, const char *what, uint64_t addr, uint64_t *v)
{
	if (w->env->read(w->env->read_ctx, addr, v, WORD))
		return fail(w, QS_WALK_UNREADABLE, what, addr);
	return STEP_ON;
}

static enum step add_frame(struct walker *w, uint64_t pc, bool is_return)
{
	struct qs_walk *o = w->out;

	if (o->n == QS_WALK_MAX_FRAMES)
		return fail(w, QS_WALK_TOO_DEEP, "frames", o->n);
	o->frames[o->n++] = (struct qs_frame){ .pc = pc, .is_return = is_return };
	return STEP_ON;
}

/* A whole context saved at base in layout l; the walk goes on above it. */
static enum step read_context(struct walker *w, const struct qs_frame_layout *l, uint64_t base,
			      struct qs_context *c)
{
	if (check_span(w, l->name, base, l->size) ||
	    read_word(w, l->name, base + l->pc, &c->pc) ||
	    read_word(w, l->name, base + l->rbp, &c->rbp))
		return STEP_FAILED;
	c->rsp = base + l->size;
	if (l->rsp_saved && read_word(w, l->name, base + l->rsp, &c->rsp))
		return STEP_FAILED;
	w->floor = base + l->size;
	return STEP_ON;
}

/* The return address ra, read from slot, with the caller's rbp next_rbp:
 * whether and how the walk goes on into the caller. */
static enum step returned_to(struct walker *w, uint64_t ra, uint64_t slot, uint64_t next_rbp,
			     struct qs_context *c)
{
	struct qs_code code;

	if (!ra)
		return STEP_DONE;
	if (add_frame(w, ra, true))
		return STEP_FAILED;
	code = w->env->classify(w->env->classify_ctx, ra, true);
	/* traps.S passes the frame's address as the handler's argument: it
	 * is rsp at the call, just above the return address. */
	if (code.kind == QS_CODE_TRAP)
		return read_context(w, &qs_trap_frame, slot + WORD, c) ? STEP_FAILED : STEP_TRAP;
	if (!next_rbp || (bounded(w) && slot + WORD == w->stack.hi))
		return STEP_DONE;
	if (code.kind != QS_CODE_FRAMED)
		return fail(w, QS_WALK_UNKNOWN_CODE, "return address", ra);
	return STEP_ON;
}

/* Frame records from rbp up. */
static enum step chain(struct walker *w, uint64_t rbp, struct qs_context *c)
{
	enum step s = STEP_ON;
	uint64_t saved, ra;

	while (s == STEP_ON) {
		if (!rbp)
			return STEP_DONE;
		if (check_span(w, "rbp", rbp, FRAME_RECORD) ||
		    read_word(w, "rbp", rbp, &saved) ||
		    read_word(w, "rbp", rbp + WORD, &ra))
			return STEP_FAILED;
		w->floor = rbp + FRAME_RECORD;
		s = returned_to(w, ra, rbp + WORD, saved, c);
		rbp = saved;
	}
	return s;
}

/* A function without a frame record of its own: its return address is
 * on top of what it pushed, and rbp is already the caller's. */
static enum step unframed(struct walker *w, struct qs_code code, struct qs_context *c)
{
	uint64_t slot = c->rsp + code.ra_offset, ra;
	enum step s;

	if (check_span(w, "rsp", c->rsp, (uint64_t)code.ra_offset + WORD) ||
	    read_word(w, "rsp", slot, &ra))
		return STEP_FAILED;
	w->floor = slot + WORD;
	s = returned_to(w, ra, slot, c->rbp, c);
	return s == STEP_ON ? chain(w, c->rbp, c) : s;
}

static enum step walk_context(struct walker *w, struct qs_context *c)
{
	struct qs_code code;

	if (add_frame(w, c->pc, false) || check_span(w, "rsp", c->rsp, 0))
		return STEP_FAILED;
	w->floor = c->rsp;
	code = w->env->classify(w->env->classify_ctx, c->pc, false);
	if (code.kind == QS_CODE_FRAMED)
		return chain(w, c->rbp, c);
	if (code.kind == QS_CODE_UNFRAMED)
		return unframed(w, code, c);
	return fail(w, QS_WALK_UNKNOWN_CODE, "pc", c->pc);
}

static struct walker walker_for(const struct qs_walk_env *env, const struct qs_stack *stack,
				struct qs_walk *out)
{
	memset(out, 0, sizeof(*out));
	return (struct walker){ .env = env, .stack = *stack, .out = out, .floor = stack->lo };
}

/* Each trap frame lies above the last, and every context adds a frame,
 * so this ends within QS_WALK_MAX_FRAMES contexts. */
static int walk_from(struct walker *w, struct qs_context c)
{
	enum step s;

	do
		s = walk_context(w, &c);
	while (s == STEP_TRAP);
	return s == STEP_DONE ? 0 : -1;
}

int qs_walk_regs(const struct qs_walk_env *env, const struct qs_stack *stack,
	    const struct qs_context *start, struct qs_walk *out)
{
	struct walker w = walker_for(env, stack, out);

	return walk_from(&w, *start);
}

int qs_walk_switched_out(const struct qs_walk_env *env, const struct qs_stack *stack,
			 uint64_t saved_rsp, struct qs_walk *out)
{
	struct walker w = walker_for(env, stack, out);
	struct qs_context c;

	if (read_context(&w, &qs_switch_frame, saved_rsp, &c))
		return -1;
	return walk_from(&w, c);
}
