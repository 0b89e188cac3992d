/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test bundles (tests/patches, signed with the build's test key),
 * swapctl's patch commands run on them as a user runs them (the monitor
 * is swapctl itself), and what they leave in the journal directory
 * SOCKET.patches (patcher/journal.h).
 */
#ifndef SV_TEST_SWAPCTL_PATCH_HH
#define SV_TEST_SWAPCTL_PATCH_HH

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "json_fields.h"
#include "paths.hh"
#include "programs.hh"

inline bool has(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

// A test bundle (tests/patches) and how update-info shows it.
struct SeedBundle {
	const char *file, *id;
	// A fragment of update-info that holds exactly while it is applied.
	const char *applied, *rolled_back;
};

inline const SeedBundle kSeeds[] = {
	{ "descriptor_lock", "descriptor-lock",
	  R"({"name":"descriptor_allocator","version":1})",
	  R"({"name":"descriptor_allocator","version":0})" },
	{ "fcm_unmap_check", "fcm-unmap-check", R"({"name":"fcm","version":1)",
	  R"({"name":"fcm","version":0)" },
	{ "partitioned_region", "partitioned-region", R"("partitioned-region")",
	  R"("services":[)" },
};

inline const SeedBundle &seed(const std::string &file)
{
	return *std::find_if(std::begin(kSeeds), std::end(kSeeds),
			     [&](const SeedBundle &b) { return file == b.file; });
}

inline std::string bundle_path(const std::string &name)
{
	return build_path("tests/patches/" + name + ".svp");
}

inline std::string test_key_path()
{
	return build_path("tests/patches/patch-test.pub");
}

// `swapctl -s SOCKET [--json] patch ARGS...`, with `env` (NAME=VALUE
// words) added to its environment.
inline ProgramRun swapctl_patch(const std::string &socket, const std::vector<std::string> &args,
				bool json = false, const std::vector<std::string> &env = {})
{
	std::vector<std::string> full = { "/usr/bin/env" };
	full.insert(full.end(), env.begin(), env.end());
	full.insert(full.end(), { build_path("tools/swapctl"), "-s", socket });
	if (json)
		full.push_back("--json");
	full.push_back("patch");
	full.insert(full.end(), args.begin(), args.end());
	return run_program(full, 600);
}

// The lines of the newest journal of patch `id` (SOCKET.patches/NNNN-ID.journal).
inline std::vector<std::string> patch_journal(const std::string &socket, const std::string &id)
{
	std::string suffix = "-" + id + ".journal", newest;
	std::vector<std::string> lines;

	for (const auto &e : std::filesystem::directory_iterator(socket + ".patches")) {
		std::string name = e.path().filename();
		if (name.size() > suffix.size() &&
		    name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
			newest = std::max(newest, e.path().string());
	}
	std::ifstream in(newest);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

// Whether the journal reached "committing": from there on a restarted
// monitor commits the patch instead of rolling it back.
inline bool reached_committing(const std::vector<std::string> &journal)
{
	return std::any_of(journal.begin(), journal.end(), [](const std::string &line) {
		return has(line, R"("state":"committing")");
	});
}

// The state `patch list` gives the newest record of `id`; being a fresh
// monitor, it first finishes what a killed one left.
inline std::string listed_state(const std::string &socket, const std::string &id)
{
	ProgramRun list = swapctl_patch(socket, { "list" }, true);
	std::string state = "(not listed: " + list.out + list.err + ")";
	std::istringstream lines(list.out);
	char got[64];

	for (std::string line; std::getline(lines, line);)
		if (jf_string(line.c_str(), "event", got, sizeof(got)) == 0 &&
		    std::string(got) == "patch" &&
		    jf_string(line.c_str(), "id", got, sizeof(got)) == 0 && id == got &&
		    jf_string(line.c_str(), "state", got, sizeof(got)) == 0)
			state = got;
	return state;
}

// Runs `swapctl patch args` with SV_JOURNAL_CRASH_AFTER=n: true if it was
// killed right after writing its n-th line to patch id's journal, false
// if it finished first, having written fewer (an apply's count of
// INSTANCES steps follows the instances there are).
inline bool killed_after(const std::string &socket, const std::string &id,
			 const std::vector<std::string> &args, size_t n)
{
	size_t before = args[0] == "apply" ? 0 : patch_journal(socket, id).size();
	ProgramRun run =
		swapctl_patch(socket, args, false, { "SV_JOURNAL_CRASH_AFTER=" + std::to_string(n) });
	size_t wrote = patch_journal(socket, id).size() - before;

	if (run.status == 0) {
		EXPECT_LT(wrote, n) << "not killed after journal line " << n << ": " << run.out;
		return false;
	}
	EXPECT_EQ(run.status, 128 + SIGKILL) << run.out << run.err;
	EXPECT_EQ(wrote, n) << "killed after journal line " << n;
	return true;
}

#endif
