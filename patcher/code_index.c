// SPDX-License-Identifier: GPL-2.0-only
/*
 * The code classifier (code_index.h): functions sorted by address, each
 * analysed once by code_flow.c, and the answers the stack walker asks
 * for. The kernel's functions come from its symbol table (guest_image.h);
 * the trap entry, which has no size, only for its one return address.
 */
#include "code_index.h"

#include <stdlib.h>
#include <string.h>

#include "code_internal.h"
#include "fail.h"
#include "guest_image.h"

/* The trap entry (guest/x86_64/traps.S) and the C handler it calls. */
#define TRAP_ENTRY "trap_common"
#define TRAP_HANDLER "trap_dispatch"
/* How far into the entry its call of the handler may be: it saves the 15
 * general registers first (2 bytes each at most), then calls. */
#define TRAP_ENTRY_SCAN 128

struct code_index {
	csh cs;
	struct code_fn *fns;     /* sorted by address, not overlapping */
	size_t n, cap;
	uint64_t trap_return;
};

static const struct qs_code unknown = { QS_CODE_UNKNOWN, 0 };

struct code_index *code_index_new(void)
{
	struct code_index *ix = calloc(1, sizeof(*ix));

	if (!ix)
		return NULL;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &ix->cs) != CS_ERR_OK) {
		free(ix);
		return NULL;
	}
	/* Operands, groups and register accesses, for the frame analysis. */
	cs_option(ix->cs, CS_OPT_DETAIL, CS_OPT_ON);
	return ix;
}

void code_index_free(struct code_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->fns[i].name);
		free(ix->fns[i].insns);
	}
	free(ix->fns);
	cs_close(&ix->cs);
	free(ix);
}

/* The first function ending after addr: where one starting at addr goes. */
static size_t position(const struct code_index *ix, uint64_t addr)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->fns[mid].addr + ix->fns[mid].size <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct code_fn *holding(const struct code_index *ix, uint64_t pc)
{
	size_t i = position(ix, pc);

	return i < ix->n && ix->fns[i].addr <= pc ? &ix->fns[i] : NULL;
}

int code_index_add(struct code_index *ix, const char *name, uint64_t addr,
		   const uint8_t *bytes, uint64_t size, char *err, size_t errlen)
{
	struct code_fn fn = { .addr = addr, .size = size };
	size_t at = position(ix, addr);

	if (!size || addr + size < addr)
		return patcher_fail(err, errlen, name, "%llu bytes at 0x%llx are not a function",
				    (unsigned long long)size, (unsigned long long)addr);
	if (at < ix->n && ix->fns[at].addr < addr + size)
		return patcher_fail(err, errlen, name,
				    "[0x%llx, 0x%llx) overlaps %s at [0x%llx, 0x%llx)",
				    (unsigned long long)addr, (unsigned long long)(addr + size),
				    ix->fns[at].name, (unsigned long long)ix->fns[at].addr,
				    (unsigned long long)(ix->fns[at].addr + ix->fns[at].size));
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 256;
		struct code_fn *fns = realloc(ix->fns, cap * sizeof(*fns));

		if (!fns)
			return patcher_fail(err, errlen, name, "out of memory");
		ix->fns = fns;
		ix->cap = cap;
	}
	if (!(fn.name = strdup(name)) || code_fn_analyse(ix->cs, &fn, bytes)) {
		free(fn.name);
		return patcher_fail(err, errlen, name, "out of memory");
	}
	memmove(&ix->fns[at + 1], &ix->fns[at], (ix->n - at) * sizeof(*ix->fns));
	ix->fns[at] = fn;
	ix->n++;
	return 0;
}

/* What the kernel's symbol table gives: its functions, and where the
 * trap entry and its handler are. */
struct kernel_scan {
	struct code_index *ix;
	const char *path;
	char *err;
	size_t errlen;
	uint8_t trap_entry[TRAP_ENTRY_SCAN];
	uint64_t trap_entry_addr, trap_entry_len, handler;
};

/* An alias (two names, one function) is indexed once. */
static bool indexed(const struct code_index *ix, const struct guest_code *c)
{
	const struct code_fn *fn = holding(ix, c->addr);

	return fn && fn->addr == c->addr && fn->size == c->size;
}

static int scan_symbol(void *ctx, const struct guest_code *c)
{
	struct kernel_scan *k = ctx;

	if (!strcmp(c->name, TRAP_ENTRY)) {
		k->trap_entry_addr = c->addr;
		k->trap_entry_len = c->avail < TRAP_ENTRY_SCAN ? c->avail : TRAP_ENTRY_SCAN;
		memcpy(k->trap_entry, c->bytes, k->trap_entry_len);
	}
	if (!strcmp(c->name, TRAP_HANDLER))
		k->handler = c->addr;
	if (!c->func || !c->size || indexed(k->ix, c))
		return 0;
	if (c->size > c->avail)
		return patcher_fail(k->err, k->errlen, k->path,
				    "%s: its %llu bytes at 0x%llx run past its section", c->name,
				    (unsigned long long)c->size, (unsigned long long)c->addr);
	return code_index_add(k->ix, c->name, c->addr, c->bytes, c->size, k->err, k->errlen);
}

/* The return address of the trap entry's call of the handler: decoded
 * from the entry up to its first call, which must be that one. */
static int find_trap_return(struct kernel_scan *k)
{
	const uint8_t *code = k->trap_entry;
	size_t left = k->trap_entry_len;
	uint64_t pc = k->trap_entry_addr;
	cs_insn *in = cs_malloc(k->ix->cs);
	bool found = false;
	int rc = -1;

	if (!k->trap_entry_addr || !k->handler || !in) {
		cs_free(in, 1);
		return patcher_fail(k->err, k->errlen, k->path, "no symbol %s",
				    k->handler ? TRAP_ENTRY : TRAP_HANDLER);
	}
	while (cs_disasm_iter(k->ix->cs, &code, &left, &pc, in)) {
		if (in->id != X86_INS_CALL)
			continue;
		found = in->detail->x86.operands[0].type == X86_OP_IMM &&
			(uint64_t)in->detail->x86.operands[0].imm == k->handler;
		break;
	}
	if (found) {
		k->ix->trap_return = pc;
		rc = 0;
	} else {
		patcher_fail(k->err, k->errlen, k->path,
			     "%s at 0x%llx: no call of %s in its first %llu bytes", TRAP_ENTRY,
			     (unsigned long long)k->trap_entry_addr, TRAP_HANDLER,
			     (unsigned long long)k->trap_entry_len);
	}
	cs_free(in, 1);
	return rc;
}

int code_index_from_kernel(const char *kernel_path, struct code_index **out, char *err,
			   size_t errlen)
{
	struct kernel_scan k = { .ix = code_index_new(), .path = kernel_path, .err = err,
				 .errlen = errlen };

	*out = NULL;
	if (!k.ix)
		return patcher_fail(err, errlen, kernel_path, "out of memory, or no Capstone");
	if (guest_image_visit_code(kernel_path, scan_symbol, &k, err, errlen) ||
	    find_trap_return(&k)) {
		code_index_free(k.ix);
		return -1;
	}
	if (!k.ix->n) {
		code_index_free(k.ix);
		return patcher_fail(err, errlen, kernel_path, "no function with a size");
	}
	*out = k.ix;
	return 0;
}

/* A return address: the call just before it, in code where rbp is the
 * function's frame record. */
static struct qs_code classify_return(const struct code_fn *fn, uint64_t ra)
{
	const struct code_insn *call = code_fn_insn(fn, ra - 1 - fn->addr, false);

	if (call && call->call && fn->addr + call->off + call->len == ra &&
	    call->in.kind == CODE_FRAME)
		return (struct qs_code){ QS_CODE_FRAMED, 0 };
	return unknown;
}

static struct qs_code classify_pc(const struct code_fn *fn, uint64_t pc)
{
	const struct code_insn *in = code_fn_insn(fn, pc - fn->addr, true);

	if (!in)
		return unknown;
	if (in->in.kind == CODE_FRAME)
		return (struct qs_code){ QS_CODE_FRAMED, 0 };
	if (in->in.kind == CODE_CALLER && in->in.depth != CODE_DEPTH_UNKNOWN)
		return (struct qs_code){ QS_CODE_UNFRAMED, (uint32_t)in->in.depth };
	return unknown;
}

struct qs_code code_index_classify(void *ctx, uint64_t pc, bool is_return)
{
	const struct code_index *ix = ctx;
	const struct code_fn *fn;

	if (is_return && ix->trap_return && pc == ix->trap_return)
		return (struct qs_code){ QS_CODE_TRAP, 0 };
	/* A call in a function's last bytes returns to the next one's start. */
	if (is_return)
		return pc && (fn = holding(ix, pc - 1)) ? classify_return(fn, pc) : unknown;
	return (fn = holding(ix, pc)) ? classify_pc(fn, pc) : unknown;
}

const char *code_index_name(const struct code_index *ix, uint64_t pc, uint64_t *start)
{
	const struct code_fn *fn = holding(ix, pc);

	if (!fn)
		return NULL;
	if (start)
		*start = fn->addr;
	return fn->name;
}

/* Reached, but without an answer (unreached code is counted apart: in
 * the kernel it is the alignment padding after jumps). */
static bool unknown_at(const struct code_insn *in)
{
	return in->in.kind == CODE_BAD ||
	       (in->in.kind == CODE_CALLER && in->in.depth == CODE_DEPTH_UNKNOWN);
}

void code_index_summarize(const struct code_index *ix, struct code_index_stats *out)
{
	*out = (struct code_index_stats){ .functions = ix->n, .trap_return = ix->trap_return };
	for (size_t i = 0; i < ix->n; i++) {
		const struct code_fn *fn = &ix->fns[i];
		size_t unknowns = 0;
		bool frame = false;

		if (!fn->decoded) {
			out->with_unknown++; /* every pc in it is unknown */
			continue;
		}
		for (size_t j = 0; j < fn->ninsns; j++) {
			unknowns += unknown_at(&fn->insns[j]);
			out->unreached_insns += fn->insns[j].in.kind == CODE_UNREACHED;
			frame |= fn->insns[j].in.kind == CODE_FRAME;
		}
		out->framed += frame && fn->entry_push_rbp;
		out->shrink_wrapped += frame && !fn->entry_push_rbp;
		out->leaves += !frame && !fn->calls;
		out->insns += fn->ninsns;
		out->unknown_insns += unknowns;
		out->with_unknown += unknowns > 0;
	}
}
