// SPDX-License-Identifier: GPL-2.0-only
#include "bundle_check.h"

#include <string.h>

#include "fail.h"

static int check_header(struct bundle *b, char *err, size_t errlen)
{
	const char *ident;
	GElf_Ehdr eh;

	if (elf_kind(b->elf) != ELF_K_ELF)
		return patcher_fail(err, errlen, b->path, "not an ELF file");
	if (b->size < sizeof(Elf64_Ehdr) || !(ident = elf_getident(b->elf, NULL)) ||
	    !gelf_getehdr(b->elf, &eh))
		return patcher_fail(err, errlen, b->path, "truncated: no complete ELF header");
	if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB)
		return patcher_fail(err, errlen, b->path, "not a little-endian ELF64 file");
	if (eh.e_machine != EM_X86_64)
		return patcher_fail(err, errlen, b->path, "machine %u, not x86-64", eh.e_machine);
	if (eh.e_type != ET_REL)
		return patcher_fail(err, errlen, b->path, "ELF type %u, not a relocatable object",
				    eh.e_type);
	/* Before libelf's own count, which fails alike on either. */
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > b->size ||
	    (b->size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
		return patcher_fail(err, errlen, b->path,
				    "truncated or corrupted: %u section headers at 0x%llx do not fit in %zu bytes",
				    eh.e_shnum, (unsigned long long)eh.e_shoff, b->size);
	if (elf_getshdrnum(b->elf, &b->shnum) || !b->shnum ||
	    (b->size - eh.e_shoff) / sizeof(Elf64_Shdr) < b->shnum)
		return patcher_fail(err, errlen, b->path, "corrupted: no section header table");
	return 0;
}

/* `what` says which section: its name, once the name table is known to
 * be inside the file. */
static int check_bounds(struct bundle *b, size_t idx, const char *what, char *err, size_t errlen)
{
	GElf_Shdr sh;

	if (bundle_section(b, idx, &sh))
		return patcher_fail(err, errlen, b->path,
				    "corrupted: unreadable section header %zu", idx);
	if (sh.sh_type != SHT_NOBITS &&
	    (sh.sh_offset > b->size || sh.sh_size > b->size - sh.sh_offset))
		return patcher_fail(err, errlen, b->path,
				    "truncated or corrupted: section %s (0x%llx bytes at 0x%llx) is out of bounds",
				    what, (unsigned long long)sh.sh_size,
				    (unsigned long long)sh.sh_offset);
	return 0;
}

static int check_names(struct bundle *b, char *err, size_t errlen)
{
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(b->elf, &shstrndx) || !shstrndx || shstrndx >= b->shnum ||
	    bundle_section(b, shstrndx, &sh) || sh.sh_type != SHT_STRTAB)
		return patcher_fail(err, errlen, b->path, "corrupted: no section name table");
	if (check_bounds(b, shstrndx, "holding the section names", err, errlen))
		return -1;
	for (size_t i = 1; i < b->shnum; i++)
		if (bundle_section(b, i, &sh) || !elf_strptr(b->elf, shstrndx, sh.sh_name))
			return patcher_fail(err, errlen, b->path,
					    "corrupted: section %zu has no name", i);
	return 0;
}

/* A table section: its entries are `entsize` bytes and it links to a
 * section of type link_type. */
static int check_table(struct bundle *b, size_t idx, size_t entsize, uint32_t link_type,
		       char *err, size_t errlen)
{
	GElf_Shdr sh, link;

	bundle_section(b, idx, &sh);
	if (sh.sh_entsize != entsize || sh.sh_size % entsize)
		return patcher_fail(err, errlen, b->path,
				    "corrupted: %s has entries of %llu bytes, not %zu",
				    bundle_section_name(b, idx), (unsigned long long)sh.sh_entsize,
				    entsize);
	if (sh.sh_link >= b->shnum || bundle_section(b, sh.sh_link, &link) ||
	    link.sh_type != link_type)
		return patcher_fail(err, errlen, b->path, "corrupted: %s links to section %u",
				    bundle_section_name(b, idx), sh.sh_link);
	return 0;
}

static int check_symtab(struct bundle *b, char *err, size_t errlen)
{
	GElf_Shdr sh;

	for (size_t i = 1; i < b->shnum; i++) {
		if (bundle_section(b, i, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		if (b->symtab)
			return patcher_fail(err, errlen, b->path,
					    "corrupted: more than one symbol table");
		if (check_table(b, i, sizeof(Elf64_Sym), SHT_STRTAB, err, errlen))
			return -1;
		b->symtab = i;
		b->nsyms = sh.sh_size / sizeof(Elf64_Sym);
	}
	if (!b->symtab)
		return patcher_fail(err, errlen, b->path, "no symbol table");
	for (size_t i = 1; i < b->nsyms; i++) {
		GElf_Sym sym;
		const char *name;

		if (bundle_symbol(b, i, &sym, &name))
			return patcher_fail(err, errlen, b->path,
					    "corrupted: symbol %zu unreadable", i);
		if (sym.st_shndx == SHN_XINDEX ||
		    (sym.st_shndx < SHN_LORESERVE && sym.st_shndx >= b->shnum))
			return patcher_fail(err, errlen, b->path,
					    "corrupted: symbol %s in section %u of %zu", name,
					    sym.st_shndx, b->shnum);
	}
	return 0;
}

static int check_relocations(struct bundle *b, size_t idx, char *err, size_t errlen)
{
	const char *name = bundle_section_name(b, idx);
	Elf_Data *data = elf_getdata(elf_getscn(b->elf, idx), NULL);
	GElf_Shdr sh;

	if (check_table(b, idx, sizeof(Elf64_Rela), SHT_SYMTAB, err, errlen))
		return -1;
	bundle_section(b, idx, &sh);
	if (sh.sh_link != b->symtab || !sh.sh_info || sh.sh_info >= b->shnum || !data)
		return patcher_fail(err, errlen, b->path,
				    "corrupted: %s relocates section %u", name,
				    sh.sh_info);
	for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Rela); i++) {
		GElf_Rela r;

		if (!gelf_getrela(data, (int)i, &r) || GELF_R_SYM(r.r_info) >= b->nsyms)
			return patcher_fail(err, errlen, b->path,
					    "corrupted: %s entry %zu names symbol %llu of %zu",
					    name, i, (unsigned long long)GELF_R_SYM(r.r_info),
					    b->nsyms);
	}
	return 0;
}

int bundle_check_structure(struct bundle *b, char *err, size_t errlen)
{
	GElf_Shdr sh;

	if (check_header(b, err, errlen) || check_names(b, err, errlen))
		return -1;
	for (size_t i = 1; i < b->shnum; i++)
		if (check_bounds(b, i, bundle_section_name(b, i), err, errlen))
			return -1;
	if (check_symtab(b, err, errlen))
		return -1;
	for (size_t i = 1; i < b->shnum; i++) {
		bundle_section(b, i, &sh);
		if (sh.sh_type == SHT_REL)
			return patcher_fail(err, errlen, b->path,
					    "%s: REL relocations are not used on x86-64",
					    bundle_section_name(b, i));
		if (sh.sh_type == SHT_RELA && check_relocations(b, i, err, errlen))
			return -1;
	}
	return 0;
}
