// SPDX-License-Identifier: GPL-2.0-only
/* The GNU build-id of an ELF image (elf_symbols.h). */
#include <string.h>

#include "elf_symbols.h"

static int note_build_id(Elf_Data *data, uint8_t *out, size_t cap, size_t *len)
{
	GElf_Nhdr nhdr;
	size_t off = 0, name_off, desc_off;

	while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off))) {
		if (nhdr.n_type != NT_GNU_BUILD_ID || nhdr.n_namesz != 4 ||
		    memcmp((char *)data->d_buf + name_off, "GNU", 4))
			continue;
		if (!nhdr.n_descsz || nhdr.n_descsz > cap)
			return -1;
		memcpy(out, (char *)data->d_buf + desc_off, nhdr.n_descsz);
		*len = nhdr.n_descsz;
		return 0;
	}
	return -1;
}

int elf_build_id(Elf *elf, uint8_t *out, size_t cap, size_t *len)
{
	Elf_Scn *scn = NULL;

	*len = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_NOTE &&
		    (data = elf_getdata(scn, NULL)) && !note_build_id(data, out, cap, len))
			return 0;
	}
	return -1;
}
