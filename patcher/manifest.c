// SPDX-License-Identifier: GPL-2.0-only
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

#include "fail.h"

#define NO_FIELD ((size_t)-1)

/* One kind of record: where it lives, how big it is, its name and code
 * pointer fields, and where struct bundle keeps the copies (each copy is
 * the record, then for a code pointer the name of its symbol). */
struct record_kind {
	const char *section;
	const char *what;
	size_t size;
	size_t name_off, name_max;
	size_t code_off;
	const char *code_what;
	size_t copy_size, copy_sym_off;
	size_t array_off, count_off;
};

#define KIND(sec, what_, rec, copy, code, arr)                                  \
	{ sec, what_, sizeof(struct rec), offsetof(struct rec, name),           \
	  sizeof(((struct rec *)0)->name), offsetof(struct rec, code), #code,   \
	  sizeof(struct copy),                                                  \
	  offsetof(struct copy, code), offsetof(struct bundle, arr),            \
	  offsetof(struct bundle, n##arr) }

static const struct record_kind kinds[] = {
	{ ".svp.deps", "dependency", sizeof(struct sv_patch_dep),
	  offsetof(struct sv_patch_dep, id), SV_PATCH_NAME_MAX, NO_FIELD, NULL,
	  sizeof(struct sv_patch_dep),
	  NO_FIELD, offsetof(struct bundle, deps), offsetof(struct bundle, ndeps) },
	KIND(".svp.classes", "class", sv_patch_class, bundle_class, impl, classes),
	KIND(".svp.objects", "object", sv_patch_object, bundle_object, make_root, objects),
	KIND(".svp.services", "service", sv_patch_service, bundle_service, serve, services),
	KIND(".svp.checks", "check", sv_patch_check, bundle_check, check, checks),
	KIND(".svp.functions", "function", sv_patch_function, bundle_function, replacement,
	     functions),
	KIND(".svp.mirrors", "mirror", sv_patch_mirror, bundle_mirror, copy, mirrors),
	{ ".svp.callers", "caller", sizeof(struct sv_patch_caller),
	  offsetof(struct sv_patch_caller, name), SV_PATCH_SYMBOL_MAX, NO_FIELD, NULL,
	  sizeof(struct sv_patch_caller),
	  NO_FIELD, offsetof(struct bundle, callers), offsetof(struct bundle, ncallers) },
};

/* Section idx's bytes, which must be a whole number of records. */
static const uint8_t *records(const struct bundle *b, size_t idx, size_t rec_size,
			      size_t *n, char *err, size_t errlen)
{
	const char *name = bundle_section_name(b, idx);
	Elf_Data *data = elf_getdata(elf_getscn(b->elf, idx), NULL);
	GElf_Shdr sh;

	bundle_section(b, idx, &sh);
	if (sh.sh_type != SHT_PROGBITS || !data || data->d_size != sh.sh_size) {
		patcher_fail(err, errlen, b->path, "%s is not a section of records", name);
		return NULL;
	}
	if (sh.sh_size % rec_size) {
		patcher_fail(err, errlen, b->path,
			     "%s holds %llu bytes, not a multiple of its %zu-byte records",
			     name, (unsigned long long)sh.sh_size, rec_size);
		return NULL;
	}
	*n = sh.sh_size / rec_size;
	return data->d_buf;
}

static int terminated(const char *name, size_t max)
{
	return memchr(name, 0, max) != NULL;
}

/* The relocation section that applies to section idx (0 if none). */
static size_t relocations_for(const struct bundle *b, size_t idx)
{
	GElf_Shdr sh;

	for (size_t i = 1; i < b->shnum; i++)
		if (!bundle_section(b, i, &sh) && sh.sh_type == SHT_RELA && sh.sh_info == idx)
			return i;
	return 0;
}

/* The symbol the pointer at offset `at` of section idx relocates to. */
static int pointer_target(const struct bundle *b, size_t idx, uint64_t at, char *buf,
			  size_t len)
{
	size_t rel = relocations_for(b, idx);
	Elf_Data *data = rel ? elf_getdata(elf_getscn(b->elf, rel), NULL) : NULL;
	GElf_Shdr sh;

	if (!data || bundle_section(b, rel, &sh))
		return -1;
	for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Rela); i++) {
		GElf_Rela r;

		if (gelf_getrela(data, (int)i, &r) && r.r_offset == at &&
		    GELF_R_TYPE(r.r_info) == R_X86_64_64) {
			bundle_describe_target(b, GELF_R_SYM(r.r_info), r.r_addend, buf, len);
			return 0;
		}
	}
	return -1;
}

static int copy_record(struct bundle *b, const struct record_kind *k, size_t idx,
		       const uint8_t *rec, size_t i, uint8_t *copy, char *err, size_t errlen)
{
	const char *name = (const char *)rec + k->name_off;

	if (!terminated(name, k->name_max))
		return patcher_fail(err, errlen, b->path,
				    "%s record %zu: unterminated name", k->section, i);
	memcpy(copy, rec, k->size);
	if (k->code_off == NO_FIELD)
		return 0;
	if (pointer_target(b, idx, i * k->size + k->code_off, (char *)copy + k->copy_sym_off,
			   BUNDLE_SYMBOL_MAX))
		return patcher_fail(err, errlen, b->path, "%s %s: %s is not set", k->what, name,
				    k->code_what);
	return 0;
}

static int read_kind(struct bundle *b, const struct record_kind *k, char *err, size_t errlen)
{
	long idx = bundle_find_section(b, k->section);
	const uint8_t *recs;
	uint8_t *copies;
	size_t n;

	if (idx < 0)
		return patcher_fail(err, errlen, b->path, "duplicate section %s", k->section);
	if (!idx)
		return 0;
	if (!(recs = records(b, (size_t)idx, k->size, &n, err, errlen)))
		return -1;
	if (!(copies = calloc(n ? n : 1, k->copy_size)))
		return patcher_fail(err, errlen, b->path, "out of memory");
	*(void **)((char *)b + k->array_off) = copies;
	*(size_t *)((char *)b + k->count_off) = n;
	for (size_t i = 0; i < n; i++)
		if (copy_record(b, k, (size_t)idx, recs + i * k->size, i, copies + i * k->copy_size,
				err, errlen))
			return -1;
	return 0;
}

/* Exactly one record of `size` bytes in section name, copied to out. */
static int read_single(struct bundle *b, const char *name, size_t size, void *out,
		       const char *missing, char *err, size_t errlen)
{
	long idx = bundle_find_section(b, name);
	const uint8_t *rec;
	size_t n;

	if (idx < 0)
		return patcher_fail(err, errlen, b->path, "duplicate section %s", name);
	if (!idx)
		return patcher_fail(err, errlen, b->path, "missing %s (%s)", name, missing);
	if (!(rec = records(b, (size_t)idx, size, &n, err, errlen)))
		return -1;
	if (n != 1)
		return patcher_fail(err, errlen, b->path, "%s holds %zu records, not one", name, n);
	memcpy(out, rec, size);
	return 0;
}

static int check_header(struct bundle *b, char *err, size_t errlen)
{
	const struct sv_patch_header *h = &b->header;

	if (h->magic != SV_PATCH_MAGIC)
		return patcher_fail(err, errlen, b->path,
				    "wrong magic 0x%08x in .svp.patch, not 0x%08x",
				    h->magic, SV_PATCH_MAGIC);
	if (!terminated(h->id, sizeof(h->id)) ||
	    !terminated(h->description, sizeof(h->description)))
		return patcher_fail(err, errlen, b->path,
				    ".svp.patch: unterminated id or description");
	if (!b->target.build_id_len || b->target.build_id_len > SV_PATCH_BUILD_ID_MAX)
		return patcher_fail(err, errlen, b->path, ".svp.target: build-id of %u bytes",
				    b->target.build_id_len);
	return 0;
}

/* Lazy update needs the guest's lazy marking, a later step. */
static int check_modes(struct bundle *b, char *err, size_t errlen)
{
	for (size_t i = 0; i < b->nclasses; i++) {
		const struct sv_patch_class *c = &b->classes[i].rec;

		if (c->mode == SV_PATCH_LAZY)
			return patcher_fail(err, errlen, b->path,
					    "class %s: lazy update is not supported yet",
					    c->name);
		if (c->mode != SV_PATCH_EAGER)
			return patcher_fail(err, errlen, b->path,
					    "class %s: bad mode %u", c->name, c->mode);
	}
	return 0;
}

/* The n names at names, stride bytes apart: the first one seen twice. */
static const char *repeated(const char *names, size_t stride, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names + i * stride, names + j * stride))
				return names + i * stride;
	return NULL;
}

/* Two jumps at one entry, or two copies of one global, cannot both win. */
static int check_binary(struct bundle *b, char *err, size_t errlen)
{
	const char *twice;

	for (size_t i = 0; i < b->nfunctions; i++) {
		const struct sv_patch_function *f = &b->functions[i].rec;

		if (f->flags & ~SV_PATCH_FN_OLD_MAY_FINISH)
			return patcher_fail(err, errlen, b->path,
					    "function %s: unknown flags 0x%x", f->name,
					    f->flags & ~SV_PATCH_FN_OLD_MAY_FINISH);
		if ((f->flags & SV_PATCH_FN_OLD_MAY_FINISH) && !b->nmirrors)
			return patcher_fail(err, errlen, b->path,
					    "function %s: SV_PATCH_FN_OLD_MAY_FINISH without any mirror: a thread may only finish the old body when it works on a mirrored old copy, and the bundle declares no mirror",
					    f->name);
	}
	if (b->nfunctions && (twice = repeated(b->functions[0].rec.name,
					       sizeof(b->functions[0]), b->nfunctions)))
		return patcher_fail(err, errlen, b->path, "function %s is replaced twice", twice);
	if (b->nmirrors &&
	    (twice = repeated(b->mirrors[0].rec.name, sizeof(b->mirrors[0]), b->nmirrors)))
		return patcher_fail(err, errlen, b->path, "mirror %s is declared twice", twice);
	if (b->ncallers && !b->nfunctions)
		return patcher_fail(err, errlen, b->path, "caller %s: the bundle replaces no "
				    "function for it to call", b->callers[0].name);
	return 0;
}

static int find_signature(struct bundle *b, char *err, size_t errlen)
{
	long idx = bundle_find_section(b, ".svp.sig");
	GElf_Shdr sh;

	if (idx < 0)
		return patcher_fail(err, errlen, b->path, "duplicate section .svp.sig");
	if (!idx)
		return 0;
	bundle_section(b, (size_t)idx, &sh);
	if (sh.sh_type != SHT_PROGBITS || sh.sh_size != sizeof(struct sv_patch_signature))
		return patcher_fail(err, errlen, b->path,
				    ".svp.sig holds %llu bytes, not one signature",
				    (unsigned long long)sh.sh_size);
	b->sig_offset = sh.sh_offset;
	b->sig_size = sh.sh_size;
	return 0;
}

int manifest_read(struct bundle *b, char *err, size_t errlen)
{
	if (read_single(b, ".svp.patch", sizeof(b->header), &b->header,
			"no SV_PATCH in the sources", err, errlen) ||
	    read_single(b, ".svp.target", sizeof(b->target), &b->target,
			"swap-build writes it", err, errlen) ||
	    check_header(b, err, errlen) || find_signature(b, err, errlen))
		return -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (read_kind(b, &kinds[i], err, errlen))
			return -1;
	return check_modes(b, err, errlen) || check_binary(b, err, errlen) ? -1 : 0;
}
