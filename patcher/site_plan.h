/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Patch sites for binary patching: whether a guest function's entry can
 * be overwritten with a 5-byte `jmp rel32` to its replacement, decided by
 * decoding the function with Capstone, and the bytes to write and to put
 * back. The old body is never run once the jump is in place (the monitor
 * proves no thread is inside it first), so nothing is relocated: the
 * instructions the jump displaces are only reported. The rules and
 * messages are in docs/binary-patching.md.
 */
#ifndef SV_PATCHER_SITE_PLAN_H
#define SV_PATCHER_SITE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SITE_JMP_LEN 5          /* E9 rel32 */
#define SITE_TRAMPOLINE_LEN 14  /* jmp *0(%rip); .quad target */
#define SITE_NAME_MAX 128
#define SITE_INSN_TEXT_MAX 196  /* Capstone's mnemonic and operands, a space between */
#define SITE_REASON_MAX 768

/* A function as the guest image's symbol table gives it. */
struct site_function {
	const char *name;
	uint64_t addr;
	const uint8_t *bytes;
	size_t size;
};

enum site_verdict {
	SITE_REFUSED,
	SITE_DIRECT,      /* the replacement is within rel32 of the jump */
	SITE_TRAMPOLINE,  /* it is not: the jump goes to a trampoline in the patch area */
};

/* One whole instruction among those covering the 5 bytes. */
struct site_insn {
	uint8_t len;
	char text[SITE_INSN_TEXT_MAX];
};

struct site_plan {
	enum site_verdict verdict;
	char reason[SITE_REASON_MAX];  /* on refusal: the function, offset and instruction */
	char name[SITE_NAME_MAX];
	uint64_t entry, size, replacement;
	struct site_insn displaced[SITE_JMP_LEN];
	size_t ndisplaced;
	size_t span;                       /* bytes of the displaced instructions, >= 5 */
	uint8_t old_bytes[SITE_JMP_LEN];   /* for rollback */
	uint8_t new_bytes[SITE_JMP_LEN];   /* the jump; for SITE_TRAMPOLINE, once placed */
	uint64_t page_split;               /* the page boundary inside the 5 bytes, or 0 */
	size_t indirect_jumps;             /* jumps whose targets are not analysed */
	uint64_t first_indirect;           /* the first one's offset */
	uint64_t trampoline;               /* SITE_TRAMPOLINE: where it was placed, or 0 */
	uint8_t trampoline_bytes[SITE_TRAMPOLINE_LEN];
};

/* Plans the jump from fn's entry to replacement. Returns 0 (verdict
 * SITE_DIRECT or SITE_TRAMPOLINE), or -1 with verdict SITE_REFUSED and the
 * reason: shorter than the jump, bytes Capstone cannot decode, or a branch
 * in the function to inside the 5 bytes. */
int site_plan_function(const struct site_function *fn, uint64_t replacement,
		       struct site_plan *plan);

/* For a SITE_TRAMPOLINE plan: puts the trampoline at `at` in the patch
 * area, filling trampoline_bytes and new_bytes (the entry's jump to it).
 * Returns 0, or -1 with err when `at` is itself beyond rel32 of the entry. */
int site_place_trampoline(struct site_plan *plan, uint64_t at, char *err, size_t errlen);

/* `jmp rel32` at `at` to `to` into out. Returns 0, or -1 (out untouched)
 * when to - (at + 5) does not fit in a signed 32-bit displacement. */
int site_jmp_rel32(uint64_t at, uint64_t to, uint8_t out[SITE_JMP_LEN]);

/* An absolute jump to `to` that runs from anywhere: jmp *0(%rip), then
 * the 8-byte address it reads. */
void site_trampoline_bytes(uint64_t to, uint8_t out[SITE_TRAMPOLINE_LEN]);

/* "function NAME at 0xADDR (SIZE bytes)": how every line, reason and
 * error about the plan begins; SITE_HEAD_MAX holds it whole. */
#define SITE_HEAD_MAX (SITE_NAME_MAX + 64)
void site_plan_head(const struct site_plan *plan, char *buf, size_t len);

/* The plan as one line for the monitor's --dry-run (the reason, for a
 * refusal). */
void site_plan_line(const struct site_plan *plan, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
