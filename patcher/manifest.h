/* SPDX-License-Identifier: GPL-2.0-only */
/* The manifest of a structurally sound bundle: its .svp.* records copied
 * into struct bundle, each checked (sizes, names, magic, modes). */
#ifndef SV_PATCHER_MANIFEST_H
#define SV_PATCHER_MANIFEST_H

#include "bundle.h"

/* Returns 0, or -1 with err naming the section or record at fault. */
int manifest_read(struct bundle *b, char *err, size_t errlen);

#endif
