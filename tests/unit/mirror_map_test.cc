// SPDX-License-Identifier: GPL-2.0-only
// The pure part of mirrors (vmm/mirror_map.c): a write into one copy as the
// byte ranges of the other, and the checks on a mirror's description.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mirror_map.h"

namespace {

// old: a(8) b(4) pad(4) c(2) d(2)   -> new: c(2) pad(6) a(8) e(4, added) b(4)
const mirror_copy kCopies[] = {
	{ 0, 8, 8 },   // a
	{ 8, 20, 4 },  // b
	{ 16, 0, 2 },  // c
	// d (old 18..20) was dropped
};
constexpr size_t kN = sizeof(kCopies) / sizeof(kCopies[0]);
constexpr uint64_t kOldSize = 20, kNewSize = 24;

std::vector<mirror_copy> Map(mirror_side side, uint64_t off, uint64_t len)
{
	mirror_copy out[8];
	size_t n = mirror_map_write(kCopies, kN, side, off, len, out, 8);

	return std::vector<mirror_copy>(out, out + (n < 8 ? n : 8));
}

TEST(MirrorMap, AWriteInsideOneFieldMovesToItsNewPlace)
{
	auto r = Map(MIRROR_OLD, 2, 4); // middle of a

	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0].old_off, 2u);
	EXPECT_EQ(r[0].new_off, 10u);
	EXPECT_EQ(r[0].len, 4u);
}

TEST(MirrorMap, AWriteAcrossFieldsSplitsPerField)
{
	auto r = Map(MIRROR_OLD, 6, 8); // end of a, all of b, 2 bytes of padding

	ASSERT_EQ(r.size(), 2u);
	EXPECT_EQ(r[0].old_off, 6u);
	EXPECT_EQ(r[0].new_off, 14u);
	EXPECT_EQ(r[0].len, 2u);
	EXPECT_EQ(r[1].old_off, 8u);
	EXPECT_EQ(r[1].new_off, 20u);
	EXPECT_EQ(r[1].len, 4u);
}

TEST(MirrorMap, UnmappedBytesMapToNothing)
{
	EXPECT_TRUE(Map(MIRROR_OLD, 12, 4).empty()); // padding
	EXPECT_TRUE(Map(MIRROR_OLD, 18, 2).empty()); // a dropped field
	EXPECT_TRUE(Map(MIRROR_NEW, 16, 4).empty()); // an added field
	EXPECT_TRUE(Map(MIRROR_NEW, 2, 6).empty());  // padding on the new side
}

TEST(MirrorMap, WritesIntoTheNewCopyMapBack)
{
	auto r = Map(MIRROR_NEW, 0, 8); // c and padding

	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0].old_off, 16u);
	EXPECT_EQ(r[0].new_off, 0u);
	EXPECT_EQ(r[0].len, 2u);
}

TEST(MirrorMap, CountsRangesBeyondTheOutputArray)
{
	mirror_copy out[1];

	EXPECT_EQ(mirror_map_write(kCopies, kN, MIRROR_OLD, 0, 20, out, 1), 3u);
	EXPECT_EQ(out[0].old_off, 0u);
	EXPECT_EQ(out[0].len, 8u);
}

// Every write of 1..8 bytes at every offset of either copy, mirrored into
// the other copy, leaves the mapped bytes of both equal: the property the
// VMM's hook relies on.
TEST(MirrorMap, EveryWriteKeepsTheMappedBytesEqual)
{
	for (int s = 0; s < 2; s++) {
		mirror_side side = s ? MIRROR_NEW : MIRROR_OLD;
		uint64_t size = s ? kNewSize : kOldSize;

		for (uint64_t len = 1; len <= 8; len++) {
			for (uint64_t off = 0; off + len <= size; off++) {
				uint8_t old_copy[kOldSize] = {}, new_copy[kNewSize] = {};
				uint8_t *written = s ? new_copy : old_copy;
				mirror_copy out[8];

				for (uint64_t i = 0; i < len; i++)
					written[off + i] = (uint8_t)(0xa0 + i);
				size_t n = mirror_map_write(kCopies, kN, side, off, len, out, 8);
				ASSERT_LE(n, len);
				for (size_t i = 0; i < n; i++) {
					if (s)
						memcpy(old_copy + out[i].old_off, new_copy + out[i].new_off, out[i].len);
					else
						memcpy(new_copy + out[i].new_off, old_copy + out[i].old_off, out[i].len);
				}
				for (const mirror_copy &c : kCopies)
					EXPECT_EQ(memcmp(old_copy + c.old_off, new_copy + c.new_off, c.len), 0)
						<< "side " << s << " off " << off << " len " << len;
			}
		}
	}
}

mirror_spec Spec(mirror_copy *copies, size_t n)
{
	return mirror_spec{ 0x10000, 0x20000, kOldSize, kNewSize, copies, n };
}

TEST(MirrorMap, TheMapOfAFieldLayoutPasses)
{
	std::vector<mirror_copy> copies(kCopies, kCopies + kN);
	mirror_spec spec = Spec(copies.data(), copies.size());
	char err[256] = "";

	EXPECT_EQ(mirror_spec_check(&spec, err, sizeof(err)), 0) << err;
}

TEST(MirrorMap, ChecksNameTheCopyAtFault)
{
	mirror_copy bad[] = { { 0, 0, 8 }, { 8, 8, 13 } };
	mirror_spec spec = Spec(bad, 2);
	char err[256];

	ASSERT_EQ(mirror_spec_check(&spec, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "copies[1] [8, 8, 13] runs past the old copy's 20 bytes or the new copy's 24");
	spec.old_size = 0;
	ASSERT_EQ(mirror_spec_check(&spec, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "a copy of 0 bytes (old_size 0, new_size 24)");
	spec = Spec(bad, 1);
	spec.new_gpa = 0x10010;
	ASSERT_EQ(mirror_spec_check(&spec, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "the old copy [0x10000, 0x10014) and the new copy [0x10010, 0x10028) overlap");
	spec.new_gpa = 0x10014; // adjacent
	EXPECT_EQ(mirror_spec_check(&spec, err, sizeof(err)), 0) << err;
	spec.new_gpa = ~0ull - 4;
	ASSERT_EQ(mirror_spec_check(&spec, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "the new copy at 0xfffffffffffffffb runs past the end of the 64-bit address space");
}

} // namespace
