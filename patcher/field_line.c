// SPDX-License-Identifier: GPL-2.0-only
/* A field map in words (field_map.h), for the monitor's --dry-run. */
#include <stdio.h>
#include <string.h>

#include "field_map.h"
#include "text_line.h"

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

static size_t count_fate(const struct field_map *map, enum field_fate fate)
{
	size_t n = 0;

	for (size_t i = 0; i < map->nfields; i++)
		n += map->fields[i].fate == fate;
	return n;
}

void field_map_summary(const struct field_map *map, char *buf, size_t len)
{
	struct text_line l = { buf, len, 0 };
	uint64_t bytes = 0;

	if (map->refused) {
		text_put(&l, "%s", map->reason);
		return;
	}
	for (size_t i = 0; i < map->ncopies; i++)
		bytes += map->copies[i].size;
	text_put(&l, "%s: field map, %llu -> %llu bytes in %zu cop%s of %llu bytes; "
		 "%zu new field%s zero, %zu dropped", map->name, ull(map->old_size),
		 ull(map->new_size), map->ncopies, map->ncopies == 1 ? "y" : "ies", ull(bytes),
		 count_fate(map, FIELD_NEW), count_fate(map, FIELD_NEW) == 1 ? "" : "s",
		 count_fate(map, FIELD_DROPPED));
}

/* "u32" or, when the source spells it otherwise now, "unsigned int -> u32". */
static void put_types(struct text_line *l, const struct field_entry *e)
{
	if (strcmp(e->old_type, e->new_type))
		text_put(l, "%s -> %s", e->old_type, e->new_type);
	else
		text_put(l, "%s", e->new_type);
}

static void put_elements(struct text_line *l, const struct field_entry *e)
{
	uint64_t kept = e->old_count < e->new_count ? e->old_count : e->new_count;

	text_put(l, "%s: +%llu -> +%llu, ", e->path, ull(e->old_off), ull(e->new_off));
	put_types(l, e);
	text_put(l, ": %llu element%s carried over", ull(kept), kept == 1 ? "" : "s");
	if (e->new_count > kept)
		text_put(l, ", %llu new (zero)", ull(e->new_count - kept));
	if (e->old_count > kept)
		text_put(l, ", %llu dropped", ull(e->old_count - kept));
}

void field_map_line(const struct field_map *map, size_t i, char *buf, size_t len)
{
	const struct field_entry *e = &map->fields[i];
	struct text_line l = { buf, len, 0 };

	switch (e->fate) {
	case FIELD_COPIED:
		text_put(&l, "%s: +%llu -> +%llu, ", e->path, ull(e->old_off), ull(e->new_off));
		put_types(&l, e);
		text_put(&l, " (%llu bytes)", ull(e->new_size));
		return;
	case FIELD_NEW:
		text_put(&l, "%s: new at +%llu, zero (%s, %llu bytes)", e->path, ull(e->new_off),
			 e->new_type, ull(e->new_size));
		return;
	case FIELD_DROPPED:
		text_put(&l, "%s: dropped (was at +%llu, %s, %llu bytes)", e->path,
			 ull(e->old_off), e->old_type, ull(e->old_size));
		return;
	case FIELD_ELEMENTS:
		put_elements(&l, e);
		return;
	}
}
