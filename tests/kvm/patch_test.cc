// SPDX-License-Identifier: GPL-2.0-only
// Dynamic update from the host (issue 7) under load: each seed update's
// bundle applied and rolled back through swapctl, again and again, on 2
// and 4 vCPUs while the load generator's PostMark-like mix runs, with
// every answer right, the guest's view of versions following each step,
// and guest memory and live objects back at their baseline at the end.
// SV_PATCH_CYCLES sets the cycles per bundle: 20 by default (the kvm
// suite, sized for CI's time budget), 100 in the `soak` suite.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "patch_guest.hh"

namespace {

unsigned cycles()
{
	const char *env = std::getenv("SV_PATCH_CYCLES");
	return env ? (unsigned)std::strtoul(env, nullptr, 10) : 20;
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

// A step the guest never answers (stuck_root.c's new root never comes):
// the monitor names where the vCPUs are, the patch's own code among them,
// and the patch is left rolling back (the guest's update engine is still
// busy with the stuck step), for the next monitor to finish.
TEST(PatchSilence, AStepTheGuestNeverAnswersIsNamedAndLeftRollingBack)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "patch-silence", &why)) << why;
	Swapctl apply = g.patch({ "apply", "--timeout", "1", bundle_path("stuck_root") });
	EXPECT_NE(apply.status, 0);
	EXPECT_TRUE(has(apply.err, "did not answer")) << apply.err;
	EXPECT_TRUE(has(apply.err, "patch stuck-root code+")) << apply.err;
	EXPECT_TRUE(has(apply.err, "another patch step is running")) << apply.err;

	// Every later command says so, and apply refuses, naming it.
	Swapctl list = g.patch({ "list" });
	EXPECT_EQ(list.status, 0) << list.err;
	EXPECT_TRUE(has(list.out, "patch stuck-root stays rolling-back")) << list.out;
	Swapctl other = g.patch({ "apply", bundle_path("partitioned_region") });
	EXPECT_NE(other.status, 0);
	EXPECT_TRUE(has(other.err, "patch stuck-root is still rolling-back")) << other.err;
	std::string info = g.update_info();
	EXPECT_TRUE(has(info, R"({"name":"descriptor_allocator","version":0})")) << info;
	expect_all_right(run_loadgen(loadgen_argv(g, "postmark", 500, temp_path("silence.json")),
				     300), 500);
	g.stop();
}

} // namespace
