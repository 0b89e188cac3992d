// SPDX-License-Identifier: GPL-2.0-only
// The machine API under real KVM: single-step, write protection, dirty
// logging, pause and resume. Each test boots a guest in this process.
#include <gtest/gtest.h>

#include "elf_symbols.h"
#include "machine_scenarios.h"
#include "paths.hh"

namespace {

TEST(Machine, SingleStepCountsEveryInstructionOfAKnownLoop)
{
	std::string kernel = guest_path("stepper");
	uint64_t start = elf_symbol(kernel.c_str(), "_start");
	uint64_t loop_end = elf_symbol(kernel.c_str(), "loop_end");
	ASSERT_NE(loop_end, 0u);

	uint64_t steps = 0, rip_after_batch = 0;
	ASSERT_EQ(scenario_single_step(kernel.c_str(), loop_end, 100000, &steps,
				       &rip_after_batch), 0);
	// mov, then dec + jnz for each of the 1000 iterations.
	EXPECT_EQ(steps, 1u + 2u * 1000u);
	EXPECT_EQ(rip_after_batch, loop_end);
	EXPECT_NE(start, loop_end);
}

TEST(Machine, ProtectedPageTrapsEveryWriteAndLetsTheHookDecide)
{
	std::string kernel = guest_path("protect");
	uint64_t page = elf_symbol(kernel.c_str(), "protected_page");
	ASSERT_NE(page, 0u);

	protect_result res;
	ASSERT_EQ(scenario_protect(kernel.c_str(), page, 0xdeadbeef, &res), 0);
	// 0: every applied write read back, the refused one left memory alone,
	// and the native reads saw the applied values.
	EXPECT_EQ(res.exit_status, 0);
	ASSERT_EQ(res.nwrites, 5u);
	const trapped_write expected[] = {
		{ page + 0, 0x11, 1, 0 },
		{ page + 2, 0x2233, 2, 0 },
		{ page + 4, 0x44556677, 4, 0 },
		{ page + 8, 0x8899aabbccddeeffull, 8, 0 },
		{ page + 16, 0xdeadbeef, 4, 0 },
	};
	for (unsigned i = 0; i < 5; i++) {
		EXPECT_EQ(res.writes[i].gpa, expected[i].gpa) << "write " << i;
		EXPECT_EQ(res.writes[i].len, expected[i].len) << "write " << i;
		EXPECT_EQ(res.writes[i].value, expected[i].value) << "write " << i;
		EXPECT_EQ(res.writes[i].cpu, 0u) << "write " << i;
	}
	// Only the writes exited; the 1000 reads of the page ran natively.
	EXPECT_EQ(res.mmio_exits, 5u);
}

TEST(Machine, DirtyLogShowsExactlyThePagesTheGuestWrote)
{
	std::string kernel = guest_path("dirty");
	uint64_t buffer = elf_symbol(kernel.c_str(), "dirty_buffer");
	ASSERT_NE(buffer, 0u);

	uint64_t dirty = 0, expected = 0;
	ASSERT_EQ(scenario_dirty_log(kernel.c_str(), buffer, 64, &dirty), 0);
	for (unsigned i = 0; i < 64; i += 3)
		expected |= 1ull << i;
	EXPECT_EQ(dirty, expected);
}

class PauseResume : public ::testing::TestWithParam<unsigned> {};

TEST_P(PauseResume, EveryVcpuStandsStillWhilePausedAndRunsAfter)
{
	std::string kernel = guest_path("spin");
	uint64_t ready = elf_symbol(kernel.c_str(), "ready");
	uint64_t progress = elf_symbol(kernel.c_str(), "progress");
	ASSERT_NE(ready, 0u);

	pause_result res;
	ASSERT_EQ(scenario_pause_resume(kernel.c_str(), GetParam(), ready, progress, &res), 0);
	EXPECT_TRUE(res.all_parked);
	EXPECT_TRUE(res.frozen);
	EXPECT_TRUE(res.moved_after_resume);
	EXPECT_GT(res.pause_ns, 0u);
}

INSTANTIATE_TEST_SUITE_P(Vcpus, PauseResume, ::testing::Values(1u, 2u, 4u));

} // namespace
