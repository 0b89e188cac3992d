/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Damage done on purpose to copies of bundles (ELF relocatable objects)
 * held in memory, for the tests of what the patcher refuses: sections and
 * relocations are found with libelf, so each edit lands exactly where it
 * is asked to and nowhere else. Shared by the unit tests (bundle_test.cc)
 * and bundle-mutate, which makes the integration tests' damaged bundles.
 */
#ifndef SV_TEST_BUNDLE_EDIT_H
#define SV_TEST_BUNDLE_EDIT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Section name's file offset and size in bytes: 0, or -1 if it has none. */
int bundle_edit_section(const uint8_t *bytes, size_t size, const char *name, uint64_t *offset,
			uint64_t *len);

/* Where the section header table is, and how big: 0 or -1. */
int bundle_edit_section_headers(const uint8_t *bytes, size_t size, uint64_t *offset,
				uint64_t *len);

/* Rewrites the type of the first relocation of section rela (".rela.text"),
 * keeping its symbol: 0, or -1 if there is none. */
int bundle_edit_reloc_type(uint8_t *bytes, size_t size, const char *rela, uint32_t type);

/* Rewrites section name's file offset in its header: 0, or -1. */
int bundle_edit_section_offset(uint8_t *bytes, size_t size, const char *name, uint64_t offset);

/* Rewrites section name's size in its header: 0, or -1. */
int bundle_edit_section_size(uint8_t *bytes, size_t size, const char *name, uint64_t len);

/* Rewrites the ELF header's e_type (bytes holds a whole ELF64 header). */
void bundle_edit_elf_type(uint8_t *bytes, uint16_t type);

#ifdef __cplusplus
}
#endif

#endif
