// SPDX-License-Identifier: GPL-2.0-only
/* The bundle's own functions and objects at their final guest addresses
 * (link.h's patch_symbol), read after layout: a symbol's address is its
 * section's place plus its value. */
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "link_internal.h"

/* A named function or object in a section the link loaded. */
static bool wanted(const struct link_ctx *ctx, const GElf_Sym *sym, const char *name)
{
	int type = GELF_ST_TYPE(sym->st_info);

	return *name && (type == STT_FUNC || type == STT_OBJECT) && sym->st_shndx != SHN_UNDEF &&
	       sym->st_shndx < SHN_LORESERVE && sym->st_shndx < ctx->b->shnum &&
	       ctx->sec[sym->st_shndx].bytes;
}

int link_symbols(struct link_ctx *ctx)
{
	struct patch_image *out = ctx->out;

	if (!(out->symbols = calloc(ctx->b->nsyms + 1, sizeof(*out->symbols))))
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "out of memory");
	for (size_t i = 1; i < ctx->b->nsyms; i++) {
		struct patch_symbol *s = &out->symbols[out->nsymbols];
		const char *name;
		GElf_Sym sym;

		if (bundle_symbol(ctx->b, i, &sym, &name) || !wanted(ctx, &sym, name))
			continue;
		if (!(s->name = strdup(name)))
			return patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "out of memory");
		s->addr = ctx->sec[sym.st_shndx].addr + sym.st_value;
		s->size = sym.st_size;
		s->func = GELF_ST_TYPE(sym.st_info) == STT_FUNC;
		out->nsymbols++;
	}
	return 0;
}

const struct patch_symbol *patch_image_symbol(const struct patch_image *img, const char *name)
{
	const struct patch_symbol *found = NULL;

	for (size_t i = 0; i < img->nsymbols; i++) {
		const struct patch_symbol *s = &img->symbols[i];

		if (strcmp(s->name, name))
			continue;
		if (found && found->addr != s->addr)
			return NULL;
		found = s;
	}
	return found;
}
