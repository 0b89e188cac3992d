// SPDX-License-Identifier: GPL-2.0-only
#include "bundle_edit.h"

#include <gelf.h>
#include <stddef.h>
#include <string.h>

static Elf *open_mem(const uint8_t *bytes, size_t size)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	return elf_memory((char *)bytes, size);
}

static Elf_Scn *find(Elf *elf, const char *name, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

int bundle_edit_section(const uint8_t *bytes, size_t size, const char *name, uint64_t *offset,
			uint64_t *len)
{
	Elf *elf = open_mem(bytes, size);
	GElf_Shdr sh;
	int rc = -1;

	if (elf && find(elf, name, &sh)) {
		*offset = sh.sh_offset;
		*len = sh.sh_size;
		rc = 0;
	}
	if (elf)
		elf_end(elf);
	return rc;
}

int bundle_edit_section_headers(const uint8_t *bytes, size_t size, uint64_t *offset,
				uint64_t *len)
{
	Elf *elf = open_mem(bytes, size);
	GElf_Ehdr eh;
	size_t n;
	int rc = -1;

	if (elf && gelf_getehdr(elf, &eh) && !elf_getshdrnum(elf, &n)) {
		*offset = eh.e_shoff;
		*len = n * eh.e_shentsize;
		rc = 0;
	}
	if (elf)
		elf_end(elf);
	return rc;
}

/* libelf translates the edited entry into file form in the section's
 * data; the caller's bytes get those bytes back. */
int bundle_edit_reloc_type(uint8_t *bytes, size_t size, const char *rela, uint32_t type)
{
	Elf *elf = open_mem(bytes, size);
	Elf_Scn *scn;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Rela r;
	int rc = -1;

	if (elf && (scn = find(elf, rela, &sh)) && sh.sh_type == SHT_RELA &&
	    (data = elf_getdata(scn, NULL)) && gelf_getrela(data, 0, &r)) {
		r.r_info = GELF_R_INFO(GELF_R_SYM(r.r_info), type);
		if (gelf_update_rela(data, 0, &r)) {
			memmove(bytes + sh.sh_offset, data->d_buf, sizeof(Elf64_Rela));
			rc = 0;
		}
	}
	if (elf)
		elf_end(elf);
	return rc;
}

/* Rewrites one 8-byte field (at field_off) of section name's header. */
static int edit_section_header(uint8_t *bytes, size_t size, const char *name, size_t field_off,
			       uint64_t value)
{
	Elf *elf = open_mem(bytes, size);
	Elf_Scn *scn;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	int rc = -1;

	if (elf && gelf_getehdr(elf, &eh) && (scn = find(elf, name, &sh))) {
		uint64_t at = eh.e_shoff + elf_ndxscn(scn) * eh.e_shentsize;

		memcpy(bytes + at + field_off, &value, sizeof(value));
		rc = 0;
	}
	if (elf)
		elf_end(elf);
	return rc;
}

int bundle_edit_section_offset(uint8_t *bytes, size_t size, const char *name, uint64_t offset)
{
	return edit_section_header(bytes, size, name, offsetof(Elf64_Shdr, sh_offset), offset);
}

int bundle_edit_section_size(uint8_t *bytes, size_t size, const char *name, uint64_t len)
{
	return edit_section_header(bytes, size, name, offsetof(Elf64_Shdr, sh_size), len);
}

void bundle_edit_elf_type(uint8_t *bytes, uint16_t type)
{
	memcpy(bytes + offsetof(Elf64_Ehdr, e_type), &type, sizeof(type));
}
