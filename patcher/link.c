// SPDX-License-Identifier: GPL-2.0-only
#include "link_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

int patch_check_target(const struct bundle *b, const struct guest_image *guest,
		       char *err, size_t errlen)
{
	char want[2 * SV_PATCH_BUILD_ID_MAX + 1], have[2 * SV_PATCH_BUILD_ID_MAX + 1];

	if (b->target.build_id_len == guest->build_id_len &&
	    !memcmp(b->target.build_id, guest->build_id, guest->build_id_len))
		return 0;
	build_id_hex(b->target.build_id, b->target.build_id_len, want);
	build_id_hex(guest->build_id, guest->build_id_len, have);
	return patcher_fail(err, errlen, b->path,
			    "built for guest build-id %s, but %s has build-id %s",
			    want, guest->path, have);
}

/* One of the two ranges sections are laid out in. */
struct range {
	const char *what;
	uint64_t base, cap, size;
};

/* Places section idx at the next suitably aligned address of r. */
static int place(struct link_ctx *ctx, size_t idx, const char *name, const GElf_Shdr *sh,
		 struct range *r, uint64_t *offset)
{
	uint64_t align = sh->sh_addralign ? sh->sh_addralign : 1;
	uint64_t addr = r->base + r->size, end;

	if (align & (align - 1))
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "%s: alignment %llu is not a power of two",
				    name, (unsigned long long)align);
	addr = (addr + align - 1) & ~(align - 1);
	if (addr < r->base || __builtin_add_overflow(addr - r->base, sh->sh_size, &end) ||
	    end > r->cap)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "%s (%llu bytes) does not fit: the module's %s would exceed the %llu bytes available",
				    name, (unsigned long long)sh->sh_size, r->what,
				    (unsigned long long)r->cap);
	*offset = addr - r->base;
	ctx->sec[idx].addr = addr;
	r->size = end;
	return 0;
}

/* Every loaded section's place; bss stays zero, other bytes are copied. */
static int lay_out(struct link_ctx *ctx, struct range *text, struct range *data,
		   uint64_t *offsets)
{
	for (size_t i = 1; i < ctx->b->shnum; i++) {
		GElf_Shdr sh;

		bundle_section(ctx->b, i, &sh);
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		if (place(ctx, i, bundle_section_name(ctx->b, i), &sh,
			  sh.sh_flags & SHF_EXECINSTR ? text : data, &offsets[i]))
			return -1;
	}
	return 0;
}

static int copy_sections(struct link_ctx *ctx, const uint64_t *offsets)
{
	struct patch_image *out = ctx->out;

	for (size_t i = 1; i < ctx->b->shnum; i++) {
		Elf_Data *d;
		GElf_Shdr sh;

		bundle_section(ctx->b, i, &sh);
		if (!(sh.sh_flags & SHF_ALLOC))
			continue;
		ctx->sec[i].bytes =
			(sh.sh_flags & SHF_EXECINSTR ? out->text : out->data) + offsets[i];
		if (sh.sh_type == SHT_NOBITS || !sh.sh_size)
			continue;
		if (!(d = elf_getdata(elf_getscn(ctx->b->elf, i), NULL)) || d->d_size != sh.sh_size)
			return patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "%s: unreadable",
					    bundle_section_name(ctx->b, i));
		memcpy(ctx->sec[i].bytes, d->d_buf, sh.sh_size);
	}
	return 0;
}

/* The guest address of a manifest section (0 when the bundle has none). */
static int table(struct link_ctx *ctx, const char *name, uint64_t *addr)
{
	long idx = bundle_find_section(ctx->b, name);

	*addr = 0;
	if (idx <= 0)
		return 0;
	if (!ctx->sec[idx].bytes)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "%s is not a loaded section", name);
	*addr = ctx->sec[idx].addr;
	return 0;
}

static int describe_module(struct link_ctx *ctx, struct sv_patch_module *m)
{
	const struct bundle *b = ctx->b;

	m->nclasses = b->nclasses;
	m->nobjects = b->nobjects;
	m->nservices = b->nservices;
	m->nchecks = b->nchecks;
	m->text_base = ctx->out->text_base;
	m->text_size = ctx->out->text_size;
	m->data_base = ctx->out->data_base;
	m->data_size = ctx->out->data_size;
	return table(ctx, ".svp.patch", &m->header) || table(ctx, ".svp.classes", &m->classes) ||
	       table(ctx, ".svp.objects", &m->objects) ||
	       table(ctx, ".svp.services", &m->services) || table(ctx, ".svp.checks", &m->checks);
}

/* Lays out the sections and the module record after them, and allocates
 * the image. */
static int build(struct link_ctx *ctx, struct range *text, struct range *data)
{
	static const GElf_Shdr module_shdr = { .sh_size = sizeof(struct sv_patch_module),
					       .sh_addralign = 8 };
	uint64_t *offsets = calloc(ctx->b->shnum + 1, sizeof(*offsets));
	struct patch_image *out = ctx->out;
	size_t module = ctx->b->shnum; /* the record's slot, after the sections */
	int rc = -1;

	if (!offsets)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "out of memory");
	if (lay_out(ctx, text, data, offsets) ||
	    place(ctx, module, "the module record", &module_shdr, data, &offsets[module]))
		goto out;
	out->text_size = text->size;
	out->data_size = data->size;
	out->module_addr = ctx->sec[module].addr;
	if (!(out->text = calloc(1, text->size + 1)) || !(out->data = calloc(1, data->size + 1))) {
		patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "out of memory");
		goto out;
	}
	rc = copy_sections(ctx, offsets) || link_relocate(ctx) || link_symbols(ctx) ||
		     describe_module(ctx, &out->module)
		     ? -1 : 0;
	if (!rc)
		memcpy(out->data + offsets[module], &out->module, sizeof(out->module));
out:
	free(offsets);
	return rc;
}

int patch_link(const struct bundle *b, const struct guest_image *guest,
	       uint64_t text_base, uint64_t text_cap, uint64_t data_base, uint64_t data_cap,
	       struct patch_image *out, char *err, size_t errlen)
{
	struct range text = { "code", text_base, text_cap, 0 };
	struct range data = { "data", data_base, data_cap, 0 };
	struct link_ctx ctx = { b, guest, out, NULL, err, errlen };
	int rc;

	*out = (struct patch_image){ .text_base = text_base, .data_base = data_base };
	if (patch_check_target(b, guest, err, errlen))
		return -1;
	/* One slot past the sections: the module record's. */
	if (!(ctx.sec = calloc(b->shnum + 1, sizeof(*ctx.sec))))
		return patcher_fail(err, errlen, b->path, "out of memory");
	rc = build(&ctx, &text, &data);
	free(ctx.sec);
	if (rc)
		patch_image_free(out);
	return rc;
}

void patch_image_free(struct patch_image *img)
{
	for (size_t i = 0; i < img->nsymbols; i++)
		free(img->symbols[i].name);
	free(img->symbols);
	free(img->text);
	free(img->data);
	img->text = img->data = NULL;
	img->symbols = NULL;
	img->nsymbols = 0;
}
