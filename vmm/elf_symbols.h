/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbols and the build-id of a guest image, read with libelf. */
#ifndef SV_VMM_ELF_SYMBOLS_H
#define SV_VMM_ELF_SYMBOLS_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Calls visit(name, sym, ctx) for every symbol of every symbol table of
 * elf until it returns nonzero; returns that value, or 0. Shared with the
 * patcher's guest image, which indexes the same tables. */
typedef int (*elf_symbol_visitor)(const char *name, const GElf_Sym *sym, void *ctx);
int elf_visit_symbols(Elf *elf, elf_symbol_visitor visit, void *ctx);

/* The value of symbol `name` in the ELF file at path; 0 and a message on
 * stderr when the file or the symbol is missing. */
uint64_t elf_symbol(const char *path, const char *name);

/* The function containing addr: its name into buf and addr's offset into
 * it. Returns 0, or -1 when no function symbol covers addr. */
int elf_symbolize(const char *path, uint64_t addr, char *buf, size_t size,
		  uint64_t *offset);

/* The NT_GNU_BUILD_ID note of any SHT_NOTE section into out[0..*len);
 * -1 (and *len 0) when there is none or it is longer than cap. Shared by
 * the VMM, which records what it booted, and the patcher, which checks a
 * bundle's target against it. */
int elf_build_id(Elf *elf, uint8_t *out, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif
