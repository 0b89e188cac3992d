// SPDX-License-Identifier: GPL-2.0-only
// Mirrors under KVM (docs/control-protocol.md, vmm/mirror.c) against the
// mirror guest: every vCPU writes its record of the old copy with plain
// stores (and one field through the new copy); the test mirrors the old
// layout onto the new one (tests/guests/mirror_layout.h), and while paused
// finds every mapped byte equal in both copies, each record a consistent
// step of its writer, and the added field still zero; then stops the
// mirror and checks that writes no longer trap.
#include <cstddef>

#include "test_guest_vm.hh"

#include "../guests/mirror_layout.h"

namespace {

constexpr unsigned kCpus = 2;

struct Field {
	size_t old_off, new_off, len;
};

const Field kFields[] = {
	{ offsetof(old_rec, seq), offsetof(new_rec, seq), 8 },
	{ offsetof(old_rec, a), offsetof(new_rec, a), 4 },
	{ offsetof(old_rec, b), offsetof(new_rec, b), 2 },
	{ offsetof(old_rec, c), offsetof(new_rec, c), 1 },
	{ offsetof(old_rec, back), offsetof(new_rec, back), 4 },
};

std::string CopiesJson()
{
	std::string s = "[";
	for (unsigned i = 0; i < MIRROR_SLOTS; i++)
		for (const Field &f : kFields)
			s += std::string(s.size() > 1 ? "," : "") + "[" +
			     std::to_string(i * sizeof(old_rec) + f.old_off) + "," +
			     std::to_string(i * sizeof(new_rec) + f.new_off) + "," +
			     std::to_string(f.len) + "]";
	return s + "]";
}

uint64_t Le(const std::vector<uint8_t> &b, size_t off, size_t len)
{
	uint64_t v = 0;
	for (size_t i = len; i-- > 0;)
		v = v << 8 | b[off + i];
	return v;
}

class Mirror : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string why;
		ASSERT_TRUE(vm_.start("mirror", kCpus, &why)) << why;
		old_ = vm_.symbol("old_copy");
		new_ = vm_.symbol("new_copy");
		stats_ = vm_.symbol("guest_stats");
		ASSERT_TRUE(vm_.wait_nonzero(vm_.symbol("ready"))) << vm_.log();
		for (unsigned cpu = 0; cpu < kCpus; cpu++)
			ASSERT_TRUE(vm_.wait_nonzero(stats_ + cpu * sizeof(mirror_guest_stats)));
	}

	std::string start_request(uint64_t old_gpa, uint64_t new_gpa)
	{
		char head[160];
		snprintf(head, sizeof(head),
			 R"({"cmd":"mirror-start","old":"0x%llx","new":"0x%llx","old_size":%zu,"new_size":%zu,"copies":)",
			 (unsigned long long)old_gpa, (unsigned long long)new_gpa,
			 MIRROR_SLOTS * sizeof(old_rec), sizeof(new_copy_t));
		return head + CopiesJson() + "}";
	}

	// Paused: the mapped bytes equal, each record n n ... n-1 n-1 in
	// write order, the added field zero.
	void check_copies_paused()
	{
		ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})")));
		std::vector<uint8_t> o = vm_.read(old_, MIRROR_SLOTS * sizeof(old_rec));
		std::vector<uint8_t> n = vm_.read(new_, sizeof(new_copy_t));
		ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"resume"})")));
		ASSERT_EQ(o.size(), MIRROR_SLOTS * sizeof(old_rec));
		ASSERT_EQ(n.size(), sizeof(new_copy_t));
		for (unsigned i = 0; i < MIRROR_SLOTS; i++) {
			size_t ob = i * sizeof(old_rec), nb = i * sizeof(new_rec);
			for (const Field &f : kFields)
				EXPECT_EQ(Le(o, ob + f.old_off, f.len), Le(n, nb + f.new_off, f.len))
					<< "slot " << i << " field at old offset " << f.old_off;
			EXPECT_EQ(Le(n, nb + offsetof(new_rec, added), 8), 0u) << "slot " << i;
			if (i < kCpus)
				expect_one_step(o, ob, i);
		}
	}

	// Waits until every writer has gone round its loop twice more, so each
	// record has been written whole under the mirror.
	void wait_every_writer()
	{
		for (unsigned cpu = 0; cpu < kCpus; cpu++) {
			uint64_t at = stats_ + cpu * sizeof(mirror_guest_stats);
			uint64_t from = vm_.read_u64(at);
			for (int i = 0; i < 6000 && vm_.read_u64(at) < from + 2; i++)
				std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
	}

	// The writer stores seq, a, b, c, back = n in that order: some prefix
	// holds n, the rest n - 1 (truncated to each field's width).
	static void expect_one_step(const std::vector<uint8_t> &o, size_t base, unsigned cpu)
	{
		uint64_t n = Le(o, base + kFields[0].old_off, 8);
		bool older = false;
		ASSERT_GT(n, 0u) << "cpu " << cpu;
		for (const Field &f : kFields) {
			uint64_t mask = f.len == 8 ? ~0ull : (1ull << (8 * f.len)) - 1;
			uint64_t v = Le(o, base + f.old_off, f.len);
			if (!older && v != (n & mask))
				older = true;
			EXPECT_EQ(v, (older ? n - 1 : n) & mask)
				<< "cpu " << cpu << " field at " << f.old_off << " seq " << n;
		}
	}

	uint64_t mmio_exits()
	{
		std::string r = vm_.request(R"({"cmd":"status"})");
		uint64_t sum = 0;
		for (unsigned cpu = 0; cpu < kCpus; cpu++)
			sum += json_u64(r, ("cpus." + std::to_string(cpu) + ".exits.mmio").c_str(), 0);
		return sum;
	}

	using new_copy_t = new_rec[MIRROR_SLOTS];
	TestGuestVm vm_;
	uint64_t old_ = 0, new_ = 0, stats_ = 0;
};

TEST_F(Mirror, BothCopiesSeeEveryWriteUntilStopped)
{
	auto started = std::chrono::steady_clock::now();
	std::string r = vm_.request(start_request(old_, new_));
	ASSERT_TRUE(json_ok(r)) << r;
	uint64_t id = json_u64(r, "mirror");
	ASSERT_EQ(id, 1u);

	uint64_t trapped = 0;
	for (int round = 0; round < 3; round++) {
		wait_every_writer();
		check_copies_paused();
		r = vm_.request(R"({"cmd":"mirror-stats","mirror":1})");
		ASSERT_TRUE(json_ok(r)) << r;
		EXPECT_GT(json_u64(r, "trapped"), trapped) << "round " << round << ": " << r;
		trapped = json_u64(r, "trapped");
		EXPECT_GT(json_u64(r, "mirrored_bytes"), 0u);
		EXPECT_GT(json_u64(r, "trap_ns"), 0u);
	}
	EXPECT_GT(json_u64(r, "passed"), 0u) << r; // the neighbour words

	// Cost: the hook's own time per write, and the wall time per trapped
	// write (every vCPU's exits share the machine, so this is what one
	// costs the guest: KVM's exit and emulation plus the hook).
	uint64_t wall_ns = (uint64_t)std::chrono::duration_cast<std::chrono::nanoseconds>(
				   std::chrono::steady_clock::now() - started).count();
	uint64_t writes = trapped + json_u64(r, "passed");
	std::cout << "[ measure  ] " << trapped << " trapped and " << json_u64(r, "passed")
		  << " passed writes: hook " << json_u64(r, "trap_ns") / writes
		  << " ns per write, wall " << wall_ns / writes << " ns per write\n";

	r = vm_.request(R"({"cmd":"mirror-stop","mirror":1})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_GE(json_u64(r, "trapped"), trapped);

	uint64_t before = mmio_exits();
	uint64_t iterations = vm_.read_u64(stats_ + offsetof(mirror_guest_stats, iterations));
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	EXPECT_EQ(mmio_exits(), before); // nothing traps any more
	EXPECT_GT(vm_.read_u64(stats_ + offsetof(mirror_guest_stats, iterations)), iterations);

	r = vm_.request(R"({"cmd":"mirror-stats","mirror":1})");
	EXPECT_EQ(json_str(r, "error"), "mirror-stats: no mirror 1 is running") << r;
	r = vm_.request(R"({"cmd":"mirror-stop","mirror":1})");
	EXPECT_EQ(json_str(r, "error"), "mirror-stop: no mirror 1 is running") << r;
}

TEST_F(Mirror, RefusesPagesAlreadyMirroredAndCopiesOutsideRam)
{
	std::string r = vm_.request(start_request(old_, new_));
	ASSERT_TRUE(json_ok(r)) << r;

	// The same old copy onto another new one: its pages are protected.
	uint64_t iterations = vm_.read_u64(stats_ + offsetof(mirror_guest_stats, iterations));
	r = vm_.request(start_request(old_, stats_));
	EXPECT_GE(vm_.read_u64(stats_ + offsetof(mirror_guest_stats, iterations)), iterations);
	EXPECT_NE(json_str(r, "error").find("some are protected already"), std::string::npos) << r;
	r = vm_.request(start_request(old_, 0xfff0000000ull));
	EXPECT_NE(json_str(r, "error").find("the new copy [0xfff0000000"), std::string::npos) << r;
	EXPECT_NE(json_str(r, "error").find("is outside guest RAM"), std::string::npos) << r;

	// The refusals left the first mirror running and the memory they
	// named alone; once it stops, its pages can be mirrored again, under
	// the next id.
	r = vm_.request(R"({"cmd":"mirror-stats","mirror":1})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_GT(json_u64(r, "trapped"), 0u);
	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"mirror-stop","mirror":1})")));
	r = vm_.request(start_request(old_, new_));
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "mirror"), 2u); // refused starts took no id
	wait_every_writer();
	check_copies_paused();
}

} // namespace
