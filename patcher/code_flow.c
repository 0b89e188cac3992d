// SPDX-License-Identifier: GPL-2.0-only
/*
 * One function's frame state at every instruction (code_internal.h): a
 * worklist over its control flow from the entry, where the state is the
 * bytes pushed since the call and whether rbp is still the caller's. Only
 * what the compiler's prologues and epilogues do is modelled exactly
 * (push, pop, pushf, popf, sub/add rsp with a constant, push rbp then
 * mov rbp, rsp, leave, mov rsp, rbp and lea rsp, [rbp + d]); any other
 * write to rbp makes the state unknown, any other write to rsp its depth.
 * Where paths meet with different states, the answer is unknown too,
 * except that two framed states only lose their depth (which a framed
 * answer does not use).
 */
#include <stdlib.h>
#include <string.h>

#include "code_internal.h"

#define WORD 8

static const struct code_state bad = { CODE_BAD, CODE_DEPTH_UNKNOWN, -1 };

struct flow {
	csh cs;
	struct code_fn *fn;
	cs_insn *dec;          /* the decoded instructions, fn->insns' order */
	size_t *work, nwork;
	bool seed;             /* whether code only indirect jumps reach is seeded */
	struct code_state indirect; /* the state at the indirect jumps seen */
	bool indirect_seen;
};

static bool same(struct code_state a, struct code_state b)
{
	return a.kind == b.kind && a.depth == b.depth && a.rbp_slot == b.rbp_slot;
}

static struct code_state meet(struct code_state a, struct code_state b)
{
	if (a.kind == CODE_UNREACHED || same(a, b))
		return b;
	if (a.kind == CODE_FRAME && b.kind == CODE_FRAME)
		return (struct code_state){ CODE_FRAME, CODE_DEPTH_UNKNOWN, -1 };
	return bad;
}

static int32_t moved(int32_t depth, int64_t by)
{
	int64_t d = (int64_t)depth + by;

	if (depth == CODE_DEPTH_UNKNOWN || d < 0 || d > INT32_MAX / 2)
		return CODE_DEPTH_UNKNOWN;
	return (int32_t)d;
}

static bool is_reg(const cs_x86_op *op, x86_reg r)
{
	return op->type == X86_OP_REG && op->reg == r;
}

static bool in_family(uint16_t reg, const x86_reg *family)
{
	for (int i = 0; i < 4; i++)
		if (reg == family[i])
			return true;
	return false;
}

static const x86_reg rsp_family[4] = { X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL };
static const x86_reg rbp_family[4] = { X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL };

/* An instruction with no modelled effect: if it writes rbp the state is
 * lost, if it writes rsp the depth is. */
static struct code_state other_write(csh cs, const cs_insn *in, struct code_state s)
{
	cs_regs rd, wr;
	uint8_t nrd, nwr;

	if (cs_regs_access(cs, in, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return bad;
	for (uint8_t i = 0; i < nwr; i++) {
		if (in_family(wr[i], rbp_family))
			return bad;
		if (in_family(wr[i], rsp_family))
			s.depth = CODE_DEPTH_UNKNOWN;
	}
	return s;
}

static struct code_state pushed(const cs_insn *in, struct code_state s)
{
	const cs_x86 *x = &in->detail->x86;

	if (x->prefix[2] == 0x66) /* a 2-byte push: no longer whole words */
		return (struct code_state){ s.kind, CODE_DEPTH_UNKNOWN, -1 };
	s.depth = moved(s.depth, WORD);
	if (in->id == X86_INS_PUSH && is_reg(&x->operands[0], X86_REG_RBP) &&
	    s.kind == CODE_CALLER && s.rbp_slot < 0)
		s.rbp_slot = s.depth;
	return s;
}

static struct code_state popped(const cs_insn *in, struct code_state s)
{
	const cs_x86 *x = &in->detail->x86;

	bool reg = in->id == X86_INS_POP && x->operands[0].type == X86_OP_REG;

	if (reg && in_family(x->operands[0].reg, rbp_family) && !is_reg(&x->operands[0], X86_REG_RBP))
		return bad; /* part of rbp */
	if (x->prefix[2] == 0x66 || (reg && in_family(x->operands[0].reg, rsp_family)))
		return (struct code_state){ s.kind, CODE_DEPTH_UNKNOWN, -1 };
	if (in->id == X86_INS_POP && is_reg(&x->operands[0], X86_REG_RBP)) {
		/* rbp gets the caller's back only from where it was saved */
		if (s.kind == CODE_FRAME && s.depth == WORD)
			return (struct code_state){ CODE_CALLER, 0, -1 };
		if (s.kind == CODE_CALLER && s.depth >= 0 && s.depth == s.rbp_slot)
			return (struct code_state){ CODE_CALLER, s.depth - WORD, -1 };
		return bad;
	}
	s.depth = moved(s.depth, -WORD);
	if (s.rbp_slot > s.depth)
		s.rbp_slot = -1; /* the saved rbp was popped into another register */
	return s;
}

/* mov, lea, add, sub with rsp or rbp as destination. */
static struct code_state frame_move(csh cs, const cs_insn *in, struct code_state s)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *dst = &x->operands[0], *src = &x->operands[1];

	if (x->op_count != 2)
		return other_write(cs, in, s);
	if (in->id == X86_INS_MOV && is_reg(dst, X86_REG_RBP) && is_reg(src, X86_REG_RSP))
		/* the frame record is right at the return address */
		return s.kind == CODE_CALLER && s.depth == WORD && s.rbp_slot == WORD
			       ? (struct code_state){ CODE_FRAME, WORD, -1 } : bad;
	if (in->id == X86_INS_MOV && is_reg(dst, X86_REG_RSP) && is_reg(src, X86_REG_RBP))
		return s.kind == CODE_FRAME ? (struct code_state){ CODE_FRAME, WORD, -1 } : bad;
	if (in->id == X86_INS_LEA && is_reg(dst, X86_REG_RSP) && src->type == X86_OP_MEM &&
	    src->mem.base == X86_REG_RBP && src->mem.index == X86_REG_INVALID &&
	    src->mem.segment == X86_REG_INVALID)
		return s.kind == CODE_FRAME
			       ? (struct code_state){ CODE_FRAME, moved(WORD, -src->mem.disp), -1 }
			       : bad;
	if ((in->id == X86_INS_SUB || in->id == X86_INS_ADD) && is_reg(dst, X86_REG_RSP) &&
	    src->type == X86_OP_IMM) {
		s.depth = moved(s.depth, in->id == X86_INS_SUB ? src->imm : -src->imm);
		if (s.rbp_slot > s.depth)
			s.rbp_slot = -1;
		return s;
	}
	return other_write(cs, in, s);
}

/* The state after in, which starts in state s. */
static struct code_state step(csh cs, const cs_insn *in, struct code_state s)
{
	if (s.kind == CODE_BAD)
		return s;
	switch (in->id) {
	case X86_INS_PUSH:
	case X86_INS_PUSHFQ:
		return pushed(in, s);
	case X86_INS_POP:
	case X86_INS_POPFQ:
		return popped(in, s);
	case X86_INS_LEAVE:
		return s.kind == CODE_FRAME ? (struct code_state){ CODE_CALLER, 0, -1 } : bad;
	case X86_INS_MOV:
	case X86_INS_LEA:
	case X86_INS_ADD:
	case X86_INS_SUB:
		return frame_move(cs, in, s);
	case X86_INS_CALL:
		return s; /* the callee returns with the stack as it found it */
	default:
		if (cs_insn_group(cs, in, CS_GRP_JUMP) || cs_insn_group(cs, in, CS_GRP_RET))
			return s;
		return other_write(cs, in, s);
	}
}

static size_t index_of(const struct code_fn *fn, uint64_t off)
{
	const struct code_insn *at = code_fn_insn(fn, off, true);

	return at ? (size_t)(at - fn->insns) : fn->ninsns;
}

static void reach(struct flow *f, size_t i, struct code_state s)
{
	struct code_state old = f->fn->insns[i].in, now = meet(old, s);

	if (old.kind != CODE_UNREACHED && same(old, now))
		return;
	f->fn->insns[i].in = now;
	f->work[f->nwork++] = i; /* each instruction changes state at most 3 times */
}

/* A branch to target: fine outside the function (a tail jump), not into
 * the middle of one of its instructions. */
static int branch(struct flow *f, uint64_t target, struct code_state s)
{
	size_t i;

	if (target < f->fn->addr || target - f->fn->addr >= f->fn->size)
		return 0;
	if ((i = index_of(f->fn, target - f->fn->addr)) == f->fn->ninsns)
		return -1;
	reach(f, i, s);
	return 0;
}

static bool ends_path(csh cs, const cs_insn *in)
{
	return in->id == X86_INS_JMP || in->id == X86_INS_LJMP || in->id == X86_INS_UD2 ||
	       in->id == X86_INS_INT3 || cs_insn_group(cs, in, CS_GRP_RET) ||
	       cs_insn_group(cs, in, CS_GRP_IRET);
}

static void note_indirect(struct flow *f, struct code_state s)
{
	if (!f->indirect_seen)
		f->indirect = s;
	else if (!same(f->indirect, s))
		f->indirect = bad;
	f->indirect_seen = true;
}

/* Follows instruction i's edges. -1 when a branch lands inside an
 * instruction: then nothing about the function can be trusted. */
static int follow(struct flow *f, size_t i)
{
	const cs_insn *in = &f->dec[i];
	const cs_x86 *x = &in->detail->x86;
	struct code_state out = step(f->cs, in, f->fn->insns[i].in);

	if (cs_insn_group(f->cs, in, CS_GRP_JUMP)) {
		if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
			if (branch(f, (uint64_t)x->operands[0].imm, out))
				return -1;
		} else {
			note_indirect(f, out);
		}
	}
	if (!ends_path(f->cs, in) && i + 1 < f->fn->ninsns)
		reach(f, i + 1, out);
	return 0;
}

static int drain(struct flow *f)
{
	while (f->nwork)
		if (follow(f, f->work[--f->nwork]))
			return -1;
	return 0;
}

/* Code that only indirect jumps (switch tables) reach gets their state,
 * when they all agree: a jump does not change it. The lowest unreached
 * instruction is such code's first (anything falling into it would have
 * reached it), and whatever it is reached from later must agree too, or
 * meet() makes it unknown. */
static int seed_indirect(struct flow *f)
{
	for (size_t i = 0; i < f->fn->ninsns; i++) {
		if (f->fn->insns[i].in.kind != CODE_UNREACHED)
			continue;
		if (!f->indirect_seen || f->indirect.kind == CODE_BAD)
			return 0;
		reach(f, i, f->indirect);
		if (drain(f))
			return -1;
	}
	return 0;
}

static void reset(struct flow *f)
{
	for (size_t i = 0; i < f->fn->ninsns; i++)
		f->fn->insns[i].in = (struct code_state){ CODE_UNREACHED, 0, -1 };
	f->indirect_seen = false;
	f->nwork = 0;
}

/* Every indirect jump's final state is the one its targets were given. */
static bool seeds_held(const struct flow *f)
{
	for (size_t i = 0; i < f->fn->ninsns; i++) {
		const cs_insn *in = &f->dec[i];

		if (cs_insn_group(f->cs, in, CS_GRP_JUMP) && in->detail->x86.op_count == 1 &&
		    in->detail->x86.operands[0].type != X86_OP_IMM &&
		    !same(step(f->cs, in, f->fn->insns[i].in), f->indirect))
			return false;
	}
	return true;
}

static int run(struct flow *f)
{
	reset(f);
	reach(f, 0, (struct code_state){ CODE_CALLER, 0, -1 });
	if (drain(f))
		return -1;
	if (!f->seed)
		return 0;
	if (seed_indirect(f))
		return -1;
	if (seeds_held(f))
		return 0;
	f->seed = false; /* the guess did not hold: leave that code unknown */
	return run(f);
}

static void record(struct code_fn *fn, const cs_insn *dec, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fn->insns[i] = (struct code_insn){ .off = (uint32_t)(dec[i].address - fn->addr),
						   .len = (uint8_t)dec[i].size,
						   .call = dec[i].id == X86_INS_CALL };
		fn->calls |= fn->insns[i].call;
	}
	fn->ninsns = n;
	fn->entry_push_rbp = n && dec[0].id == X86_INS_PUSH &&
			     is_reg(&dec[0].detail->x86.operands[0], X86_REG_RBP);
}

static bool whole(const struct code_fn *fn, const cs_insn *dec, size_t n)
{
	return n && dec[n - 1].address + dec[n - 1].size - fn->addr == fn->size;
}

int code_fn_analyse(csh cs, struct code_fn *fn, const uint8_t *bytes)
{
	struct flow f = { .cs = cs, .fn = fn, .seed = true };
	size_t n = cs_disasm(cs, bytes, fn->size, fn->addr, 0, &f.dec);
	int rc = -1;

	fn->decoded = false;
	if (!whole(fn, f.dec, n)) {
		rc = 0; /* bytes Capstone cannot decode: every pc is unknown */
		goto out;
	}
	/* Three changes of state per instruction at most, each queued once. */
	if (!(fn->insns = calloc(n, sizeof(*fn->insns))) ||
	    !(f.work = malloc(3 * n * sizeof(*f.work))))
		goto out;
	record(fn, f.dec, n);
	fn->decoded = run(&f) == 0;
	rc = 0;
out:
	if (!fn->decoded) {
		free(fn->insns);
		fn->insns = NULL;
		fn->ninsns = 0;
	}
	free(f.work);
	cs_free(f.dec, n);
	return rc;
}

static int by_offset(const void *key, const void *elem)
{
	uint64_t off = *(const uint64_t *)key;
	const struct code_insn *in = elem;

	if (off < in->off)
		return -1;
	return off >= (uint64_t)in->off + in->len ? 1 : 0;
}

const struct code_insn *code_fn_insn(const struct code_fn *fn, uint64_t off, bool exact)
{
	const struct code_insn *in = fn->ninsns ? bsearch(&off, fn->insns, fn->ninsns,
							  sizeof(*in), by_offset) : NULL;

	return in && (!exact || in->off == off) ? in : NULL;
}
