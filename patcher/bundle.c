// SPDX-License-Identifier: GPL-2.0-only
/* Opening a bundle: the file into memory, its structure checked
 * (bundle_check.c), then the manifest records copied out (manifest.c). */
#include "bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_check.h"
#include "fail.h"
#include "manifest.h"
#include "whole_file.h"

struct bundle *bundle_open_mem(const char *path, const void *bytes, size_t size,
			       char *err, size_t errlen)
{
	struct bundle *b = calloc(1, sizeof(*b));

	if (!b || !(b->path = strdup(path)) || !(b->bytes = malloc(size ? size : 1))) {
		patcher_fail(err, errlen, path, "out of memory");
		bundle_close(b);
		return NULL;
	}
	memcpy(b->bytes, bytes, size);
	b->size = size;
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    !(b->elf = elf_memory((char *)b->bytes, size))) {
		/* libelf takes no file shorter than its header */
		if (size >= SELFMAG && !memcmp(bytes, ELFMAG, SELFMAG))
			patcher_fail(err, errlen, path, "truncated: no complete ELF header");
		else
			patcher_fail(err, errlen, path, "not an ELF file: %s", elf_errmsg(-1));
		bundle_close(b);
		return NULL;
	}
	if (bundle_check_structure(b, err, errlen) || manifest_read(b, err, errlen)) {
		bundle_close(b);
		return NULL;
	}
	return b;
}

struct bundle *bundle_open(const char *path, char *err, size_t errlen)
{
	size_t size;
	uint8_t *bytes = read_file(path, &size);
	struct bundle *b;

	if (!bytes) {
		patcher_fail(err, errlen, path, "cannot read: %s", strerror(errno));
		return NULL;
	}
	b = bundle_open_mem(path, bytes, size, err, errlen);
	free(bytes);
	return b;
}

void bundle_close(struct bundle *b)
{
	if (!b)
		return;
	if (b->elf)
		elf_end(b->elf);
	free(b->deps);
	free(b->classes);
	free(b->objects);
	free(b->services);
	free(b->checks);
	free(b->functions);
	free(b->mirrors);
	free(b->callers);
	free(b->bytes);
	free(b->path);
	free(b);
}

int bundle_section(const struct bundle *b, size_t idx, GElf_Shdr *shdr)
{
	Elf_Scn *scn = idx < b->shnum ? elf_getscn(b->elf, idx) : NULL;

	return scn && gelf_getshdr(scn, shdr) ? 0 : -1;
}

const char *bundle_section_name(const struct bundle *b, size_t idx)
{
	size_t shstrndx;
	GElf_Shdr sh;
	const char *name = NULL;

	if (!bundle_section(b, idx, &sh) && !elf_getshdrstrndx(b->elf, &shstrndx))
		name = elf_strptr(b->elf, shstrndx, sh.sh_name);
	return name ? name : "?";
}

int bundle_symbol(const struct bundle *b, size_t idx, GElf_Sym *sym, const char **name)
{
	Elf_Scn *scn = elf_getscn(b->elf, b->symtab);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	GElf_Shdr sh;

	if (!data || idx >= b->nsyms || !gelf_getshdr(scn, &sh) ||
	    !gelf_getsym(data, (int)idx, sym) ||
	    !(*name = elf_strptr(b->elf, sh.sh_link, sym->st_name)))
		return -1;
	return 0;
}

long bundle_find_section(const struct bundle *b, const char *name)
{
	long found = 0;

	for (size_t i = 1; i < b->shnum; i++) {
		if (strcmp(bundle_section_name(b, i), name))
			continue;
		if (found)
			return -1;
		found = (long)i;
	}
	return found;
}

/* The function or object a section symbol plus addend lands on. */
static const char *symbol_at(const struct bundle *b, uint16_t shndx, int64_t offset)
{
	for (size_t i = 1; i < b->nsyms; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (bundle_symbol(b, i, &s, &name))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if (s.st_shndx == shndx && (int64_t)s.st_value == offset && *name &&
		    (type == STT_FUNC || type == STT_OBJECT))
			return name;
	}
	return NULL;
}

void bundle_describe_target(const struct bundle *b, size_t idx, int64_t addend,
			    char *buf, size_t len)
{
	const char *name = "?", *at;
	GElf_Sym sym;

	if (bundle_symbol(b, idx, &sym, &name)) {
		snprintf(buf, len, "symbol %zu", idx);
		return;
	}
	if (GELF_ST_TYPE(sym.st_info) == STT_SECTION) {
		if ((at = symbol_at(b, sym.st_shndx, addend)))
			snprintf(buf, len, "%s", at);
		else
			snprintf(buf, len, "%s%+lld", bundle_section_name(b, sym.st_shndx),
				 (long long)addend);
	} else if (addend) {
		snprintf(buf, len, "%s%+lld", name, (long long)addend);
	} else {
		snprintf(buf, len, "%s", name);
	}
}
