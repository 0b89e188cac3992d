/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Negotiated state transfer (seed 000 §3.3). When a hot swap hands an
 * object from one root to another, the old root exports its state and the
 * new one imports it, in a format both speak. Each side describes the
 * formats it can produce and accept as a 64-bit protocol vector: bit f set
 * means format f.
 *
 * Which format wins: the highest bit set in both vectors. Formats are
 * numbered from the most general (bit 0, typically "the whole state as one
 * value", which anything can produce) up to the most specific, so the
 * richest format the two sides share is used. No common bit: the swap
 * fails before it starts, and the object is never touched.
 */
#ifndef SV_KERNEL_CO_TRANSFER_H
#define SV_KERNEL_CO_TRANSFER_H

#include <stdint.h>

struct co_root;

/* The `cpu` argument of a format that is not per CPU. */
#define CO_TRANSFER_WHOLE (~0u)

struct co_transfer_ops {
	uint64_t exports; /* protocol vector: formats export_state produces */
	uint64_t imports; /* protocol vector: formats import_state accepts */
	uint64_t per_cpu; /* formats moved CPU by CPU (cpu = 0 .. online-1) */
	/* The root's state in `format` (for `cpu` in a per-CPU format, else
	 * CO_TRANSFER_WHOLE) in a new heap block that the importer takes
	 * over; NULL when out of memory. The exporter keeps its own state as
	 * it was: a swap can still be rolled back onto it. */
	void *(*export_state)(struct co_root *root, unsigned format, unsigned cpu);
	/* Replaces the root's state (or `cpu`'s share of it) with `state`,
	 * and frees `state` whatever happens. 0, or -1 on failure. */
	int (*import_state)(struct co_root *root, unsigned format, unsigned cpu, void *state);
};

/* The winning format for an exporter's and an importer's protocol
 * vectors (the highest common bit), or -1 when they share none. */
static inline int co_negotiate(uint64_t exports, uint64_t imports)
{
	uint64_t common = exports & imports;

	return common ? 63 - __builtin_clzll(common) : -1;
}

#endif
