/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test ELF files written with libelf, and elf_load() called on them with
 * its stderr captured: the C side of tests/unit/elf_load_test.cc, in plain
 * types so no VMM header compiles as C++.
 */
#ifndef SV_TEST_ELF_FIXTURE_H
#define SV_TEST_ELF_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ELFF_SEGMENTS_MAX 8

struct elff_segment {
	uint32_t type;   /* PT_LOAD, PT_NOTE, ... */
	uint32_t flags;  /* PF_R | PF_X ... */
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz; /* bytes written to the file: elff_byte(seed, 0..) */
	uint64_t memsz;
	uint8_t seed;
	/* Non-zero: the p_offset recorded in the program header, instead of
	 * where the bytes really are (to describe bytes past the file's end). */
	uint64_t offset_override;
};

struct elff_spec {
	int elf_class;     /* ELFCLASS64 or ELFCLASS32 */
	uint16_t machine;  /* EM_X86_64 ... */
	uint16_t type;     /* ET_EXEC ... */
	uint64_t entry;
	unsigned nsegments;
	struct elff_segment seg[ELFF_SEGMENTS_MAX];
};

/* The file bytes of a segment with this seed, at index i: different in
 * every position of a page and between seeds, so a copy from the wrong
 * offset shows. */
uint8_t elff_byte(uint8_t seed, uint64_t i);

/* Writes spec as an ELF file at path with libelf. Segment bytes live in
 * one SHT_PROGBITS section each, at file offsets the fixture chooses.
 * Returns 0, or -1 with a message on stderr. */
int elff_write(const char *path, const struct elff_spec *spec);

/* The file offset where segment idx's bytes were put by the last
 * elff_write of that spec (same layout rule), for truncation tests. */
uint64_t elff_segment_offset(const struct elff_spec *spec, unsigned idx);

struct elff_image {
	uint64_t entry;
	uint64_t phys_start;
	uint64_t phys_end;
	uint64_t link_offsets[4];
	unsigned nlink_offsets;
};

/* elf_load(path) into ram[0..ram_size) with loads allowed in
 * [load_min, load_max). Whatever it prints on stderr is returned in
 * msg (NUL-terminated, cut to msg_size). Returns elf_load's result. */
int elff_load(const char *path, uint8_t *ram, uint64_t ram_size,
	      uint64_t load_min, uint64_t load_max, struct elff_image *img,
	      char *msg, size_t msg_size);

#ifdef __cplusplus
}
#endif

#endif
