/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_ELF_LOAD_H
#define SV_VMM_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#define ELF_LINK_OFFSETS_MAX 4
#define ELF_BUILD_ID_MAX 32

/* Where segments may be loaded: guest-physical [load_min, load_max). */
struct elf_target {
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t load_min;
	uint64_t load_max;
};

struct elf_image {
	uint64_t entry;
	uint64_t phys_start; /* lowest loaded physical address */
	uint64_t phys_end;   /* end of the highest segment */
	/* Distinct virtual-minus-physical offsets of the segments: the boot
	 * page tables map RAM at each, so a higher-half kernel runs at once. */
	uint64_t link_offsets[ELF_LINK_OFFSETS_MAX];
	unsigned nlink_offsets;
	/* Its GNU build-id (none: length 0): what a patch must be built for. */
	uint8_t build_id[ELF_BUILD_ID_MAX];
	size_t build_id_len;
};

/* Loads an x86-64 ET_EXEC's PT_LOAD segments at their physical addresses
 * (zero-filling the bss part). Every refusal prints a message naming the
 * file and, where there is one, the segment; returns -ENOEXEC or -errno. */
int elf_load(const char *path, const struct elf_target *target,
	     struct elf_image *image);

#endif
