// SPDX-License-Identifier: GPL-2.0-only
/*
 * Planning a patch site (site_plan.h): the function decoded whole with
 * Capstone, its branches checked against the bytes the jump overwrites,
 * and the reach of the jump decided.
 */
#include "site_plan.h"

#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The writer maps guest memory a 4 KiB page at a time. */
#define SITE_PAGE_SIZE 4096ull

__attribute__((format(printf, 2, 3)))
static int refuse(struct site_plan *p, const char *fmt, ...)
{
	char why[SITE_REASON_MAX];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	site_plan_head(p, p->reason, sizeof(p->reason));
	n = strlen(p->reason);
	snprintf(p->reason + n, sizeof(p->reason) - n, ": refused: %s", why);
	p->verdict = SITE_REFUSED;
	return -1;
}

/* Capstone stops at the first bytes it cannot decode, and at an
 * instruction that would run past the function's end: either way the
 * rest of the function cannot be checked. */
static int check_decoded(struct site_plan *p, const struct site_function *fn,
			 const cs_insn *insns, size_t n)
{
	uint64_t end = n ? insns[n - 1].address + insns[n - 1].size - fn->addr : 0;
	char shown[3 * 4 + 1] = "";

	if (end == fn->size)
		return 0;
	for (uint64_t i = end; i < fn->size && i < end + 4; i++)
		sprintf(shown + strlen(shown), " %02x", fn->bytes[i]);
	return refuse(p, "no instruction decodes at +0x%llx within the function (bytes%s%s)",
		      (unsigned long long)end, shown, fn->size > end + 4 ? " ..." : "");
}

static void insn_text(const cs_insn *in, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", in->mnemonic, in->op_str[0] ? " " : "", in->op_str);
}

/* A relative branch (jumps, calls, loop, xbegin) into (entry, entry + 5)
 * would land inside the jump's bytes, should anything still run the old
 * body. A target of the entry itself is fine: it meets the jump. Indirect
 * jumps (switch tables, computed gotos) are counted, not followed: their
 * targets are in data whose extent the code does not state. */
static int check_branch(csh cs, struct site_plan *p, const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	uint64_t at = in->address - p->entry, to;
	char text[SITE_INSN_TEXT_MAX];

	if (!cs_insn_group(cs, in, CS_GRP_BRANCH_RELATIVE)) {
		if (cs_insn_group(cs, in, CS_GRP_JUMP) && !p->indirect_jumps++)
			p->first_indirect = at;
		return 0;
	}
	if (!x->op_count || x->operands[0].type != X86_OP_IMM)
		return 0;
	to = (uint64_t)x->operands[0].imm;
	if (to <= p->entry || to >= p->entry + SITE_JMP_LEN)
		return 0;
	insn_text(in, text, sizeof(text));
	return refuse(p, "%s at +0x%llx branches to +0x%llx, inside the %d bytes the jump overwrites",
		      text, (unsigned long long)at, (unsigned long long)(to - p->entry),
		      SITE_JMP_LEN);
}

/* The whole instructions covering [0, 5), and what the jump overwrites. */
static void take_displaced(struct site_plan *p, const struct site_function *fn,
			   const cs_insn *insns)
{
	uint64_t last = p->entry + SITE_JMP_LEN - 1;

	for (const cs_insn *in = insns; p->span < SITE_JMP_LEN; in++) {
		struct site_insn *d = &p->displaced[p->ndisplaced++];

		d->len = (uint8_t)in->size;
		insn_text(in, d->text, sizeof(d->text));
		p->span += in->size;
	}
	memcpy(p->old_bytes, fn->bytes, SITE_JMP_LEN);
	if ((p->entry ^ last) & ~(SITE_PAGE_SIZE - 1))
		p->page_split = last & ~(SITE_PAGE_SIZE - 1);
}

static int plan_decoded(csh cs, struct site_plan *p, const struct site_function *fn,
			const cs_insn *insns, size_t n)
{
	if (check_decoded(p, fn, insns, n))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (check_branch(cs, p, &insns[i]))
			return -1;
	take_displaced(p, fn, insns);
	p->verdict = site_jmp_rel32(p->entry, p->replacement, p->new_bytes) ? SITE_TRAMPOLINE
									    : SITE_DIRECT;
	return 0;
}

int site_plan_function(const struct site_function *fn, uint64_t replacement,
		       struct site_plan *plan)
{
	cs_insn *insns = NULL;
	size_t n;
	csh cs;
	int rc;

	*plan = (struct site_plan){ .entry = fn->addr, .size = fn->size,
				    .replacement = replacement };
	snprintf(plan->name, sizeof(plan->name), "%s", fn->name);
	if (fn->size < SITE_JMP_LEN)
		return refuse(plan, "shorter than the %d-byte jmp rel32", SITE_JMP_LEN);
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return refuse(plan, "Capstone cannot decode x86-64 here");
	/* Groups and operands, for the branches' kinds and targets. */
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(cs, fn->bytes, fn->size, fn->addr, 0, &insns);
	rc = plan_decoded(cs, plan, fn, insns, n);
	cs_free(insns, n);
	cs_close(&cs);
	return rc;
}

int site_place_trampoline(struct site_plan *plan, uint64_t at, char *err, size_t errlen)
{
	char head[SITE_HEAD_MAX];

	if (site_jmp_rel32(plan->entry, at, plan->new_bytes)) {
		site_plan_head(plan, head, sizeof(head));
		snprintf(err, errlen, "%s: a trampoline at 0x%llx is beyond rel32 of the entry",
			 head, (unsigned long long)at);
		return -1;
	}
	site_trampoline_bytes(plan->replacement, plan->trampoline_bytes);
	plan->trampoline = at;
	return 0;
}
