// SPDX-License-Identifier: GPL-2.0-only
// Dynamic update from the host (issue 7) under load: each seed update's
// bundle applied and rolled back through swapctl, again and again, on 2
// and 4 vCPUs while the load generator's PostMark-like mix runs, with
// every answer right, the guest's view of versions following each step,
// and guest memory and live objects back at their baseline at the end.
// SV_PATCH_CYCLES sets the cycles per bundle (default 100; the soak
// script runs more).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "patch_guest.hh"

namespace {

unsigned cycles()
{
	const char *env = std::getenv("SV_PATCH_CYCLES");
	return env ? (unsigned)std::strtoul(env, nullptr, 10) : 100;
}

uint64_t objects_alive(PatchGuest &g)
{
	return field(g.request(R"({"cmd":"guest-stats"})"), "stats.memory.objects_alive");
}

class PatchUnderLoad : public ::testing::TestWithParam<unsigned> {};

TEST_P(PatchUnderLoad, EverySeedUpdateAppliesAndRollsBackWithEveryAnswerRight)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(GetParam(), "patch-load", &why)) << why;
	warm_up(g, "patch");
	ASSERT_FALSE(HasFatalFailure());
	uint64_t pages = g.free_pages(), objects = objects_alive(g);

	BackgroundLoad load;
	ASSERT_TRUE(load.start(g, "patch-load"));
	for (unsigned i = 0; i < cycles() && !HasFatalFailure(); i++)
		for (const SeedBundle &b : kSeeds) {
			SCOPED_TRACE(std::string(b.id) + " cycle " + std::to_string(i));
			apply_then_roll_back(g, b);
		}
	expect_all_right(load.stop(), 1);
	EXPECT_EQ(objects_alive(g), objects);
	EXPECT_EQ(g.free_pages(), pages);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

INSTANTIATE_TEST_SUITE_P(Vcpus, PatchUnderLoad, ::testing::Values(2u, 4u),
			 [](const auto &info) { return std::to_string(info.param) + "vcpus"; });

} // namespace
