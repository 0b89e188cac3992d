// SPDX-License-Identifier: GPL-2.0-only
/* Symbol resolution and x86-64 relocation for patch_link. The module is
 * built like the guest (-mcmodel=small, no PIC), so the relocations are
 * the direct ones: absolute 64- and 32-bit addresses and PC-relative
 * 32-bit displacements. Anything else (GOT, PLT tables, TLS) has no
 * meaning in the patch area and is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "link_internal.h"

#define MISSING_SHOWN 8

static const char *const reloc_names[] = {
	[R_X86_64_NONE] = "R_X86_64_NONE", [R_X86_64_64] = "R_X86_64_64",
	[R_X86_64_PC32] = "R_X86_64_PC32", [R_X86_64_GOT32] = "R_X86_64_GOT32",
	[R_X86_64_PLT32] = "R_X86_64_PLT32", [R_X86_64_COPY] = "R_X86_64_COPY",
	[R_X86_64_GLOB_DAT] = "R_X86_64_GLOB_DAT", [R_X86_64_JUMP_SLOT] = "R_X86_64_JUMP_SLOT",
	[R_X86_64_RELATIVE] = "R_X86_64_RELATIVE", [R_X86_64_GOTPCREL] = "R_X86_64_GOTPCREL",
	[R_X86_64_32] = "R_X86_64_32", [R_X86_64_32S] = "R_X86_64_32S",
	[R_X86_64_16] = "R_X86_64_16", [R_X86_64_PC16] = "R_X86_64_PC16",
	[R_X86_64_8] = "R_X86_64_8", [R_X86_64_PC8] = "R_X86_64_PC8",
	[R_X86_64_TLSGD] = "R_X86_64_TLSGD", [R_X86_64_TLSLD] = "R_X86_64_TLSLD",
	[R_X86_64_GOTTPOFF] = "R_X86_64_GOTTPOFF", [R_X86_64_TPOFF32] = "R_X86_64_TPOFF32",
	[R_X86_64_PC64] = "R_X86_64_PC64", [R_X86_64_GOTOFF64] = "R_X86_64_GOTOFF64",
	[R_X86_64_GOTPC32] = "R_X86_64_GOTPC32", [R_X86_64_SIZE32] = "R_X86_64_SIZE32",
	[R_X86_64_SIZE64] = "R_X86_64_SIZE64", [R_X86_64_GOTPCRELX] = "R_X86_64_GOTPCRELX",
	[R_X86_64_REX_GOTPCRELX] = "R_X86_64_REX_GOTPCRELX",
};

static const char *reloc_name(uint32_t type, char *buf, size_t len)
{
	if (type < sizeof(reloc_names) / sizeof(reloc_names[0]) && reloc_names[type])
		return reloc_names[type];
	snprintf(buf, len, "type %u", type);
	return buf;
}

/* The guest address of every symbol; `loaded` is 0 for those in no loaded
 * section (file and debug-section symbols), which no relocation of
 * loaded code or data may use. */
struct symbols {
	uint64_t *addr;
	uint8_t *loaded;
	char missing[256];
	size_t nmissing;
};

static void note_missing(struct symbols *s, const char *name)
{
	size_t used = strlen(s->missing);

	if (s->nmissing++ < MISSING_SHOWN)
		snprintf(s->missing + used, sizeof(s->missing) - used, "%s%s", used ? ", " : "",
			 name);
}

static int resolve_undefined(struct link_ctx *ctx, struct symbols *s, size_t i,
			     const GElf_Sym *sym, const char *name)
{
	switch (guest_image_lookup(ctx->guest, name, &s->addr[i])) {
	case GUEST_SYMBOL_FOUND:
		s->loaded[i] = 1;
		return 0;
	case GUEST_SYMBOL_AMBIGUOUS:
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "symbol %s is ambiguous: %s defines it locally more than once",
				    name, ctx->guest->path);
	case GUEST_SYMBOL_MISSING:
		break;
	}
	if (GELF_ST_BIND(sym->st_info) == STB_WEAK) {
		s->loaded[i] = 1; /* an unresolved weak reference is null */
		return 0;
	}
	note_missing(s, name);
	return 0;
}

static int resolve(struct link_ctx *ctx, struct symbols *s, size_t i)
{
	GElf_Sym sym;
	const char *name;

	bundle_symbol(ctx->b, i, &sym, &name);
	if (sym.st_shndx == SHN_UNDEF)
		return *name ? resolve_undefined(ctx, s, i, &sym, name) : 0;
	if (sym.st_shndx == SHN_COMMON)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "common symbol %s: compile with -fno-common", name);
	if (sym.st_shndx == SHN_ABS) {
		s->addr[i] = sym.st_value;
		s->loaded[i] = 1;
	} else if (sym.st_shndx < SHN_LORESERVE && ctx->sec[sym.st_shndx].bytes) {
		s->addr[i] = ctx->sec[sym.st_shndx].addr + sym.st_value;
		s->loaded[i] = 1;
	}
	return 0;
}

static int resolve_all(struct link_ctx *ctx, struct symbols *s)
{
	for (size_t i = 1; i < ctx->b->nsyms; i++)
		if (resolve(ctx, s, i))
			return -1;
	if (s->nmissing)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "undefined symbol%s %s%s (not in %s)",
				    s->nmissing > 1 ? "s" : "", s->missing,
				    s->nmissing > MISSING_SHOWN ? " and more" : "",
				    ctx->guest->path);
	return 0;
}

/* Where a relocation is, for messages: "section+0xoffset". */
struct site {
	const char *section;
	uint64_t offset;
	uint32_t type;
	size_t sym;
	int64_t addend;
};

static int overflow(struct link_ctx *ctx, const struct site *at, int64_t value)
{
	char target[BUNDLE_SYMBOL_MAX], tbuf[24];

	bundle_describe_target(ctx->b, at->sym, at->addend, target, sizeof(target));
	return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
			    "%s at %s+0x%llx against %s overflows: 0x%llx does not fit in 32 bits",
			    reloc_name(at->type, tbuf, sizeof(tbuf)), at->section,
			    (unsigned long long)at->offset, target, (unsigned long long)value);
}

/* Writes the relocated field at p (P its guest address, S+A the value). */
static int apply(struct link_ctx *ctx, const struct site *at, uint8_t *p, uint64_t P,
		 uint64_t SA)
{
	int64_t pc = (int64_t)(SA - P);
	uint32_t v32;

	switch (at->type) {
	case R_X86_64_64:
		memcpy(p, &SA, 8);
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32: /* no PLT in the patch area: a direct call */
		if (pc != (int32_t)pc)
			return overflow(ctx, at, (uint64_t)pc);
		v32 = (uint32_t)pc;
		break;
	case R_X86_64_32:
		if (SA > UINT32_MAX)
			return overflow(ctx, at, SA);
		v32 = (uint32_t)SA;
		break;
	default: /* R_X86_64_32S, the only other one relocate() lets through */
		if ((int64_t)SA != (int32_t)SA)
			return overflow(ctx, at, SA);
		v32 = (uint32_t)SA;
		break;
	}
	memcpy(p, &v32, 4);
	return 0;
}

static size_t field_size(uint32_t type)
{
	switch (type) {
	case R_X86_64_64:
		return 8;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_32:
	case R_X86_64_32S:
		return 4;
	default:
		return 0;
	}
}

static int relocate_one(struct link_ctx *ctx, const struct symbols *s, size_t target,
			const GElf_Shdr *tsh, const GElf_Rela *r)
{
	struct site at = { bundle_section_name(ctx->b, target), r->r_offset,
			   (uint32_t)GELF_R_TYPE(r->r_info), GELF_R_SYM(r->r_info), r->r_addend };
	size_t width = field_size(at.type);
	char tbuf[24], name[BUNDLE_SYMBOL_MAX];

	if (!width)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "unsupported relocation %s at %s+0x%llx",
				    reloc_name(at.type, tbuf, sizeof(tbuf)), at.section,
				    (unsigned long long)at.offset);
	if (tsh->sh_type == SHT_NOBITS || at.offset > tsh->sh_size ||
	    tsh->sh_size - at.offset < width)
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "relocation at %s+0x%llx is outside it",
				    at.section, (unsigned long long)at.offset);
	if (!s->loaded[at.sym]) {
		bundle_describe_target(ctx->b, at.sym, at.addend, name, sizeof(name));
		return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
				    "relocation at %s+0x%llx refers to %s, which is not loaded",
				    at.section, (unsigned long long)at.offset, name);
	}
	return apply(ctx, &at, ctx->sec[target].bytes + at.offset,
		     ctx->sec[target].addr + at.offset, s->addr[at.sym] + (uint64_t)at.addend);
}

static int relocate_section(struct link_ctx *ctx, const struct symbols *s, size_t idx)
{
	Elf_Data *data;
	GElf_Shdr sh, tsh;

	bundle_section(ctx->b, idx, &sh);
	if (sh.sh_type != SHT_RELA || !ctx->sec[sh.sh_info].bytes)
		return 0; /* relocations of debug info are not ours to apply */
	bundle_section(ctx->b, sh.sh_info, &tsh);
	data = elf_getdata(elf_getscn(ctx->b->elf, idx), NULL);
	for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Rela); i++) {
		GElf_Rela r;

		if (!gelf_getrela(data, (int)i, &r))
			return patcher_fail(ctx->err, ctx->errlen, ctx->b->path,
					    "%s: entry %zu unreadable",
					    bundle_section_name(ctx->b, idx), i);
		if (relocate_one(ctx, s, sh.sh_info, &tsh, &r))
			return -1;
	}
	return 0;
}

int link_relocate(struct link_ctx *ctx)
{
	struct symbols s = { .addr = calloc(ctx->b->nsyms + 1, sizeof(uint64_t)),
			     .loaded = calloc(ctx->b->nsyms + 1, 1) };
	int rc = -1;

	if (!s.addr || !s.loaded)
		patcher_fail(ctx->err, ctx->errlen, ctx->b->path, "out of memory");
	else if (!resolve_all(ctx, &s)) {
		rc = 0;
		for (size_t i = 1; !rc && i < ctx->b->shnum; i++)
			rc = relocate_section(ctx, &s, i);
	}
	free(s.addr);
	free(s.loaded);
	return rc;
}
