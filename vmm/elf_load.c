// SPDX-License-Identifier: GPL-2.0-only
/* Loading the guest kernel with libelf. */
#include "elf_load.h"
#include "elf_symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINK_OFFSET_ALIGN (2ull << 20) /* boot page tables use 2 MiB pages */

struct loader {
	const char *path;
	const struct elf_target *target;
	struct elf_image *image;
	Elf *elf;
	const char *file; /* raw file bytes */
	size_t file_size;
};

static int refuse(const struct loader *l, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "swapvisor: %s: ", l->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -ENOEXEC;
}

static int check_header(struct loader *l)
{
	GElf_Ehdr ehdr;

	if (elf_kind(l->elf) != ELF_K_ELF)
		return refuse(l, "not an ELF file");
	if (gelf_getclass(l->elf) != ELFCLASS64)
		return refuse(l, "not a 64-bit ELF file");
	if (!gelf_getehdr(l->elf, &ehdr))
		return refuse(l, "bad ELF header: %s", elf_errmsg(-1));
	if (ehdr.e_ident[EI_DATA] != ELFDATA2LSB || ehdr.e_machine != EM_X86_64)
		return refuse(l, "machine %u is not x86-64", ehdr.e_machine);
	if (ehdr.e_type != ET_EXEC)
		return refuse(l, "ELF type %u is not an executable (ET_EXEC)", ehdr.e_type);
	l->image->entry = ehdr.e_entry;
	return 0;
}

static int note_link_offset(struct loader *l, size_t idx, const GElf_Phdr *ph)
{
	struct elf_image *img = l->image;
	uint64_t offset = ph->p_vaddr - ph->p_paddr;

	if (offset % LINK_OFFSET_ALIGN)
		return refuse(l, "segment %zu: virtual %#lx minus physical %#lx is not 2 MiB aligned",
			      idx, ph->p_vaddr, ph->p_paddr);
	for (unsigned i = 0; i < img->nlink_offsets; i++)
		if (img->link_offsets[i] == offset)
			return 0;
	if (img->nlink_offsets == ELF_LINK_OFFSETS_MAX)
		return refuse(l, "segment %zu: more than %d link offsets", idx,
			      ELF_LINK_OFFSETS_MAX);
	img->link_offsets[img->nlink_offsets++] = offset;
	return 0;
}

static int check_segment(struct loader *l, size_t idx, const GElf_Phdr *ph)
{
	const struct elf_target *t = l->target;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(l, "segment %zu: file size %#lx exceeds memory size %#lx",
			      idx, ph->p_filesz, ph->p_memsz);
	if (ph->p_offset > l->file_size || ph->p_filesz > l->file_size - ph->p_offset)
		return refuse(l, "segment %zu: file bytes [%#lx, +%#lx) lie beyond the file's end (%#zx)",
			      idx, ph->p_offset, ph->p_filesz, l->file_size);
	if (ph->p_paddr < t->load_min || ph->p_paddr > t->load_max ||
	    ph->p_memsz > t->load_max - ph->p_paddr)
		return refuse(l, "segment %zu: physical [%#lx, +%#lx) lies outside the kernel's RAM [%#lx, %#lx)",
			      idx, ph->p_paddr, ph->p_memsz, t->load_min, t->load_max);
	return note_link_offset(l, idx, ph);
}

static int check_overlap(struct loader *l, size_t idx, const GElf_Phdr *ph)
{
	GElf_Phdr other;

	for (size_t j = 0; j < idx; j++) {
		/* Empty PT_LOADs are skipped when loading, so also here. */
		if (!gelf_getphdr(l->elf, (int)j, &other) || other.p_type != PT_LOAD ||
		    other.p_memsz == 0)
			continue;
		if (ph->p_paddr < other.p_paddr + other.p_memsz &&
		    other.p_paddr < ph->p_paddr + ph->p_memsz)
			return refuse(l, "segment %zu [%#lx, +%#lx) overlaps segment %zu [%#lx, +%#lx)",
				      idx, ph->p_paddr, ph->p_memsz, j, other.p_paddr,
				      other.p_memsz);
	}
	return 0;
}

static void copy_segment(struct loader *l, const GElf_Phdr *ph)
{
	uint8_t *dst = l->target->ram + ph->p_paddr;

	memcpy(dst, l->file + ph->p_offset, ph->p_filesz);
	memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	if (ph->p_paddr < l->image->phys_start)
		l->image->phys_start = ph->p_paddr;
	if (ph->p_paddr + ph->p_memsz > l->image->phys_end)
		l->image->phys_end = ph->p_paddr + ph->p_memsz;
}

static int entry_is_loaded(struct loader *l, size_t nphdrs)
{
	GElf_Phdr ph;

	for (size_t i = 0; i < nphdrs; i++)
		if (gelf_getphdr(l->elf, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    (ph.p_flags & PF_X) && l->image->entry >= ph.p_vaddr &&
		    l->image->entry - ph.p_vaddr < ph.p_memsz)
			return 0;
	return refuse(l, "entry point %#lx is not in an executable segment",
		      l->image->entry);
}

static int load_segments(struct loader *l)
{
	size_t nphdrs, loaded = 0;
	GElf_Phdr ph;
	int err;

	if (elf_getphdrnum(l->elf, &nphdrs) != 0)
		return refuse(l, "bad program headers: %s", elf_errmsg(-1));
	l->image->phys_start = UINT64_MAX;
	for (size_t i = 0; i < nphdrs; i++) {
		if (!gelf_getphdr(l->elf, (int)i, &ph))
			return refuse(l, "segment %zu: %s", i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		err = check_segment(l, i, &ph);
		if (!err)
			err = check_overlap(l, i, &ph);
		if (err)
			return err;
		copy_segment(l, &ph);
		loaded++;
	}
	if (!loaded)
		return refuse(l, "no loadable segment");
	return entry_is_loaded(l, nphdrs);
}

int elf_load(const char *path, const struct elf_target *target,
	     struct elf_image *image)
{
	struct loader l = { .path = path, .target = target, .image = image };
	int fd, err;

	memset(image, 0, sizeof(*image));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return refuse(&l, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "swapvisor: %s: %s\n", path, strerror(errno));
		return err;
	}
	l.elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!l.elf) {
		err = refuse(&l, "cannot read as ELF: %s", elf_errmsg(-1));
	} else {
		l.file = elf_rawfile(l.elf, &l.file_size);
		err = l.file ? check_header(&l) : refuse(&l, "empty or unreadable file");
		if (!err)
			err = load_segments(&l);
		if (!err)
			elf_build_id(l.elf, image->build_id, sizeof(image->build_id),
				     &image->build_id_len);
		elf_end(l.elf);
	}
	close(fd);
	return err;
}
