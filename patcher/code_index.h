/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The code classifier of the consistency check (quiesce/stack_walk.h's
 * qs_classify_fn): for a pc in the guest kernel or a patch module, where
 * the return address is and whether rbp is this function's frame record.
 *
 * Every function is decoded once with Capstone and its frame state
 * followed along its control flow from the entry: how many bytes it has
 * pushed since its call, and whether rbp is still the caller's or already
 * its own frame record (`push rbp; mov rbp, rsp` right at the return
 * address). Anything the analysis cannot follow exactly (a write to rbp
 * or rsp it does not model, paths that meet with different states, code
 * no path it saw reaches, a function that does not decode whole) is
 * UNKNOWN: an unknown answer blocks a patch, a wrong one would let it
 * through. The rules are in docs/binary-patching.md, "Code classifier".
 */
#ifndef SV_PATCHER_CODE_INDEX_H
#define SV_PATCHER_CODE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack_walk.h"

#ifdef __cplusplus
extern "C" {
#endif

struct code_index;

/* Every FUNC symbol with a size in the kernel ELF at kernel_path, decoded
 * with Capstone, and the trap entry's return address (trap_common's call
 * of trap_dispatch, found by decoding). Returns 0 and *out (free with
 * code_index_free), or -1 with err naming the file and what is missing. */
int code_index_from_kernel(const char *kernel_path, struct code_index **out, char *err,
			   size_t errlen);

/* An empty index (no kernel, no trap return), for patch modules alone and
 * for tests. NULL when out of memory or Capstone is missing. */
struct code_index *code_index_new(void);

/* Adds a function living elsewhere (a patch module's, in the patch area),
 * decoded the same way. Refused, with err naming both, when it overlaps a
 * function already indexed. */
int code_index_add(struct code_index *ix, const char *name, uint64_t addr,
		   const uint8_t *bytes, uint64_t size, char *err, size_t errlen);
void code_index_free(struct code_index *ix);

/* A qs_classify_fn (quiesce/stack_walk.h); ctx is the struct code_index. */
struct qs_code code_index_classify(void *ctx, uint64_t pc, bool is_return);

/* The function holding pc (name and start), NULL when none. */
const char *code_index_name(const struct code_index *ix, uint64_t pc, uint64_t *start);

/* What the index holds, for reports and tests. A function is framed when
 * it pushes rbp first and sets up its frame record (the compiler may put
 * other instructions between push rbp and mov rbp, rsp), shrink-wrapped
 * when it sets one up later on some paths, a leaf when it never sets one
 * up and calls nothing; a function that calls without a frame, or does
 * not decode, is none of these. with_unknown counts the functions with an
 * instruction the analysis reached but cannot answer for (or that do not
 * decode at all); unreached instructions (padding after a jump) are
 * unknown too, but counted apart. */
struct code_index_stats {
	size_t functions, framed, leaves, shrink_wrapped, with_unknown;
	size_t insns, unknown_insns, unreached_insns;
	uint64_t trap_return;     /* 0 when not found (an index without a kernel) */
};
void code_index_summarize(const struct code_index *ix, struct code_index_stats *out);

#ifdef __cplusplus
}
#endif

#endif
