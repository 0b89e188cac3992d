// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deriving a field map (field_map.h): the new layout walked member by
 * member, each matched by name with the old layout's. A part whose layout
 * did not change is one copy; a struct that changed is matched member by
 * member, an array element by element; anything else that changed refuses
 * the map, since copying its bytes would not carry its value over.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_map.h"
#include "text_line.h"

struct deriving {
	struct field_map *m;
	size_t copies_cap, fields_cap;
	int record;   /* make entries for the plan: not past an array's first element */
};

static int no_memory(struct deriving *d)
{
	d->m->refused = 1;
	snprintf(d->m->reason, sizeof(d->m->reason), "%s: out of memory", d->m->name);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct deriving *d, const char *path, const char *fmt, ...)
{
	struct text_line l = { d->m->reason, sizeof(d->m->reason), 0 };
	va_list ap;

	text_put(&l, "%s: ", path);
	va_start(ap, fmt);
	text_vput(&l, fmt, ap);
	va_end(ap);
	text_put(&l, "; the bundle must give a transfer function instead");
	d->m->refused = 1;
	return -1;
}

/* arr with room for element n, or NULL (arr still valid) without memory. */
static void *room(void *arr, size_t n, size_t *cap, size_t size)
{
	size_t want = *cap ? 2 * *cap : 16;
	void *p;

	if (n < *cap)
		return arr;
	p = realloc(arr, want * size);
	if (p)
		*cap = want;
	return p;
}

/* Copies that continue the last one on both sides are merged into it, so
 * an array of unchanged elements, or fields that keep their distance,
 * stay one memcpy. */
static int add_copy(struct deriving *d, uint64_t old_off, uint64_t new_off, uint64_t size)
{
	struct field_map *m = d->m;
	struct field_copy *last = m->ncopies ? &m->copies[m->ncopies - 1] : NULL;
	struct field_copy *c;

	if (!size)
		return 0;
	if (last && last->old_off + last->size == old_off && last->new_off + last->size == new_off) {
		last->size += size;
		return 0;
	}
	c = room(m->copies, m->ncopies, &d->copies_cap, sizeof(*c));
	if (!c)
		return no_memory(d);
	m->copies = c;
	c[m->ncopies++] = (struct field_copy){ old_off, new_off, size };
	return 0;
}

/* One line of the plan; o is NULL for a new field, n for a dropped one. */
static int add_entry(struct deriving *d, enum field_fate fate, const char *path,
		     const struct field_type *o, uint64_t old_off,
		     const struct field_type *n, uint64_t new_off)
{
	struct field_map *m = d->m;
	struct field_entry *e;

	if (!d->record)
		return 0;
	e = room(m->fields, m->nfields, &d->fields_cap, sizeof(*e));
	if (!e)
		return no_memory(d);
	m->fields = e;
	e = &e[m->nfields++];
	*e = (struct field_entry){ .fate = fate, .old_off = old_off, .new_off = new_off };
	snprintf(e->path, sizeof(e->path), "%s", path);
	if (o) {
		snprintf(e->old_type, sizeof(e->old_type), "%s", o->name);
		e->old_size = o->size;
		e->old_count = o->count;
	}
	if (n) {
		snprintf(e->new_type, sizeof(e->new_type), "%s", n->name);
		e->new_size = n->size;
		e->new_count = n->count;
	}
	return 0;
}

static int same_layout(const struct field_type *o, const struct field_type *n);

/* Bitfields are never the same layout: their bit positions are not read. */
static int same_members(const struct field_type *o, const struct field_type *n)
{
	if (o->nmembers != n->nmembers)
		return 0;
	for (size_t i = 0; i < n->nmembers; i++) {
		const struct field_member *om = &o->members[i], *nm = &n->members[i];

		if (!om->name != !nm->name || (nm->name && strcmp(om->name, nm->name)) ||
		    om->offset != nm->offset || om->bit_size || nm->bit_size ||
		    !same_layout(om->type, nm->type))
			return 0;
	}
	return 1;
}

/* Whether the old bytes, copied as they are, are the new value. Type
 * names do not matter (a typedef renamed is the same layout); member
 * names do, since they say which value is where. */
static int same_layout(const struct field_type *o, const struct field_type *n)
{
	if (o->cls != n->cls || o->size != n->size)
		return 0;
	switch (n->cls) {
	case FIELD_BASE:
		return o->encoding == n->encoding;
	case FIELD_ENUM:
		return 1;
	case FIELD_POINTER:
		return !strcmp(o->pointee, n->pointee);
	case FIELD_ARRAY:
		return !o->unbounded && !n->unbounded && o->count == n->count &&
		       same_layout(o->elem, n->elem);
	case FIELD_STRUCT:
	case FIELD_UNION:
		return same_members(o, n);
	}
	return 0;
}

/* Why two types of the same class and size that are not the same layout
 * cannot be copied: structs and arrays are mapped instead, enums copy. */
static const char *why_unlike(const struct field_type *o, const struct field_type *n)
{
	if (o->cls != n->cls)
		return "a different kind of value";
	if (o->size != n->size)
		return "a different size";
	if (n->cls == FIELD_BASE)
		return "the same bits would mean another value (signedness, or integer and "
		       "floating point)";
	if (n->cls == FIELD_POINTER)
		return "pointers to different types";
	return "a union whose members changed (a union is only copied whole)";
}

static int refuse_types(struct deriving *d, const char *path, const struct field_type *o,
			const struct field_type *n)
{
	return refuse(d, path, "%s (%llu bytes) became %s (%llu bytes): %s", o->name,
		      (unsigned long long)o->size, n->name, (unsigned long long)n->size,
		      why_unlike(o, n));
}

static int map_value(struct deriving *d, const char *path, const struct field_type *o,
		     uint64_t old_off, const struct field_type *n, uint64_t new_off);

static const struct field_member *member_named(const struct field_type *t, const char *name)
{
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].name && !strcmp(t->members[i].name, name))
			return &t->members[i];
	return NULL;
}

static int map_member(struct deriving *d, const char *path, const struct field_type *o,
		      uint64_t old_off, const struct field_member *nm, uint64_t new_off)
{
	const struct field_member *om;
	char sub[FIELD_PATH_MAX];

	if (!nm->name)
		return refuse(d, path, "its member at +%llu (%s) has no name, and fields are "
			      "matched by name", (unsigned long long)nm->offset, nm->type->name);
	snprintf(sub, sizeof(sub), "%s.%s", path, nm->name);
	om = member_named(o, nm->name);
	if (nm->bit_size || (om && om->bit_size)) {
		unsigned bits = nm->bit_size ? nm->bit_size : om->bit_size;

		return refuse(d, sub, "a bitfield (%u bit%s) in the %s layout: a field map copies "
			      "whole bytes", bits, bits == 1 ? "" : "s", nm->bit_size ? "new" : "old");
	}
	if (!om)
		return add_entry(d, FIELD_NEW, sub, NULL, 0, nm->type, new_off + nm->offset);
	return map_value(d, sub, om->type, old_off + om->offset, nm->type, new_off + nm->offset);
}

static int map_struct(struct deriving *d, const char *path, const struct field_type *o,
		      uint64_t old_off, const struct field_type *n, uint64_t new_off)
{
	char sub[FIELD_PATH_MAX];

	for (size_t i = 0; i < n->nmembers; i++)
		if (map_member(d, path, o, old_off, &n->members[i], new_off))
			return -1;
	for (size_t i = 0; i < o->nmembers; i++) {
		const struct field_member *om = &o->members[i];

		if (om->name && member_named(n, om->name))
			continue;
		snprintf(sub, sizeof(sub), "%s.%s", path, om->name ? om->name : "<unnamed>");
		if (add_entry(d, FIELD_DROPPED, sub, om->type, old_off + om->offset, NULL, 0))
			return -1;
	}
	return 0;
}

/* The first min(old, new) elements are mapped; the rest of a longer new
 * array stays zero. Elements of the same layout are one copy. */
static int map_array(struct deriving *d, const char *path, const struct field_type *o,
		     uint64_t old_off, const struct field_type *n, uint64_t new_off)
{
	uint64_t count = o->count < n->count ? o->count : n->count;
	int record = d->record, rc = 0;
	char sub[FIELD_PATH_MAX];

	if (o->unbounded || n->unbounded)
		return refuse(d, path, "an array with no length in the DWARF (a flexible array "
			      "member): how much to copy is not known");
	if (add_entry(d, FIELD_ELEMENTS, path, o, old_off, n, new_off))
		return -1;
	if (same_layout(o->elem, n->elem))
		return add_copy(d, old_off, new_off, count * n->elem->size);
	for (uint64_t i = 0; !rc && i < count; i++) {
		snprintf(sub, sizeof(sub), "%s[%llu]", path, (unsigned long long)i);
		rc = map_value(d, sub, o->elem, old_off + i * o->elem->size, n->elem,
			       new_off + i * n->elem->size);
		/* The plan shows the first element's fields; the others' are alike. */
		d->record = 0;
	}
	d->record = record;
	return rc;
}

static int map_value(struct deriving *d, const char *path, const struct field_type *o,
		     uint64_t old_off, const struct field_type *n, uint64_t new_off)
{
	if (same_layout(o, n))
		return add_entry(d, FIELD_COPIED, path, o, old_off, n, new_off) ||
		       add_copy(d, old_off, new_off, n->size) ? -1 : 0;
	if (o->cls == n->cls && n->cls == FIELD_STRUCT)
		return map_struct(d, path, o, old_off, n, new_off);
	if (o->cls == n->cls && n->cls == FIELD_ARRAY)
		return map_array(d, path, o, old_off, n, new_off);
	return refuse_types(d, path, o, n);
}

int field_map_derive(const struct field_layout *old_layout, const struct field_layout *new_layout,
		     struct field_map *map)
{
	struct deriving d = { .m = map, .record = 1 };

	*map = (struct field_map){ .old_size = old_layout->type->size,
				   .new_size = new_layout->type->size };
	snprintf(map->name, sizeof(map->name), "%s", new_layout->name);
	return map_value(&d, new_layout->name, old_layout->type, 0, new_layout->type, 0);
}

void field_map_free(struct field_map *map)
{
	free(map->copies);
	free(map->fields);
	*map = (struct field_map){ 0 };
}
