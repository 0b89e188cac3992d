// SPDX-License-Identifier: GPL-2.0-only
/* Writes the ELF files the loader's unit tests feed it. libelf does the
 * encoding (ELF32 or ELF64, headers and program headers); the fixture
 * only chooses the layout, so a test file is as well-formed as the spec
 * asks and malformed only where the spec says. */
#include "elf_fixture.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_load.h"

#define DATA_ALIGN 16

_Static_assert(ELF_LINK_OFFSETS_MAX == sizeof(((struct elff_image *)0)->link_offsets) /
				       sizeof(uint64_t),
	       "struct elff_image mirrors struct elf_image");

uint8_t elff_byte(uint8_t seed, uint64_t i)
{
	return (uint8_t)(seed * 29u + i * 7u + (i >> 8) * 13u + 1u);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Headers first, then each segment's bytes in order. */
static uint64_t layout(const struct elff_spec *spec, unsigned upto)
{
	size_t ehdr = spec->elf_class == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	size_t phdr = spec->elf_class == ELFCLASS32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	uint64_t off = align_up(ehdr + phdr * spec->nsegments, DATA_ALIGN);

	for (unsigned i = 0; i < upto; i++)
		off = align_up(off + spec->seg[i].filesz, DATA_ALIGN);
	return off;
}

uint64_t elff_segment_offset(const struct elff_spec *spec, unsigned idx)
{
	return layout(spec, idx);
}

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "elf_fixture: %s: %s: %s\n", path, what, elf_errmsg(-1));
	return -1;
}

static int add_section(Elf *elf, const struct elff_segment *s, uint64_t offset,
		       void *bytes)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *data = scn ? elf_newdata(scn) : NULL;
	GElf_Shdr shdr;

	if (!data || !gelf_getshdr(scn, &shdr))
		return -1;
	data->d_buf = bytes;
	data->d_size = s->filesz;
	data->d_type = ELF_T_BYTE;
	data->d_align = 1;
	data->d_off = 0;
	shdr.sh_type = SHT_PROGBITS;
	shdr.sh_flags = SHF_ALLOC | ((s->flags & PF_X) ? SHF_EXECINSTR : 0) |
			((s->flags & PF_W) ? SHF_WRITE : 0);
	shdr.sh_addr = s->vaddr;
	shdr.sh_offset = offset;
	shdr.sh_size = s->filesz;
	shdr.sh_addralign = 1;
	return gelf_update_shdr(scn, &shdr) ? 0 : -1;
}

static int write_elf(Elf *elf, const char *path, const struct elff_spec *spec,
		     uint8_t **bufs)
{
	GElf_Ehdr ehdr;
	uint64_t end = layout(spec, spec->nsegments);

	/* The fixture places everything itself (ELF_F_LAYOUT): libelf would
	 * otherwise move the segment bytes where it likes. */
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	if (!gelf_newehdr(elf, spec->elf_class) || !gelf_getehdr(elf, &ehdr))
		return fail(path, "ELF header");
	ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	ehdr.e_ident[EI_VERSION] = EV_CURRENT;
	ehdr.e_machine = spec->machine;
	ehdr.e_type = spec->type;
	ehdr.e_version = EV_CURRENT;
	ehdr.e_entry = spec->entry;
	ehdr.e_phoff = spec->elf_class == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	ehdr.e_shoff = 0; /* set below once there is a section */
	for (unsigned i = 0; i < spec->nsegments; i++)
		if (spec->seg[i].filesz)
			ehdr.e_shoff = align_up(end, 8);
	ehdr.e_shstrndx = SHN_UNDEF;
	if (!gelf_update_ehdr(elf, &ehdr))
		return fail(path, "ELF header");
	if (spec->nsegments && !gelf_newphdr(elf, spec->nsegments))
		return fail(path, "program headers");

	for (unsigned i = 0; i < spec->nsegments; i++) {
		const struct elff_segment *s = &spec->seg[i];
		uint64_t offset = layout(spec, i);
		GElf_Phdr ph = {
			.p_type = s->type,
			.p_flags = s->flags,
			.p_offset = s->offset_override ? s->offset_override : offset,
			.p_vaddr = s->vaddr,
			.p_paddr = s->paddr,
			.p_filesz = s->filesz,
			.p_memsz = s->memsz,
			.p_align = DATA_ALIGN,
		};

		if (s->filesz) {
			bufs[i] = malloc(s->filesz);
			if (!bufs[i])
				return fail(path, "out of memory");
			for (uint64_t b = 0; b < s->filesz; b++)
				bufs[i][b] = elff_byte(s->seed, b);
			if (add_section(elf, s, offset, bufs[i]))
				return fail(path, "section");
		}
		if (!gelf_update_phdr(elf, (int)i, &ph))
			return fail(path, "program header");
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		return fail(path, "elf_update");
	return 0;
}

int elff_write(const char *path, const struct elff_spec *spec)
{
	uint8_t *bufs[ELFF_SEGMENTS_MAX] = { 0 };
	int fd, err;
	Elf *elf;

	if (spec->nsegments > ELFF_SEGMENTS_MAX || elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	err = elf ? write_elf(elf, path, spec, bufs) : fail(path, "elf_begin");
	elf_end(elf);
	for (unsigned i = 0; i < ELFF_SEGMENTS_MAX; i++)
		free(bufs[i]);
	if (close(fd) != 0)
		err = -1;
	return err;
}

/* Runs elf_load with fd 2 pointed at a temporary file, then reads back
 * what it printed. A file rather than a pipe: nothing can block however
 * much is printed. */
int elff_load(const char *path, uint8_t *ram, uint64_t ram_size,
	      uint64_t load_min, uint64_t load_max, struct elff_image *img,
	      char *msg, size_t msg_size)
{
	struct elf_target target = { ram, ram_size, load_min, load_max };
	struct elf_image image;
	FILE *capture = tmpfile();
	int saved = dup(2), err;
	size_t n = 0;

	if (!capture || saved < 0)
		abort();
	fflush(stderr);
	dup2(fileno(capture), 2);
	err = elf_load(path, &target, &image);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);

	rewind(capture);
	if (msg_size) {
		n = fread(msg, 1, msg_size - 1, capture);
		msg[n] = '\0';
	}
	fclose(capture);

	img->entry = image.entry;
	img->phys_start = image.phys_start;
	img->phys_end = image.phys_end;
	img->nlink_offsets = image.nlink_offsets;
	for (unsigned i = 0; i < ELF_LINK_OFFSETS_MAX; i++)
		img->link_offsets[i] = image.link_offsets[i];
	return err;
}
