/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The load generator (tools/loadgen) run against a RunningGuest from an
 * integration test: to completion, or in the background until the test
 * has done what it does under load (SIGINT stops it, and its report
 * covers everything it sent). Its JSON report is read back whole.
 */
#ifndef SV_TEST_LOADGEN_RUN_HH
#define SV_TEST_LOADGEN_RUN_HH

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "programs.hh"
#include "running_guest.hh"

struct Loadgen {
	int status = -1;
	std::string json, err;
};

inline std::string temp_path(const std::string &what)
{
	return "/tmp/sv-test-" + what + "-" + std::to_string(getpid());
}

inline std::vector<std::string> loadgen_argv(const RunningGuest &g, const std::string &mix,
					     uint64_t requests, const std::string &json)
{
	return { build_path("tools/loadgen"), "-s", g.socket(), "--mix", mix,
		 "--requests", std::to_string(requests), "--json", json };
}

// The report the run left in `json` (which is removed).
inline std::string take_report(const std::string &json)
{
	char *text = read_text_file(json.c_str());
	std::string report = text ? text : "";
	std::free(text);
	unlink(json.c_str());
	return report;
}

// Runs to completion; the JSON report path is the last argument.
inline Loadgen run_loadgen(const std::vector<std::string> &args, int timeout_s)
{
	ProgramRun run = run_program(args, timeout_s);
	Loadgen out;
	out.status = run.status;
	out.err = run.out + run.err;
	out.json = take_report(args.back());
	return out;
}

inline uint64_t field(const std::string &json, const char *path)
{
	uint64_t v = ~0ull;
	EXPECT_EQ(jf_u64(json.c_str(), path, &v), 0) << path << " in " << json;
	return v;
}

// Zero wrong, lost or rejected, and at least `requests` answered right.
inline void expect_all_right(const Loadgen &run, uint64_t requests)
{
	ASSERT_EQ(run.status, 0) << run.err;
	EXPECT_EQ(field(run.json, "wrong"), 0u) << run.json;
	EXPECT_EQ(field(run.json, "lost"), 0u) << run.json;
	EXPECT_EQ(field(run.json, "rejected_completions"), 0u) << run.json;
	EXPECT_GE(field(run.json, "ok"), requests) << run.json;
}

inline uint64_t served(RunningGuest &g)
{
	return field(g.request(R"({"cmd":"guest-stats"})"), "stats.ring.served");
}

// A PostMark-like load that runs until stop().
class BackgroundLoad {
public:
	// Returns once the guest has served requests of this load. The rate
	// (requests/s) leaves the sandbox's one emulated CPU time for the rest.
	bool start(RunningGuest &g, const std::string &tag, unsigned rate = 1000)
	{
		json_ = temp_path(tag + "-load.json");
		log_ = temp_path(tag + "-load.log");
		uint64_t before = served(g);
		std::vector<std::string> args = loadgen_argv(g, "postmark", 1ull << 40, json_);
		args.insert(args.end() - 2, { "--rate", std::to_string(rate) });
		pid_ = proc_spawn(c_argv(args).data(), log_.c_str());
		for (int i = 0; pid_ > 0 && i < 600; i++) {
			if (served(g) >= before + 200)
				return true;
			usleep(100000);
		}
		return false;
	}

	// Stops submitting, waits for the answers in flight, and reports.
	Loadgen stop()
	{
		Loadgen out;
		if (pid_ <= 0)
			return out;
		kill(pid_, SIGINT);
		out.status = proc_wait(pid_, 120);
		pid_ = -1;
		char *text = read_text_file(log_.c_str());
		out.err = text ? text : "";
		std::free(text);
		unlink(log_.c_str());
		out.json = take_report(json_);
		return out;
	}

	~BackgroundLoad()
	{
		if (pid_ > 0)
			stop();
	}

private:
	std::string json_, log_;
	pid_t pid_ = -1;
};

#endif
