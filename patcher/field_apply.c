// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running a field map (field_map.h): building the new copy of a global
 * from the old, and keeping the two in step while both are live, which is
 * what the monitor does after each trapped write.
 */
#include <string.h>

#include "field_map.h"

void field_map_apply(const struct field_map *map, const void *old_copy, void *new_copy)
{
	const uint8_t *from = old_copy;
	uint8_t *to = new_copy;

	/* New fields, a longer array's tail and padding start as zero. */
	memset(to, 0, map->new_size);
	for (size_t i = 0; i < map->ncopies; i++) {
		const struct field_copy *c = &map->copies[i];

		memcpy(to + c->new_off, from + c->old_off, c->size);
	}
}

void field_map_reverse(const struct field_map *map, const void *new_copy, void *old_copy)
{
	const uint8_t *from = new_copy;
	uint8_t *to = old_copy;

	for (size_t i = 0; i < map->ncopies; i++) {
		const struct field_copy *c = &map->copies[i];

		memcpy(to + c->old_off, from + c->new_off, c->size);
	}
}

/* Each copy is read from one old range and written to one new range, and
 * no two copies overlap on either side, so a write's image is the overlap
 * with each copy on the written side, moved to the other side. */
size_t field_map_write(const struct field_map *map, enum field_side written, uint64_t off,
		       uint64_t len, struct field_copy *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < map->ncopies; i++) {
		const struct field_copy *c = &map->copies[i];
		uint64_t at = written == FIELD_OLD_SIDE ? c->old_off : c->new_off;
		uint64_t lo = off > at ? off : at;
		uint64_t hi = off + len < at + c->size ? off + len : at + c->size;

		if (lo >= hi)
			continue;
		if (n < max)
			out[n] = (struct field_copy){ c->old_off + (lo - at), c->new_off + (lo - at),
						      hi - lo };
		n++;
	}
	return n;
}
