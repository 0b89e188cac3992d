// SPDX-License-Identifier: GPL-2.0-only
#include "elf_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static uint64_t find_in_symtab(Elf *elf, Elf_Scn *scn, const char *name)
{
	GElf_Shdr shdr;
	Elf_Data *data = elf_getdata(scn, NULL);

	if (!gelf_getshdr(scn, &shdr) || !data)
		return 0;
	for (size_t i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		const char *sym_name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		if (sym_name && !strcmp(sym_name, name))
			return sym.st_value;
	}
	return 0;
}

uint64_t elf_symbol(const char *path, const char *name)
{
	uint64_t value = 0;
	Elf_Scn *scn = NULL;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE ||
	    !(elf = elf_begin(fd, ELF_C_READ, NULL))) {
		fprintf(stderr, "swapvisor: cannot read %s\n", path);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!value && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			value = find_in_symtab(elf, scn, name);
	}
	if (!value)
		fprintf(stderr, "swapvisor: no symbol %s in %s\n", name, path);
	elf_end(elf);
	close(fd);
	return value;
}
