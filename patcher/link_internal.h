/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by link.c (layout, module record) and link_reloc.c. */
#ifndef SV_PATCHER_LINK_INTERNAL_H
#define SV_PATCHER_LINK_INTERNAL_H

#include "link.h"

/* Where each section of the bundle went. */
struct placed {
	uint8_t *bytes;          /* its bytes in out->text or out->data; NULL: not loaded */
	uint64_t addr;           /* its guest address */
};

struct link_ctx {
	const struct bundle *b;
	const struct guest_image *guest;
	struct patch_image *out;
	struct placed *sec;      /* indexed by section */
	char *err;
	size_t errlen;
};

/* Resolves every symbol and applies every relocation of a loaded
 * section. Returns 0, or -1 with ctx->err. */
int link_relocate(struct link_ctx *ctx);

/* Fills ctx->out's symbols from the bundle's defined functions and
 * objects in loaded sections. Returns 0, or -1 with ctx->err. */
int link_symbols(struct link_ctx *ctx);

#endif
