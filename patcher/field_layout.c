// SPDX-License-Identifier: GPL-2.0-only
/*
 * A type's layout from libdw's entries (field_internal.h): sizes, member
 * offsets and array lengths exactly as DWARF states them. Every part is
 * checked to lie inside what contains it, so a map built from the tree
 * never copies outside the copies it is given, whatever the file says.
 */
#include <dwarf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "field_internal.h"
#include "text_line.h"

/* Deeper than any C type a person writes; malformed DWARF could loop. */
#define FIELD_DEPTH_MAX 32
/* Dimensions of one array type: `x[2][3][4]` has 3. */
#define FIELD_DIMS_MAX 8

__attribute__((format(printf, 2, 3)))
static int fail(struct field_reader *r, const char *fmt, ...)
{
	char why[FIELD_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return patcher_fail(r->err, r->errlen, r->path, "%s", why);
}

static int read_size(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	Dwarf_Word size;

	if (dwarf_aggregate_size(die, &size))
		return fail(r, "%s has no size in the DWARF (declared, never defined?)", t->name);
	t->size = size;
	return 0;
}

/* Signedness is kept: the same bits would mean another value. A char is
 * the integer it is; UTF code units are unsigned. */
static int read_base(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Word enc;

	if (dwarf_formudata(dwarf_attr(die, DW_AT_encoding, &a), &enc))
		return fail(r, "%s has no encoding in the DWARF", t->name);
	if (enc == DW_ATE_signed_char)
		enc = DW_ATE_signed;
	else if (enc == DW_ATE_unsigned_char || enc == DW_ATE_UTF)
		enc = DW_ATE_unsigned;
	t->encoding = (int)enc;
	return read_size(r, t, die);
}

/* Pointers agree when they point at the same thing, typedefs aside. */
static int read_pointer(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die to, peeled;

	if (!dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), &to))
		snprintf(t->pointee, sizeof(t->pointee), "void");
	else if (!dwarf_peel_type(&to, &peeled))
		field_spell(&peeled, t->pointee, sizeof(t->pointee));
	else
		return fail(r, "%s: %s", t->name, dwarf_errmsg(-1));
	return read_size(r, t, die);
}

/* A bitfield's place is DW_AT_data_bit_offset (DWARF 4 on); a union's
 * members may omit theirs, being at 0. */
static int read_offset(struct field_reader *r, const char *in, Dwarf_Die *m,
		       struct field_member *out)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_attr(m, DW_AT_data_member_location, &a)) {
		if (dwarf_formudata(&a, &w))
			return fail(r, "%s.%s: its offset is a location expression, not a constant",
				    in, out->name ? out->name : "<unnamed>");
		out->offset = w;
	} else if (!dwarf_formudata(dwarf_attr(m, DW_AT_data_bit_offset, &a), &w)) {
		out->offset = w / 8;
	}
	if (!dwarf_formudata(dwarf_attr(m, DW_AT_bit_size, &a), &w))
		out->bit_size = (unsigned)w;
	return 0;
}

static int read_member(struct field_reader *r, const struct field_type *in, Dwarf_Die *m,
		       struct field_member *out)
{
	const char *name = dwarf_diename(m);
	Dwarf_Attribute a;
	Dwarf_Die type;

	if (name && !(out->name = strdup(name)))
		return fail(r, "out of memory");
	if (read_offset(r, in->name, m, out))
		return -1;
	if (!dwarf_formref_die(dwarf_attr_integrate(m, DW_AT_type, &a), &type))
		return fail(r, "%s.%s has no type", in->name, name ? name : "<unnamed>");
	out->type = field_read_type(r, &type);
	if (!out->type)
		return -1;
	/* A bitfield's type may reach past the struct; it is never copied. */
	if (!out->bit_size &&
	    (out->offset > in->size || out->type->size > in->size - out->offset))
		return fail(r, "%s.%s (%llu bytes at +%llu) overruns %s's %llu bytes", in->name,
			    name ? name : "<unnamed>", (unsigned long long)out->type->size,
			    (unsigned long long)out->offset, in->name, (unsigned long long)in->size);
	return 0;
}

static size_t count_members(Dwarf_Die *die)
{
	Dwarf_Die m;
	size_t n = 0;

	for (int rc = dwarf_child(die, &m); !rc; rc = dwarf_siblingof(&m, &m))
		n += dwarf_tag(&m) == DW_TAG_member;
	return n;
}

static int read_members(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	size_t n, i = 0;
	Dwarf_Die m;

	if (read_size(r, t, die))
		return -1;
	n = count_members(die);
	if (!n)
		return 0;
	t->members = calloc(n, sizeof(*t->members));
	if (!t->members)
		return fail(r, "out of memory");
	t->nmembers = n;
	for (int rc = dwarf_child(die, &m); !rc; rc = dwarf_siblingof(&m, &m))
		if (dwarf_tag(&m) == DW_TAG_member && read_member(r, t, &m, &t->members[i++]))
			return -1;
	return 0;
}

struct dim {
	uint64_t count;
	int unbounded;
};

static int read_dims(struct field_reader *r, const char *name, Dwarf_Die *die,
		     struct dim *dims, size_t *n)
{
	Dwarf_Die sub;

	*n = 0;
	for (int rc = dwarf_child(die, &sub); !rc; rc = dwarf_siblingof(&sub, &sub)) {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (*n == FIELD_DIMS_MAX)
			return fail(r, "%s: more than %d dimensions", name, FIELD_DIMS_MAX);
		dims[*n].unbounded = field_subrange_count(&sub, &dims[*n].count);
		if (dims[*n].unbounded)
			dims[*n].count = 0;
		++*n;
	}
	return *n ? 0 : fail(r, "%s: an array type with no dimensions", name);
}

static int set_dim(struct field_reader *r, struct field_type *t, struct field_type *elem,
		   const struct dim *d)
{
	t->cls = FIELD_ARRAY;
	t->elem = elem;
	t->count = d->count;
	t->unbounded = d->unbounded;
	if (__builtin_mul_overflow(d->count, elem->size, &t->size))
		return fail(r, "%s: its size overflows 64 bits", t->name);
	return 0;
}

/* elem as dimension i of n, named `base[dims i..n-1]`; NULL (elem freed)
 * on failure. */
static struct field_type *wrap_dim(struct field_reader *r, struct field_type *elem,
				   const char *base, const struct dim *dims, size_t i, size_t n)
{
	struct field_type *t = calloc(1, sizeof(*t));
	struct text_line l;

	if (!t) {
		field_type_free(elem);
		fail(r, "out of memory");
		return NULL;
	}
	l = (struct text_line){ t->name, sizeof(t->name), 0 };
	text_put(&l, "%s", base);
	for (size_t j = i; j < n; j++)
		text_put(&l, "[%llu]", (unsigned long long)dims[j].count);
	if (set_dim(r, t, elem, &dims[i])) {
		field_type_free(t);
		return NULL;
	}
	return t;
}

/* One field_type per dimension, innermost first: `short[2][4]` is an
 * array of 2 `short[4]`. */
static int read_array(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	struct dim dims[FIELD_DIMS_MAX];
	struct field_type *elem;
	const char *base;
	Dwarf_Attribute a;
	Dwarf_Die type;
	size_t n;

	if (read_dims(r, t->name, die, dims, &n))
		return -1;
	if (!dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), &type))
		return fail(r, "%s has no element type", t->name);
	elem = field_read_type(r, &type);
	base = elem ? elem->name : NULL;   /* lives as long as the innermost element */
	for (size_t i = n - 1; elem && i > 0; i--)
		elem = wrap_dim(r, elem, base, dims, i, n);
	return elem ? set_dim(r, t, elem, &dims[0]) : -1;
}

static int read_peeled(struct field_reader *r, struct field_type *t, Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
		t->cls = FIELD_BASE;
		return read_base(r, t, die);
	case DW_TAG_enumeration_type:
		t->cls = FIELD_ENUM;
		return read_size(r, t, die);
	case DW_TAG_pointer_type:
		t->cls = FIELD_POINTER;
		return read_pointer(r, t, die);
	case DW_TAG_structure_type:
		t->cls = FIELD_STRUCT;
		return read_members(r, t, die);
	case DW_TAG_union_type:
		t->cls = FIELD_UNION;
		return read_members(r, t, die);
	case DW_TAG_array_type:
		return read_array(r, t, die);
	}
	return fail(r, "%s: DWARF tag 0x%x is not a type a field map handles", t->name,
		    (unsigned)dwarf_tag(die));
}

struct field_type *field_read_type(struct field_reader *r, Dwarf_Die *die)
{
	struct field_type *t;
	Dwarf_Die peeled;
	int rc;

	if (r->depth >= FIELD_DEPTH_MAX) {
		fail(r, "types nested more than %d deep", FIELD_DEPTH_MAX);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		fail(r, "out of memory");
		return NULL;
	}
	field_spell(die, t->name, sizeof(t->name));
	r->depth++;
	rc = dwarf_peel_type(die, &peeled) ? fail(r, "%s: %s", t->name, dwarf_errmsg(-1))
					   : read_peeled(r, t, &peeled);
	r->depth--;
	if (rc) {
		field_type_free(t);
		return NULL;
	}
	return t;
}

void field_type_free(struct field_type *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmembers; i++) {
		free(t->members[i].name);
		field_type_free(t->members[i].type);
	}
	free(t->members);
	field_type_free(t->elem);
	free(t);
}
