// SPDX-License-Identifier: GPL-2.0-only
/* Reading guest-virtual memory through the guest's page tables (guest_read.h). */
#include "guest_read.h"

#include <string.h>

#include "page_walk.h"

/* The smallest page: no translation holds beyond it. */
#define PAGE 4096ull

int qs_read_paged(void *ctx, uint64_t gva, void *buf, size_t len)
{
	const struct page_walk_ctx *pw = ctx;
	uint8_t *out = buf;

	while (len) {
		uint64_t chunk = PAGE - (gva & (PAGE - 1)), gpa;

		if (chunk > len)
			chunk = len;
		if (page_walk(pw, gva, &gpa, NULL) || gpa > pw->ram_size ||
		    chunk > pw->ram_size - gpa)
			return -1;
		memcpy(out, pw->ram + gpa, chunk);
		out += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}
