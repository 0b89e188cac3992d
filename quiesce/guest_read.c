// SPDX-License-Identifier: GPL-2.0-only
/* Reading guest-virtual memory through the guest's page tables (guest_read.h). */
#include "guest_read.h"

#include <string.h>

#include "page_walk.h"

/* The smallest page: no translation holds beyond it. */
#define PAGE 4096ull

typedef int (*translate_fn)(void *ctx, uint64_t gva, uint64_t *gpa);

/* Page by page through `translate`, each page checked against RAM. */
static int read_pages(const struct page_walk_ctx *pw, translate_fn translate, void *ctx,
		      uint64_t gva, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		uint64_t chunk = PAGE - (gva & (PAGE - 1)), gpa;

		if (chunk > len)
			chunk = len;
		if (translate(ctx, gva, &gpa) || gpa > pw->ram_size || chunk > pw->ram_size - gpa)
			return -1;
		memcpy(out, pw->ram + gpa, chunk);
		out += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

static int walk(void *ctx, uint64_t gva, uint64_t *gpa)
{
	return page_walk(ctx, gva, gpa, NULL);
}

int qs_read_paged(void *ctx, uint64_t gva, void *buf, size_t len)
{
	return read_pages(ctx, walk, ctx, gva, buf, len);
}

static int cached_walk(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct qs_cached_reader *r = ctx;
	uint64_t page = gva & ~(PAGE - 1);

	if (!r->valid || r->page_gva != page) {
		if (page_walk(r->pages, page, &r->page_gpa, NULL))
			return -1;
		r->page_gva = page;
		r->valid = 1;
	}
	*gpa = r->page_gpa + (gva - page);
	return 0;
}

int qs_read_cached(void *ctx, uint64_t gva, void *buf, size_t len)
{
	struct qs_cached_reader *r = ctx;

	return read_pages(r->pages, cached_walk, r, gva, buf, len);
}
