// SPDX-License-Identifier: GPL-2.0-only
// memslots_plan(): RAM split around write-protected ranges. Only the plan;
// installing it needs KVM and is covered by the kvm suite.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "memslots_shim.h"

namespace {

constexpr uint64_t kRam = 64ull << 20;
constexpr uint64_t kPage = 4096;

struct Plan {
	int err;
	std::vector<mss_slot> slots;
};

Plan plan(const std::vector<mss_range> &ranges, uint32_t ram_flags = 0,
	  uint64_t ram = kRam)
{
	std::vector<mss_slot> out(mss_slots_max());
	unsigned n = 0;
	int err = mss_plan(ram, ranges.data(), (unsigned)ranges.size(), ram_flags,
			   out.data(), &n);
	out.resize(n);
	return {err, out};
}

// The slots tile [0, ram) in address order with no empty slot, no gap and
// no overlap.
void expect_tiles_ram(const std::vector<mss_slot> &slots, uint64_t ram = kRam)
{
	uint64_t cursor = 0;
	for (size_t i = 0; i < slots.size(); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(slots[i].gpa, cursor) << "gap or overlap before slot";
		EXPECT_GT(slots[i].size, 0u);
		cursor = slots[i].gpa + slots[i].size;
	}
	EXPECT_EQ(cursor, ram);
}

void expect_slot(const mss_slot &s, uint64_t gpa, uint64_t size, uint32_t flags)
{
	EXPECT_EQ(s.gpa, gpa);
	EXPECT_EQ(s.size, size);
	EXPECT_EQ(s.flags, flags);
}

TEST(MemslotsPlan, NoRangesIsOneSlotOverAllRamWithTheRamFlags)
{
	for (uint32_t flags : {0u, mss_flag_log_dirty()}) {
		SCOPED_TRACE(flags);
		Plan p = plan({}, flags);
		ASSERT_EQ(p.err, 0);
		ASSERT_EQ(p.slots.size(), 1u);
		expect_slot(p.slots[0], 0, kRam, flags);
	}
}

TEST(MemslotsPlan, RangeInTheMiddleSplitsRamInThree)
{
	const uint32_t ro = mss_flag_readonly(), dirty = mss_flag_log_dirty();
	Plan p = plan({{0x200000, 0x3000}}, dirty);
	ASSERT_EQ(p.err, 0);
	ASSERT_EQ(p.slots.size(), 3u);
	expect_slot(p.slots[0], 0, 0x200000, dirty);
	// The read-only slot carries only KVM_MEM_READONLY, not the RAM
	// flags: the guest cannot dirty it.
	expect_slot(p.slots[1], 0x200000, 0x3000, ro);
	expect_slot(p.slots[2], 0x203000, kRam - 0x203000, dirty);
	expect_tiles_ram(p.slots);
}

TEST(MemslotsPlan, RangeAtTheVeryStartLeavesNoEmptySlotBefore)
{
	Plan p = plan({{0, 0x1000}});
	ASSERT_EQ(p.err, 0);
	ASSERT_EQ(p.slots.size(), 2u);
	expect_slot(p.slots[0], 0, 0x1000, mss_flag_readonly());
	expect_slot(p.slots[1], 0x1000, kRam - 0x1000, 0);
	expect_tiles_ram(p.slots);
}

TEST(MemslotsPlan, RangeAtTheVeryEndLeavesNoEmptySlotAfter)
{
	Plan p = plan({{kRam - 0x2000, 0x2000}});
	ASSERT_EQ(p.err, 0);
	ASSERT_EQ(p.slots.size(), 2u);
	expect_slot(p.slots[0], 0, kRam - 0x2000, 0);
	expect_slot(p.slots[1], kRam - 0x2000, 0x2000, mss_flag_readonly());
	expect_tiles_ram(p.slots);
}

TEST(MemslotsPlan, RangeCoveringAllRamIsOneReadOnlySlot)
{
	Plan p = plan({{0, kRam}});
	ASSERT_EQ(p.err, 0);
	ASSERT_EQ(p.slots.size(), 1u);
	expect_slot(p.slots[0], 0, kRam, mss_flag_readonly());
}

TEST(MemslotsPlan, AdjacentRangesBecomeAdjacentReadOnlySlots)
{
	const uint32_t ro = mss_flag_readonly();
	Plan p = plan({{0x10000, 0x1000}, {0x11000, 0x2000}});
	ASSERT_EQ(p.err, 0);
	ASSERT_EQ(p.slots.size(), 4u);
	expect_slot(p.slots[0], 0, 0x10000, 0);
	expect_slot(p.slots[1], 0x10000, 0x1000, ro);
	expect_slot(p.slots[2], 0x11000, 0x2000, ro);
	expect_slot(p.slots[3], 0x13000, kRam - 0x13000, 0);
	expect_tiles_ram(p.slots);
}

TEST(MemslotsPlan, UnsortedInputGivesTheSamePlanAsSorted)
{
	const uint32_t ro = mss_flag_readonly();
	std::vector<mss_range> sorted = {{0x1000, 0x1000}, {0x100000, 0x4000}, {0x800000, 0x1000}};
	std::vector<mss_range> shuffled = {sorted[2], sorted[0], sorted[1]};
	Plan a = plan(sorted), b = plan(shuffled);
	ASSERT_EQ(a.err, 0);
	ASSERT_EQ(b.err, 0);
	ASSERT_EQ(b.slots.size(), 7u);
	expect_slot(b.slots[0], 0, 0x1000, 0);
	expect_slot(b.slots[1], 0x1000, 0x1000, ro);
	expect_slot(b.slots[2], 0x2000, 0x100000 - 0x2000, 0);
	expect_slot(b.slots[3], 0x100000, 0x4000, ro);
	expect_slot(b.slots[4], 0x104000, 0x800000 - 0x104000, 0);
	expect_slot(b.slots[5], 0x800000, 0x1000, ro);
	expect_slot(b.slots[6], 0x801000, kRam - 0x801000, 0);
	expect_tiles_ram(b.slots);
	ASSERT_EQ(a.slots.size(), b.slots.size());
	for (size_t i = 0; i < a.slots.size(); i++)
		expect_slot(a.slots[i], b.slots[i].gpa, b.slots[i].size, b.slots[i].flags);
}

TEST(MemslotsPlan, OverlappingRangesAreRefused)
{
	// Partly overlapping, identical, one inside another; in either order.
	const std::vector<std::vector<mss_range>> cases = {
		{{0x10000, 0x3000}, {0x12000, 0x2000}},
		{{0x12000, 0x2000}, {0x10000, 0x3000}},
		{{0x10000, 0x1000}, {0x10000, 0x1000}},
		{{0x10000, 0x10000}, {0x14000, 0x1000}},
		{{0x14000, 0x1000}, {0x10000, 0x10000}},
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c[0].gpa);
		EXPECT_EQ(plan(c).err, -EEXIST);
	}
}

TEST(MemslotsPlan, UnalignedOrEmptyRangesAreInvalid)
{
	for (mss_range r : std::vector<mss_range>{{0x10001, 0x1000}, {0x10800, 0x1000},
						   {0x10000, 0x800}, {0x10000, 0x1001},
						   {0x10000, 0}}) {
		SCOPED_TRACE(r.gpa);
		SCOPED_TRACE(r.size);
		EXPECT_EQ(plan({r}).err, -EINVAL);
	}
}

TEST(MemslotsPlan, RangesOutsideRamAreOutOfRange)
{
	const uint64_t max_page = ~0ull & ~(kPage - 1);
	for (mss_range r : std::vector<mss_range>{
		     {kRam, 0x1000},              // starts at the end
		     {kRam + 0x10000, 0x1000},    // wholly beyond
		     {kRam - 0x1000, 0x2000},     // runs past the end
		     {0, kRam + 0x1000},          // larger than RAM
		     {0x1000, max_page},          // gpa + size wraps to 0
		     {max_page, 0x2000},          // gpa + size wraps past 0
		     {max_page, 0x1000},          // ends exactly at 2^64
	     }) {
		SCOPED_TRACE(r.gpa);
		SCOPED_TRACE(r.size);
		EXPECT_EQ(plan({r}).err, -ERANGE);
	}
}

TEST(MemslotsPlan, AtMostHalfTheSlotsCanBeReadOnly)
{
	// Every read-only range may need a writable slot before it, plus one
	// after the last: n ranges take up to 2n + 1 slots.
	const unsigned max_ranges = (mss_slots_max() - 1) / 2;
	std::vector<mss_range> ranges;
	for (unsigned i = 0; i < max_ranges; i++)
		ranges.push_back({0x10000 + i * 0x2000ull, 0x1000});
	Plan full = plan(ranges);
	ASSERT_EQ(full.err, 0);
	EXPECT_EQ(full.slots.size(), 2 * max_ranges + 1);
	EXPECT_EQ(full.slots.size(), mss_slots_max());
	expect_tiles_ram(full.slots);

	ranges.push_back({0x10000 + max_ranges * 0x2000ull, 0x1000});
	EXPECT_EQ(plan(ranges).err, -ENOSPC);
	while (ranges.size() < 64)
		ranges.push_back({0x10000 + ranges.size() * 0x2000ull, 0x1000});
	EXPECT_EQ(plan(ranges).err, -ENOSPC);

	// The limit is on ranges, as memslots.h documents, not on the slots
	// they happen to need: adjacent ranges from 0 would fit in fewer.
	std::vector<mss_range> adjacent;
	for (unsigned i = 0; i <= max_ranges; i++)
		adjacent.push_back({i * kPage, kPage});
	EXPECT_EQ(plan(adjacent).err, -ENOSPC);
	adjacent.pop_back();
	Plan fits = plan(adjacent);
	ASSERT_EQ(fits.err, 0);
	EXPECT_EQ(fits.slots.size(), max_ranges + 1);
	expect_tiles_ram(fits.slots);
}

TEST(MemslotsPlan, RemovingTheRangeRestoresTheOriginalSlot)
{
	const uint32_t dirty = mss_flag_log_dirty();
	Plan before = plan({}, dirty);
	Plan split = plan({{0x300000, 0x5000}}, dirty);
	Plan after = plan({}, dirty);
	ASSERT_EQ(before.err, 0);
	ASSERT_EQ(split.err, 0);
	ASSERT_EQ(after.err, 0);
	ASSERT_EQ(split.slots.size(), 3u);
	ASSERT_EQ(after.slots.size(), 1u);
	expect_slot(after.slots[0], before.slots[0].gpa, before.slots[0].size,
		    before.slots[0].flags);
	expect_slot(after.slots[0], 0, kRam, dirty);

	// Removing one of two: the other's split stays, the rest merges back.
	Plan two = plan({{0x300000, 0x5000}, {0x900000, 0x1000}}, dirty);
	Plan one = plan({{0x900000, 0x1000}}, dirty);
	ASSERT_EQ(two.err, 0);
	ASSERT_EQ(two.slots.size(), 5u);
	ASSERT_EQ(one.err, 0);
	ASSERT_EQ(one.slots.size(), 3u);
	expect_slot(one.slots[0], 0, 0x900000, dirty);
	expect_slot(one.slots[1], 0x900000, 0x1000, mss_flag_readonly());
	expect_slot(one.slots[2], 0x901000, kRam - 0x901000, dirty);
}

} // namespace
