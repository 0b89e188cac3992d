// SPDX-License-Identifier: GPL-2.0-only
// Field maps (patcher/field_map.h) derived from the DWARF of objects meson
// compiles from fieldmaps/old.c and new.c: each global there is one case.
// struct conn_table's offsets are checked against the compiler's offsetof
// (field_map_shim.h); the small cases' against the x86-64 ABI, by hand.
#include <gtest/gtest.h>

#include <dwarf.h>

#include <string>
#include <vector>

#include "field_map_fixture.h"
#include "field_map_shim.h"

namespace {

using Copies = std::vector<field_copy>;
using Lines = std::vector<std::string>;

std::string at(size_t off)
{
	return "+" + std::to_string(off);
}

const field_member *member(const field_type *t, const std::string &name)
{
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].name && name == t->members[i].name)
			return &t->members[i];
	return nullptr;
}

// The layout read from DWARF puts conn_table's fields where the compiler
// put them.
void expect_conn_table(const char *which, const fms_layout &c)
{
	Layout l(fieldmap_object(which), "conns");

	ASSERT_EQ(l.rc, 0) << l.err;
	const field_type *t = l.l.type;
	EXPECT_EQ(std::string(l.l.name), "conns");
	EXPECT_EQ(t->cls, FIELD_STRUCT);
	EXPECT_EQ(std::string(t->name), "struct conn_table");
	EXPECT_EQ(t->size, c.size);
	const field_member *count = member(t, "count"), *slots = member(t, "slots");
	const field_member *stats = member(t, "stats");
	ASSERT_TRUE(count && slots && stats);
	EXPECT_EQ(count->offset, c.count);
	EXPECT_EQ(std::string(count->type->name), "u32");
	EXPECT_EQ(count->type->cls, FIELD_BASE);
	EXPECT_EQ(count->type->encoding, DW_ATE_unsigned);
	EXPECT_EQ(slots->offset, c.slots);
	EXPECT_EQ(slots->type->cls, FIELD_ARRAY);
	EXPECT_EQ(slots->type->count, c.nslots);
	EXPECT_EQ(slots->type->elem->size, c.slot_size);
	EXPECT_EQ(member(slots->type->elem, "state")->offset, c.slot_state);
	EXPECT_EQ(stats->offset + member(stats->type, "accepted")->offset, c.accepted);
	EXPECT_EQ(stats->offset + member(stats->type, "refused")->offset, c.refused);
}

TEST(FieldLayout, ConnTableOffsetsAreTheCompilers)
{
	fms_layout old_c, new_c;

	fms_old_layout(&old_c);
	fms_new_layout(&new_c);
	expect_conn_table("old", old_c);
	expect_conn_table("new", new_c);

	Layout o(fieldmap_object("old"), "conns"), n(fieldmap_object("new"), "conns");
	ASSERT_EQ(o.rc, 0);
	ASSERT_EQ(n.rc, 0);
	EXPECT_EQ(member(o.l.type, "legacy")->offset, old_c.legacy);
	const field_member *owner = member(n.l.type, "owner");
	ASSERT_TRUE(owner);
	EXPECT_EQ(owner->offset, new_c.owner);
	EXPECT_EQ(owner->type->cls, FIELD_POINTER);
	EXPECT_EQ(std::string(owner->type->name), "struct task *");
	EXPECT_EQ(std::string(owner->type->pointee), "struct task");
	const field_member *stats = member(n.l.type, "stats");
	EXPECT_EQ(stats->offset + member(stats->type, "timeouts")->offset, new_c.timeouts);
}

TEST(FieldLayout, StructByTag)
{
	fms_layout c;
	Layout l(fieldmap_object("old"), "conn_table", true);

	fms_old_layout(&c);
	ASSERT_EQ(l.rc, 0) << l.err;
	EXPECT_EQ(std::string(l.l.name), "struct conn_table");
	EXPECT_EQ(l.l.type->size, c.size);
}

// `struct nested { int x; struct inner { int p; int q; } in; }`, and a
// bitfield's width kept for the deriver to refuse.
TEST(FieldLayout, NestedMembersAndBitfields)
{
	Layout nested(fieldmap_object("old"), "nested"), bits(fieldmap_object("old"), "bits");

	ASSERT_EQ(nested.rc, 0) << nested.err;
	const field_member *in = member(nested.l.type, "in");
	ASSERT_TRUE(in);
	EXPECT_EQ(in->offset, 4u);
	EXPECT_EQ(std::string(in->type->name), "struct inner");
	EXPECT_EQ(member(in->type, "q")->offset, 4u);
	ASSERT_EQ(bits.rc, 0) << bits.err;
	EXPECT_EQ(member(bits.l.type, "ready")->bit_size, 1u);
	EXPECT_EQ(member(bits.l.type, "mode")->bit_size, 3u);
	EXPECT_EQ(member(bits.l.type, "n")->bit_size, 0u);
}

TEST(FieldLayout, ErrorsNameTheFileAndWhatIsMissing)
{
	std::string old_o = fieldmap_object("old"), nodwarf = fieldmap_object("nodwarf");
	std::string source = std::string(std::getenv("SV_FIELDMAP_SOURCES")) + "/old.c";
	struct Case {
		std::string path;
		const char *name;
		bool is_struct;
		std::string err;
	} cases[] = {
		{ old_o, "nosuch", false, old_o + ": no definition of variable nosuch in its DWARF" },
		{ old_o, "nosuch", true, old_o + ": no definition of struct nosuch in its DWARF" },
		{ nodwarf, "conns", false,
		  nodwarf + ": no DWARF debugging information (built without -g?)" },
		{ "/nonexistent/kernel.elf", "conns", false,
		  "/nonexistent/kernel.elf: cannot read: No such file or directory" },
		{ source, "conns", false, source + ": cannot read: not a valid ELF file" },
	};

	for (const Case &c : cases) {
		Layout l(c.path, c.name, c.is_struct);

		EXPECT_EQ(l.rc, -1) << c.name;
		EXPECT_EQ(l.err, c.err);
		EXPECT_EQ(l.l.type, nullptr);
	}
}

TEST(FieldMap, ConnTable)
{
	fms_layout o, n;
	Map m("conns");

	fms_old_layout(&o);
	fms_new_layout(&n);
	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_FALSE(m.m.refused);
	EXPECT_EQ(m.m.old_size, o.size);
	EXPECT_EQ(m.m.new_size, n.size);
	EXPECT_EQ(m.copies(), (Copies{ { o.count, n.count, 4 },
				       { o.slots, n.slots, o.nslots * o.slot_size },
				       { o.refused, n.refused, 8 },
				       { o.accepted, n.accepted, 8 } }));
	EXPECT_EQ(m.lines(),
		  (Lines{ "conns.count: +0 -> +0, u32 (4 bytes)",
			  "conns.owner: new at " + at(n.owner) + ", zero (struct task *, 8 bytes)",
			  "conns.slots: " + at(o.slots) + " -> " + at(n.slots) +
				  ", struct conn[4] -> struct conn[8]: 4 elements carried over, "
				  "4 new (zero)",
			  "conns.stats.refused: " + at(o.refused) + " -> " + at(n.refused) +
				  ", long unsigned int (8 bytes)",
			  "conns.stats.accepted: " + at(o.accepted) + " -> " + at(n.accepted) +
				  ", long unsigned int (8 bytes)",
			  "conns.stats.timeouts: new at " + at(n.timeouts) +
				  ", zero (long unsigned int, 8 bytes)",
			  "conns.legacy: dropped (was at " + at(o.legacy) + ", int, 4 bytes)" }));
	EXPECT_EQ(m.summary(), "conns: field map, " + std::to_string(o.size) + " -> " +
				       std::to_string(n.size) + " bytes in 4 copies of " +
				       std::to_string(4 + o.nslots * o.slot_size + 16) +
				       " bytes; 2 new fields zero, 1 dropped");
}

// The other way, new to old: what was new is dropped, the array shrinks.
TEST(FieldMap, ConnTableBackwards)
{
	fms_layout o, n;
	Map m("conns", true);

	fms_old_layout(&o);
	fms_new_layout(&n);
	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.lines(),
		  (Lines{ "conns.count: +0 -> +0, u32 (4 bytes)",
			  "conns.slots: " + at(n.slots) + " -> " + at(o.slots) +
				  ", struct conn[8] -> struct conn[4]: 4 elements carried over, "
				  "4 dropped",
			  "conns.stats.accepted: " + at(n.accepted) + " -> " + at(o.accepted) +
				  ", long unsigned int (8 bytes)",
			  "conns.stats.refused: " + at(n.refused) + " -> " + at(o.refused) +
				  ", long unsigned int (8 bytes)",
			  "conns.stats.timeouts: dropped (was at " + at(n.timeouts) +
				  ", long unsigned int, 8 bytes)",
			  "conns.legacy: new at " + at(o.legacy) + ", zero (int, 4 bytes)",
			  "conns.owner: dropped (was at " + at(n.owner) + ", struct task *, 8 bytes)" }));
	EXPECT_EQ(m.copies()[1], (field_copy{ n.slots, o.slots, o.nslots * o.slot_size }));
}

TEST(FieldMap, SameLayoutIsOneCopy)
{
	Layout l(fieldmap_object("old"), "conns");
	field_map m;

	ASSERT_EQ(l.rc, 0) << l.err;
	ASSERT_EQ(field_map_derive(&l.l, &l.l, &m), 0) << m.reason;
	ASSERT_EQ(m.ncopies, 1u);
	EXPECT_EQ(m.copies[0], (field_copy{ 0, 0, l.l.type->size }));
	ASSERT_EQ(m.nfields, 1u);
	EXPECT_EQ(m.fields[0].fate, FIELD_COPIED);
	field_map_free(&m);
}

// `{ int a; long b; }` -> `{ int a; void *owner; long b; }`
TEST(FieldMap, FieldAddedInTheMiddle)
{
	Map m("added");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 8, 16, 8 } }));
	EXPECT_EQ(m.lines(), (Lines{ "added.a: +0 -> +0, int (4 bytes)",
				     "added.owner: new at +8, zero (void *, 8 bytes)",
				     "added.b: +8 -> +16, long int (8 bytes)" }));
	EXPECT_EQ(m.m.fields[1].fate, FIELD_NEW);
}

// `{ int a; int gone; int b; }` -> `{ int a; int b; }`
TEST(FieldMap, FieldRemoved)
{
	Map m("removed");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 8, 4, 4 } }));
	EXPECT_EQ(m.lines(), (Lines{ "removed.a: +0 -> +0, int (4 bytes)",
				     "removed.b: +8 -> +4, int (4 bytes)",
				     "removed.gone: dropped (was at +4, int, 4 bytes)" }));
	EXPECT_EQ(m.m.fields[2].fate, FIELD_DROPPED);
}

// `in { int p; int q; }` at +4 -> `in { int extra; int q; int p; }` at +4
TEST(FieldMap, NestedStructFieldsMoved)
{
	Map m("nested");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 8, 8, 4 }, { 4, 12, 4 } }));
	EXPECT_EQ(m.lines(), (Lines{ "nested.x: +0 -> +0, int (4 bytes)",
				     "nested.in.extra: new at +4, zero (int, 4 bytes)",
				     "nested.in.q: +8 -> +8, int (4 bytes)",
				     "nested.in.p: +4 -> +12, int (4 bytes)" }));
}

// `{ int n; short hist[4]; }` -> `hist[8]`: n and the 4 elements are
// contiguous on both sides, one copy; the other 4 stay zero.
TEST(FieldMap, ArrayGrown)
{
	Map m("grown");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 12 } }));
	EXPECT_EQ(m.m.new_size, 20u);
	EXPECT_EQ(m.lines(), (Lines{ "grown.n: +0 -> +0, int (4 bytes)",
				     "grown.hist: +4 -> +4, short int[4] -> short int[8]: 4 elements "
				     "carried over, 4 new (zero)" }));
	EXPECT_EQ(m.m.fields[1].fate, FIELD_ELEMENTS);
	EXPECT_EQ(m.m.fields[1].old_count, 4u);
	EXPECT_EQ(m.m.fields[1].new_count, 8u);
}

// `struct row { int a; } r[2]` -> `struct row { int a; int b; } r[3]`:
// each element mapped; the plan shows the first's fields.
TEST(FieldMap, ArrayOfChangedStructs)
{
	Map m("rows");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 4, 8, 4 } }));
	EXPECT_EQ(m.lines(), (Lines{ "rows.r: +0 -> +0, struct row[2] -> struct row[3]: 2 elements "
				     "carried over, 1 new (zero)",
				     "rows.r[0].a: +0 -> +0, int (4 bytes)",
				     "rows.r[0].b: new at +4, zero (int, 4 bytes)" }));
}

// `int cube[2][3][4]` -> `int cube[2][3][5]`: each row of 4 moves to its
// place in rows of 5.
TEST(FieldMap, InnerDimensionGrown)
{
	Map m("cube");
	Copies want;

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	for (uint64_t row = 0; row < 6; row++)
		want.push_back({ row * 16, row * 20, 16 });
	EXPECT_EQ(m.copies(), want);
	EXPECT_EQ(m.lines(), (Lines{ "cube: +0 -> +0, int[2][3][4] -> int[2][3][5]: 2 elements "
				     "carried over",
				     "cube[0]: +0 -> +0, int[3][4] -> int[3][5]: 3 elements carried "
				     "over",
				     "cube[0][0]: +0 -> +0, int[4] -> int[5]: 4 elements carried "
				     "over, 1 new (zero)" }));
}

// `unsigned int flags; long when;` -> `volatile flags_t flags; tick_t
// when; int added;`: the typedefs and the qualifier are the same layout.
TEST(FieldMap, TypedefdMembers)
{
	Map m("typedefd");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 8, 8, 8 } }));
	EXPECT_EQ(m.lines(), (Lines{ "typedefd.flags: +0 -> +0, unsigned int -> volatile flags_t "
				     "(4 bytes)",
				     "typedefd.when: +8 -> +8, long int -> tick_t (8 bytes)",
				     "typedefd.added: new at +16, zero (int, 4 bytes)" }));
}

TEST(FieldMap, UnchangedUnionCopiedWhole)
{
	Map m("unions");

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	EXPECT_EQ(m.copies(), (Copies{ { 0, 0, 4 }, { 4, 16, 4 } }));
	EXPECT_EQ(m.lines()[2], "unions.u: +4 -> +16, union <anonymous> (4 bytes)");
}

TEST(FieldMap, RefusedNamingTheFieldAndTypes)
{
	const std::string tail = "; the bundle must give a transfer function instead";
	struct Case {
		const char *name;
		std::string reason;
	} cases[] = {
		{ "retyped", "retyped.owner: int (4 bytes) became void * (8 bytes): a different kind "
			     "of value" },
		{ "widened", "widened.count: u32 (4 bytes) became u64 (8 bytes): a different size" },
		{ "resigned", "resigned.count: int (4 bytes) became unsigned int (4 bytes): the same "
			      "bits would mean another value (signedness, or integer and floating "
			      "point)" },
		{ "unionchg", "unionchg.v: union val (4 bytes) became union val (4 bytes): a union "
			      "whose members changed (a union is only copied whole)" },
		{ "bits", "bits.ready: a bitfield (1 bit) in the new layout: a field map copies "
			  "whole bytes" },
		{ "anon", "anon: its member at +16 (union <anonymous>) has no name, and fields are "
			  "matched by name" },
		{ "repointed", "repointed.p: int * (8 bytes) became long int * (8 bytes): pointers "
			       "to different types" },
		{ "flex", "flex.items: an array with no length in the DWARF (a flexible array "
			  "member): how much to copy is not known" },
	};

	for (const Case &c : cases) {
		Map m(c.name);

		EXPECT_EQ(m.rc, -1) << c.name;
		EXPECT_TRUE(m.m.refused) << c.name;
		EXPECT_EQ(std::string(m.m.reason), c.reason + tail);
		EXPECT_EQ(m.summary(), c.reason + tail);
	}
}

} // namespace
