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

using Swapctl = ProgramRun;

inline std::string bundle_path(const std::string &name)
{
	return build_path("tests/patches/" + name + ".svp");
}

inline std::string test_key_path()
{
	return build_path("tests/patches/patch-test.pub");
}

class PatchGuest : public RunningGuest {
public:
	bool start_trusting_test_key(unsigned cpus, const std::string &tag, std::string *why)
	{
		return start(cpus, tag, why, { "--patch-key", test_key_path() });
	}

	// `swapctl -s SOCKET [--json] patch ARGS...`, with `env` (NAME=VALUE
	// words) added to its environment.
	Swapctl patch(const std::vector<std::string> &args, bool json = false,
		      const std::vector<std::string> &env = {})
	{
		std::vector<std::string> full = { "/usr/bin/env" };
		full.insert(full.end(), env.begin(), env.end());
		full.insert(full.end(), { build_path("tools/swapctl"), "-s", socket() });
		if (json)
			full.push_back("--json");
		full.push_back("patch");
		full.insert(full.end(), args.begin(), args.end());
		return run_program(full, 600);
	}

	// The guest's view of classes, objects and modules (update-info).
	std::string update_info() { return request(R"({"cmd":"update-info"})"); }

	// Guest free pages once the heap caches are given back (guest-stats
	// settled), for memory back at its baseline.
	uint64_t free_pages()
	{
		return field(request(R"({"cmd":"guest-stats","settle":true})"),
			     "stats.memory.pages_free");
	}
};

#endif
