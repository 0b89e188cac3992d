/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_TEST_ELF_SYMBOLS_H
#define SV_TEST_ELF_SYMBOLS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The value of symbol `name` in the ELF file at path (libelf); 0 and a
 * message on stderr when the file or the symbol is missing. */
uint64_t elf_symbol(const char *path, const char *name);

#ifdef __cplusplus
}
#endif

#endif
