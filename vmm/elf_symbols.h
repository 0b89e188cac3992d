/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbols of a guest image, read with libelf. */
#ifndef SV_VMM_ELF_SYMBOLS_H
#define SV_VMM_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value of symbol `name` in the ELF file at path; 0 and a message on
 * stderr when the file or the symbol is missing. */
uint64_t elf_symbol(const char *path, const char *name);

/* The function containing addr: its name into buf and addr's offset into
 * it. Returns 0, or -1 when no function symbol covers addr. */
int elf_symbolize(const char *path, uint64_t addr, char *buf, size_t size,
		  uint64_t *offset);

#ifdef __cplusplus
}
#endif

#endif
