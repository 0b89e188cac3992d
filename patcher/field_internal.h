/* SPDX-License-Identifier: GPL-2.0-only */
/* What the field-map files share: types read from libdw's entries. */
#ifndef SV_PATCHER_FIELD_INTERNAL_H
#define SV_PATCHER_FIELD_INTERNAL_H

#include <elfutils/libdw.h>

#include "field_map.h"

/* The file being read, for errors, and how deep the type being read is. */
struct field_reader {
	const char *path;
	char *err;
	size_t errlen;
	unsigned depth;
};

/* The type at die (typedefs and qualifiers kept in its name, peeled for
 * the rest) as a tree the caller owns. NULL with r->err when DWARF says
 * something a field map cannot use. */
struct field_type *field_read_type(struct field_reader *r, Dwarf_Die *die);
void field_type_free(struct field_type *t);

/* The type at die as C spells it (near enough: `int[4] *` for a pointer
 * to an array), for messages. */
void field_spell(Dwarf_Die *die, char *buf, size_t len);

/* The length of one array dimension: 0, or -1 when DWARF gives no bound. */
int field_subrange_count(Dwarf_Die *subrange, uint64_t *count);

#endif
