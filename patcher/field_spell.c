// SPDX-License-Identifier: GPL-2.0-only
/* Types as C spells them, from libdw's entries, for field-map messages. */
#include <dwarf.h>

#include "field_internal.h"
#include "text_line.h"

/* Deeper than any C type a person writes; malformed DWARF could loop. */
#define SPELL_DEPTH_MAX 16

static void spell(struct text_line *l, Dwarf_Die *die, unsigned depth);

/* What die refers to: 0, or -1 for void. */
static int target(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), out) ? 0 : -1;
}

static void spell_target(struct text_line *l, Dwarf_Die *die, unsigned depth)
{
	Dwarf_Die t;

	if (target(die, &t))
		text_put(l, "void");
	else
		spell(l, &t, depth + 1);
}

static void spell_tagged(struct text_line *l, const char *kind, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);

	text_put(l, "%s %s", kind, name ? name : "<anonymous>");
}

/* A qualifier follows a pointer (`char * const`) and precedes the rest. */
static void spell_qualified(struct text_line *l, const char *word, Dwarf_Die *die,
			    unsigned depth)
{
	Dwarf_Die t;

	if (!target(die, &t) && dwarf_tag(&t) == DW_TAG_pointer_type) {
		spell(l, &t, depth + 1);
		text_put(l, " %s", word);
		return;
	}
	text_put(l, "%s ", word);
	spell_target(l, die, depth);
}

static void spell_array(struct text_line *l, Dwarf_Die *die, unsigned depth)
{
	Dwarf_Die sub;
	uint64_t n;

	spell_target(l, die, depth);
	for (int rc = dwarf_child(die, &sub); !rc; rc = dwarf_siblingof(&sub, &sub)) {
		if (dwarf_tag(&sub) != DW_TAG_subrange_type)
			continue;
		if (field_subrange_count(&sub, &n))
			text_put(l, "[]");
		else
			text_put(l, "[%llu]", (unsigned long long)n);
	}
}

static void spell(struct text_line *l, Dwarf_Die *die, unsigned depth)
{
	const char *name = dwarf_diename(die);

	if (depth > SPELL_DEPTH_MAX) {
		text_put(l, "...");
		return;
	}
	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type: spell_tagged(l, "struct", die); return;
	case DW_TAG_union_type: spell_tagged(l, "union", die); return;
	case DW_TAG_enumeration_type: spell_tagged(l, "enum", die); return;
	case DW_TAG_const_type: spell_qualified(l, "const", die, depth); return;
	case DW_TAG_volatile_type: spell_qualified(l, "volatile", die, depth); return;
	case DW_TAG_restrict_type: spell_qualified(l, "restrict", die, depth); return;
	case DW_TAG_atomic_type: spell_qualified(l, "_Atomic", die, depth); return;
	case DW_TAG_array_type: spell_array(l, die, depth); return;
	case DW_TAG_subroutine_type: text_put(l, "function"); return;
	case DW_TAG_pointer_type:
		spell_target(l, die, depth);
		text_put(l, " *");
		return;
	}
	text_put(l, "%s", name ? name : "<unnamed type>");
}

void field_spell(Dwarf_Die *die, char *buf, size_t len)
{
	struct text_line l = { buf, len, 0 };

	buf[0] = '\0';
	spell(&l, die, 0);
}

int field_subrange_count(Dwarf_Die *subrange, uint64_t *count)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_formudata(dwarf_attr_integrate(subrange, DW_AT_count, &a), &w)) {
		*count = w;
		return 0;
	}
	/* C arrays start at 0; `x[0]` has upper bound -1, so its count wraps to 0. */
	if (!dwarf_formudata(dwarf_attr_integrate(subrange, DW_AT_upper_bound, &a), &w)) {
		*count = w + 1;
		return 0;
	}
	return -1;
}
