// SPDX-License-Identifier: GPL-2.0-only
#include "elf_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int visit_symtab(Elf *elf, Elf_Scn *scn, elf_symbol_visitor visit, void *ctx)
{
	GElf_Shdr shdr;
	Elf_Data *data = elf_getdata(scn, NULL);

	if (!gelf_getshdr(scn, &shdr) || !data || !shdr.sh_entsize)
		return 0;
	for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;
		int found;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		if (name && (found = visit(name, &sym, ctx)))
			return found;
	}
	return 0;
}

int elf_visit_symbols(Elf *elf, elf_symbol_visitor visit, void *ctx)
{
	Elf_Scn *scn = NULL;
	int found = 0;

	while (!found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			found = visit_symtab(elf, scn, visit, ctx);
	}
	return found;
}

/* elf_visit_symbols on the file at path; -1 if it is unreadable. */
static int for_each_symbol(const char *path, elf_symbol_visitor visit, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found;
	Elf *elf;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE ||
	    !(elf = elf_begin(fd, ELF_C_READ, NULL))) {
		fprintf(stderr, "swapvisor: cannot read symbols of %s\n", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	found = elf_visit_symbols(elf, visit, ctx);
	elf_end(elf);
	close(fd);
	return found;
}

struct by_name {
	const char *name;
	uint64_t value;
};

static int match_name(const char *name, const GElf_Sym *sym, void *ctx)
{
	struct by_name *q = ctx;

	if (strcmp(name, q->name))
		return 0;
	q->value = sym->st_value;
	return 1;
}

uint64_t elf_symbol(const char *path, const char *name)
{
	struct by_name q = { name, 0 };

	if (for_each_symbol(path, match_name, &q) <= 0) {
		fprintf(stderr, "swapvisor: no symbol %s in %s\n", name, path);
		return 0;
	}
	return q.value;
}

struct by_address {
	uint64_t addr;
	char *buf;
	size_t size;
	uint64_t offset;
};

static int match_address(const char *name, const GElf_Sym *sym, void *ctx)
{
	struct by_address *q = ctx;

	if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || q->addr < sym->st_value ||
	    q->addr - sym->st_value >= (sym->st_size ? sym->st_size : 1))
		return 0;
	snprintf(q->buf, q->size, "%s", name);
	q->offset = q->addr - sym->st_value;
	return 1;
}

int elf_symbolize(const char *path, uint64_t addr, char *buf, size_t size,
		  uint64_t *offset)
{
	struct by_address q = { addr, buf, size, 0 };

	if (for_each_symbol(path, match_address, &q) <= 0)
		return -1;
	*offset = q.offset;
	return 0;
}
