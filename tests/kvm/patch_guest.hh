/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The default guest running with the test bundles' key trusted
 * (tests/patches/meson.build), and swapctl's patch commands run against
 * it as a user would run them: the monitor is swapctl itself, its journal
 * in SOCKET.patches.
 */
#ifndef SV_TEST_PATCH_GUEST_HH
#define SV_TEST_PATCH_GUEST_HH

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loadgen_run.hh"
#include "running_guest.hh"
#include "swapctl_patch.hh"

using Swapctl = ProgramRun;

class PatchGuest : public RunningGuest {
public:
	bool start_trusting_test_key(unsigned cpus, const std::string &tag, std::string *why)
	{
		return start(cpus, tag, why, { "--patch-key", test_key_path() });
	}

	// `swapctl -s SOCKET [--json] patch ARGS...` (swapctl_patch).
	Swapctl patch(const std::vector<std::string> &args, bool json = false,
		      const std::vector<std::string> &env = {})
	{
		return swapctl_patch(socket(), args, json, env);
	}

	// The guest's view of classes, objects and modules (update-info).
	std::string update_info() { return request(R"({"cmd":"update-info"})"); }

	// Whether update-info shows b applied (its fragment, its module
	// loaded) or rolled back (the other fragment, no module of it).
	::testing::AssertionResult shows(const SeedBundle &b, bool applied)
	{
		std::string info = update_info();
		bool loaded = has(info, R"("id":")" + std::string(b.id) + '"');

		if (has(info, applied ? b.applied : b.rolled_back) && loaded == applied)
			return ::testing::AssertionSuccess();
		return ::testing::AssertionFailure()
		       << b.id << (applied ? " not applied" : " not rolled back")
		       << (loaded ? " (its module is loaded)" : " (no module of it)") << ": " << info;
	}

	std::vector<std::string> journal(const std::string &id) const
	{
		return patch_journal(socket(), id);
	}

	std::string listed_state(const std::string &id) { return ::listed_state(socket(), id); }

	// Guest free pages once the heap caches are given back (guest-stats
	// settled), for memory back at its baseline.
	uint64_t free_pages()
	{
		return field(request(R"({"cmd":"guest-stats","settle":true})"),
			     "stats.memory.pages_free");
	}
};

// `patch apply` of b, committed and shown applied.
inline void apply_ok(PatchGuest &g, const SeedBundle &b)
{
	Swapctl apply = g.patch({ "apply", bundle_path(b.file) });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	ASSERT_TRUE(has(apply.out, "committed " + std::string(b.id))) << apply.out;
	ASSERT_TRUE(g.shows(b, true));
}

// `patch rollback` of b, rolled back and shown so.
inline void roll_back_ok(PatchGuest &g, const SeedBundle &b)
{
	Swapctl rollback = g.patch({ "rollback", b.id });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	ASSERT_TRUE(has(rollback.out, "rolled back " + std::string(b.id))) << rollback.out;
	ASSERT_TRUE(g.shows(b, false));
}

inline void apply_then_roll_back(PatchGuest &g, const SeedBundle &b)
{
	apply_ok(g, b);
	if (!::testing::Test::HasFatalFailure())
		roll_back_ok(g, b);
}

// A first round of every seed bundle, under load, fills the guest's
// caches (heap, patch area, file system), so that the free pages measured
// afterwards, with no load running, are the baseline to come back to.
inline void warm_up(PatchGuest &g, const std::string &tag)
{
	BackgroundLoad load;
	ASSERT_TRUE(load.start(g, tag + "-warm-up"));
	for (const SeedBundle &b : kSeeds)
		apply_then_roll_back(g, b);
	expect_all_right(load.stop(), 1);
}

#endif
