/* SPDX-License-Identifier: GPL-2.0-only */
/* The structural checks bundle_open makes before reading any record, so
 * that nothing after them (the manifest, the linker) reads outside the
 * file or through a dangling index. */
#ifndef SV_PATCHER_BUNDLE_CHECK_H
#define SV_PATCHER_BUNDLE_CHECK_H

#include "bundle.h"

/* Checks b->elf (over b->bytes) and fills b->shnum, b->symtab, b->nsyms.
 * Returns 0, or -1 with err naming what is wrong. */
int bundle_check_structure(struct bundle *b, char *err, size_t errlen);

#endif
