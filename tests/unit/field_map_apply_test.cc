// SPDX-License-Identifier: GPL-2.0-only
// Running conns's field map (old.c's struct conn_table to new.c's) on
// bytes: copies filled and read by field name through the same layouts
// compiled into the test (field_map_shim.h), and trapped writes mirrored
// from either copy to the other.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "field_map_fixture.h"
#include "field_map_shim.h"

namespace {

using Bytes = std::vector<uint8_t>;

fms_conns sample()
{
	fms_conns v{};

	v.count = 3;
	for (unsigned i = 0; i < FMS_SLOTS_MAX; i++) {
		v.id[i] = 100 + i;
		v.state[i] = 200 + i;
		v.peer[i] = 0xffff888000001000ull + 0x40 * i;
	}
	v.owner = 0xffff888000fe0000ull;
	v.accepted = 7;
	v.refused = 9;
	v.timeouts = 11;
	v.legacy = -5;
	return v;
}

// An old copy holding v, its padding 0xa5.
Bytes old_copy(const field_map &m, const fms_conns &v)
{
	Bytes b(m.old_size, 0xa5);

	fms_old_store(&v, b.data());
	return b;
}

bool copied(const field_map &m, size_t new_off)
{
	for (size_t i = 0; i < m.ncopies; i++)
		if (new_off >= m.copies[i].new_off && new_off < m.copies[i].new_off + m.copies[i].size)
			return true;
	return false;
}

TEST(FieldMapApply, BuildsTheNewCopyFieldByField)
{
	Map m("conns");
	fms_conns v = sample(), got;
	fms_layout o;

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	fms_old_layout(&o);
	Bytes from = old_copy(m.m, v), to(m.m.new_size, 0x5a);
	field_map_apply(&m.m, from.data(), to.data());
	fms_new_load(to.data(), &got);
	EXPECT_EQ(got.count, v.count);
	EXPECT_EQ(got.owner, 0u) << "new: zero";
	for (unsigned i = 0; i < FMS_SLOTS_MAX; i++) {
		bool kept = i < o.nslots;

		EXPECT_EQ(got.id[i], kept ? v.id[i] : 0) << i;
		EXPECT_EQ(got.state[i], kept ? v.state[i] : 0) << i;
		EXPECT_EQ(got.peer[i], kept ? v.peer[i] : 0) << i;
	}
	EXPECT_EQ(got.accepted, v.accepted);
	EXPECT_EQ(got.refused, v.refused);
	EXPECT_EQ(got.timeouts, 0u) << "new: zero";
	// Padding and new fields: nothing of the old copy's 0xa5, nor of 0x5a.
	for (size_t i = 0; i < to.size(); i++)
		EXPECT_TRUE(copied(m.m, i) || to[i] == 0) << "+" << i;
}

TEST(FieldMapApply, ReverseLeavesDroppedFields)
{
	Map m("conns");
	fms_conns v = sample(), changed = sample(), got;
	fms_layout o;

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	fms_old_layout(&o);
	Bytes old_bytes = old_copy(m.m, v), new_bytes(m.m.new_size, 0);
	changed.count = 4;
	changed.id[3] = 999;
	changed.id[5] = 555;
	changed.refused = 10;
	changed.timeouts = 1;
	fms_new_store(&changed, new_bytes.data());
	field_map_reverse(&m.m, new_bytes.data(), old_bytes.data());
	fms_old_load(old_bytes.data(), &got);
	EXPECT_EQ(got.count, 4u);
	EXPECT_EQ(got.id[3], 999u);
	EXPECT_EQ(got.refused, 10u);
	EXPECT_EQ(got.accepted, v.accepted);
	EXPECT_EQ(got.legacy, v.legacy) << "dropped: the old copy keeps it";
	for (unsigned i = 0; i < o.nslots; i++)
		EXPECT_EQ(got.peer[i], v.peer[i]) << i;
}

std::vector<field_copy> write(const field_map &m, field_side side, uint64_t off, uint64_t len,
			      size_t max = 8)
{
	std::vector<field_copy> out(max);
	size_t n = field_map_write(&m, side, off, len, out.data(), max);

	out.resize(n < max ? n : max);
	return out;
}

TEST(FieldMapWrite, WritesMapToTheOtherCopysOffsets)
{
	Map m("conns");
	fms_layout o, n;

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	fms_old_layout(&o);
	fms_new_layout(&n);
	using Copies = std::vector<field_copy>;
	EXPECT_EQ(write(m.m, FIELD_OLD_SIDE, o.refused, 8),
		  (Copies{ { o.refused, n.refused, 8 } }));
	// Two bytes in the middle of slots[1].state.
	uint64_t state1 = o.slots + o.slot_size + o.slot_state + 1;
	EXPECT_EQ(write(m.m, FIELD_OLD_SIDE, state1, 2),
		  (Copies{ { state1, n.slots + n.slot_size + n.slot_state + 1, 2 } }));
	// One store over both counters, which swapped places.
	EXPECT_EQ(write(m.m, FIELD_OLD_SIDE, o.accepted, 16),
		  (Copies{ { o.refused, n.refused, 8 }, { o.accepted, n.accepted, 8 } }));
	EXPECT_EQ(write(m.m, FIELD_NEW_SIDE, n.refused, 16),
		  (Copies{ { o.refused, n.refused, 8 }, { o.accepted, n.accepted, 8 } }));
	// Dropped, new, and the new copy's grown tail: nothing to mirror.
	EXPECT_TRUE(write(m.m, FIELD_OLD_SIDE, o.legacy, 4).empty());
	EXPECT_TRUE(write(m.m, FIELD_NEW_SIDE, n.owner, 8).empty());
	EXPECT_TRUE(write(m.m, FIELD_NEW_SIDE, n.slots + 5 * n.slot_size, 8).empty());
	// Too little room: the count still says how many there are.
	field_copy one;
	EXPECT_EQ(field_map_write(&m.m, FIELD_OLD_SIDE, o.accepted, 16, &one, 1), 2u);
	EXPECT_EQ(one, (field_copy{ o.refused, n.refused, 8 }));
}

// Every write of 1 to 16 bytes anywhere in one copy, mirrored through
// field_map_write, leaves the copies as building one from the other would.
TEST(FieldMapWrite, MirroredWritesKeepTheCopiesInStep)
{
	Map m("conns");
	fms_conns v = sample();

	ASSERT_EQ(m.rc, 0) << m.m.reason;
	Bytes old_bytes = old_copy(m.m, v), new_bytes(m.m.new_size);
	field_map_apply(&m.m, old_bytes.data(), new_bytes.data());
	uint8_t pattern = 1;
	for (int side = FIELD_OLD_SIDE; side <= FIELD_NEW_SIDE; side++) {
		Bytes &written = side == FIELD_OLD_SIDE ? old_bytes : new_bytes;
		Bytes &other = side == FIELD_OLD_SIDE ? new_bytes : old_bytes;

		for (size_t off = 0; off < written.size(); off++)
			for (size_t len = 1; len <= 16 && off + len <= written.size(); len++) {
				memset(&written[off], pattern++, len);
				for (const field_copy &c : write(m.m, (field_side)side, off, len, 16)) {
					if (side == FIELD_OLD_SIDE)
						memcpy(&other[c.new_off], &written[c.old_off], c.size);
					else
						memcpy(&other[c.old_off], &written[c.new_off], c.size);
				}
				Bytes want = other;
				if (side == FIELD_OLD_SIDE)
					field_map_apply(&m.m, old_bytes.data(), want.data());
				else
					field_map_reverse(&m.m, new_bytes.data(), want.data());
				ASSERT_EQ(other, want) << "write of " << len << " at +" << off;
			}
	}
}

} // namespace
