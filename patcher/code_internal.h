/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by code_index.c (the index, lookups, answers) and code_flow.c
 * (decoding one function and following its frame state). */
#ifndef SV_PATCHER_CODE_INTERNAL_H
#define SV_PATCHER_CODE_INTERNAL_H

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>

#define CODE_DEPTH_UNKNOWN (-1)

enum code_frame {
	CODE_UNREACHED = 0, /* no path the analysis followed gets here */
	CODE_CALLER,        /* rbp is still the caller's: ra at [rsp + depth] */
	CODE_FRAME,         /* rbp is this function's frame record */
	CODE_BAD,           /* anything else: unknown */
};

/* The frame state where an instruction starts. */
struct code_state {
	uint8_t kind;       /* enum code_frame */
	int32_t depth;      /* bytes pushed since the call, or CODE_DEPTH_UNKNOWN */
	int32_t rbp_slot;   /* CODE_CALLER: the depth at which the caller's rbp
			     * was pushed, -1 if it was not */
};

struct code_insn {
	uint32_t off;       /* from the function's start */
	uint8_t len;
	bool call;
	struct code_state in;
};

struct code_fn {
	char *name;
	uint64_t addr, size;
	struct code_insn *insns;  /* by offset; none when not decoded */
	size_t ninsns;
	bool decoded;             /* whole instructions to the end, no branch into one */
	bool entry_push_rbp;      /* its first instruction is push rbp */
	bool calls;
};

/* Decodes fn's size bytes at bytes (for guest address fn->addr) and
 * records every instruction with its frame state. 0, or -1 when out of
 * memory; code that cannot be analysed is not an error, it is unknown. */
int code_fn_analyse(csh cs, struct code_fn *fn, const uint8_t *bytes);

/* The instruction starting at off, or the one holding it when !exact. */
const struct code_insn *code_fn_insn(const struct code_fn *fn, uint64_t off, bool exact);

#endif
