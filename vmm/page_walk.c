// SPDX-License-Identifier: GPL-2.0-only
#include "page_walk.h"

#include <errno.h>
#include <string.h>

#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_EFER_LMA (1ull << 10)

#define PTE_PRESENT 1ull
#define PTE_LARGE (1ull << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

static int read_entry(const struct page_walk_ctx *ctx, uint64_t table,
		      unsigned index, uint64_t *entry)
{
	uint64_t gpa = table + index * 8ull;

	/* ram_size < 8 first: ram_size - 8 would wrap and let any gpa by. */
	if (ctx->ram_size < 8 || gpa > ctx->ram_size - 8)
		return -ERANGE;
	memcpy(entry, ctx->ram + gpa, sizeof(*entry));
	return 0;
}

static int is_canonical(uint64_t gva)
{
	int64_t high = (int64_t)gva >> 47;
	return high == 0 || high == -1;
}

int page_walk(const struct page_walk_ctx *ctx, uint64_t gva, uint64_t *gpa,
	      int *fault_level)
{
	uint64_t table = ctx->cr3 & PTE_ADDR_MASK;

	if (!(ctx->cr0 & X86_CR0_PG)) {
		*gpa = gva; /* paging off: physical addressing */
		return 0;
	}
	if (!(ctx->cr4 & X86_CR4_PAE) || !(ctx->efer & X86_EFER_LMA) ||
	    (ctx->cr4 & X86_CR4_LA57))
		return -ENOTSUP;
	if (!is_canonical(gva))
		return -EINVAL;

	for (int level = 4;; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t entry;
		int err = read_entry(ctx, table, (gva >> shift) & 511, &entry);

		if (err)
			return err;
		if (!(entry & PTE_PRESENT)) {
			if (fault_level)
				*fault_level = level;
			return -EFAULT;
		}
		/* Large pages exist at the PDPT (1 GiB) and PD (2 MiB) levels. */
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_LARGE))) {
			uint64_t page_mask = (1ull << shift) - 1;
			*gpa = (entry & PTE_ADDR_MASK & ~page_mask) | (gva & page_mask);
			return 0;
		}
		table = entry & PTE_ADDR_MASK;
	}
}
