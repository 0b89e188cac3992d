// SPDX-License-Identifier: GPL-2.0-only
// Field-map layouts read from real files: the guest kernel (an executable,
// DWARF 5 as the guest build makes it) and a patch bundle (a relocatable
// object of several compilation units joined by `ld -r`, whose debug
// sections must be relocated before they can be read).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "field_map_fixture.h"

namespace {

std::string kernel()
{
	return std::getenv("SV_GUEST_KERNEL");
}

TEST(FieldMapGuest, KernelGlobalMapsOntoItselfAsOneCopy)
{
	Layout l(kernel(), "boot_buddy");
	field_map m;

	ASSERT_EQ(l.rc, 0) << l.err;
	EXPECT_EQ(std::string(l.l.type->name), "struct buddy_allocator");
	EXPECT_GT(l.l.type->nmembers, 5u);
	ASSERT_EQ(field_map_derive(&l.l, &l.l, &m), 0) << m.reason;
	ASSERT_EQ(m.ncopies, 1u);
	EXPECT_EQ(m.copies[0], (field_copy{ 0, 0, l.l.type->size }));
	field_map_free(&m);
}

// Declared `extern` in fcm_impl.h, defined in fcm_replicated.c: the
// definition's entry names neither the variable nor its type, only the
// declaration it completes (DW_AT_specification).
TEST(FieldMapGuest, DefinitionCompletingADeclaration)
{
	Layout l(kernel(), "fcm_replicated_kind");

	ASSERT_EQ(l.rc, 0) << l.err;
	EXPECT_EQ(std::string(l.l.type->name), "const struct fcm_kind_ops");
	EXPECT_EQ(l.l.type->cls, FIELD_STRUCT);
	EXPECT_GT(l.l.type->nmembers, 0u);
}

// `static uint64_t gdts[CPUS_MAX][5]`: one array type per dimension.
TEST(FieldMapGuest, TwoDimensionalArray)
{
	Layout l(kernel(), "gdts");

	ASSERT_EQ(l.rc, 0) << l.err;
	const field_type *t = l.l.type;
	ASSERT_EQ(t->cls, FIELD_ARRAY);
	ASSERT_EQ(t->elem->cls, FIELD_ARRAY);
	EXPECT_EQ(t->elem->count, 5u);
	EXPECT_EQ(std::string(t->elem->name), "uint64_t[5]");
	EXPECT_EQ(std::string(t->elem->elem->name), "uint64_t");
	EXPECT_EQ(std::string(t->name), "uint64_t[" + std::to_string(t->count) + "][5]");
	EXPECT_EQ(t->size, t->count * 5 * 8);
}

// `lock` is a static spinlock in several files: bound as links bind, it
// is ambiguous.
TEST(FieldMapGuest, LocalInSeveralUnitsIsRefused)
{
	Layout l(kernel(), "lock");

	EXPECT_EQ(l.rc, -1);
	EXPECT_NE(l.err.find(kernel() + ": variable lock is defined locally in "), std::string::npos)
		<< l.err;
	EXPECT_NE(l.err.find(" compilation units and never globally"), std::string::npos) << l.err;
}

// The manifest header (good.c, the first unit) has the ABI's fixed layout
// (sv/patch.h); `calls` is good_helper.c's, the second unit.
TEST(FieldMapGuest, BundleDwarfIsRelocated)
{
	std::string bundle = std::getenv("SV_GOOD_BUNDLE");
	Layout header(bundle, "sv_patch_header"), calls(bundle, "calls");

	ASSERT_EQ(header.rc, 0) << header.err;
	const field_type *t = header.l.type;
	EXPECT_EQ(std::string(t->name), "const struct sv_patch_header");
	EXPECT_EQ(t->size, 104u);
	ASSERT_EQ(t->nmembers, 4u);
	const char *names[] = { "magic", "version", "id", "description" };
	const uint64_t offsets[] = { 0, 4, 8, 40 };
	for (size_t i = 0; i < 4; i++) {
		EXPECT_EQ(std::string(t->members[i].name), names[i]);
		EXPECT_EQ(t->members[i].offset, offsets[i]) << names[i];
	}
	EXPECT_EQ(std::string(t->members[0].type->name), "uint32_t");
	ASSERT_EQ(calls.rc, 0) << calls.err;
	EXPECT_EQ(std::string(calls.l.type->name), "int");
	EXPECT_EQ(calls.l.type->size, 4u);
}

} // namespace
