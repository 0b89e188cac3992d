// SPDX-License-Identifier: GPL-2.0-only
// The load generator's core (tools/loadgen) against the fake guest: every
// mix runs clean over several queues, and its verification catches a
// guest that returns wrong content, a wrong size, drops a request or
// answers with an invalid completion.
#include <gtest/gtest.h>

#include "loadgen_shim.h"

namespace {

constexpr int kPostmark = 0, kSdet = 1, kMalformed = 2;
constexpr uint32_t kOpAppend = 4, kOpRead = 5;

lgs_config Config(int mix)
{
	lgs_config c{};

	c.mix = mix;
	c.queues = 3;
	c.concurrency = 4;
	c.files = 24;
	c.requests = 1500;
	c.lost_after_ms = 2000;
	return c;
}

void ExpectClean(const lgs_result &r)
{
	ASSERT_EQ(r.ret, 0);
	EXPECT_EQ(r.wrong, 0u) << r.first_error;
	EXPECT_EQ(r.lost, 0u) << r.first_error;
	EXPECT_EQ(r.rejected, 0u) << r.first_error;
	EXPECT_EQ(r.errors, 0u) << r.first_error;
	EXPECT_EQ(r.ok, r.requests);
	EXPECT_EQ(r.guest_served, r.requests);
}

TEST(Loadgen, PostmarkRunsClean)
{
	lgs_result r = lgs_run(&(const lgs_config &)Config(kPostmark));

	ExpectClean(r);
	EXPECT_GE(r.requests, 1500u);
}

TEST(Loadgen, SdetRunsClean)
{
	lgs_result r = lgs_run(&(const lgs_config &)Config(kSdet));

	ExpectClean(r);
	EXPECT_GE(r.requests, 1500u);
}

TEST(Loadgen, MalformedRequestsGetTheirErrors)
{
	lgs_config c = Config(kMalformed);

	c.requests = 300;
	ExpectClean(lgs_run(&c));
}

TEST(Loadgen, OpenLoopRunsClean)
{
	lgs_config c = Config(kPostmark);

	c.requests = 400;
	c.rate = 4000;
	lgs_result r = lgs_run(&c);
	ExpectClean(r);
}

// Another program lines the windows up with what it did meanwhile
// (tools/bench/patch-bench), and merges their histograms.
TEST(Loadgen, ReportPlacesItsWindowsOnTheMonotonicClock)
{
	lgs_config c = Config(kPostmark);

	c.requests = 400;
	c.rate = 4000;
	lgs_result r = lgs_run(&c);
	ASSERT_EQ(r.ret, 0);
	EXPECT_GE(r.report_start_ns, r.before_ns);
	EXPECT_LE(r.report_start_ns, r.after_ns);
	EXPECT_EQ(r.report_window_latencies, r.ok + r.wrong);
}

TEST(Loadgen, CatchesWrongContent)
{
	lgs_config c = Config(kPostmark);

	c.fault = FAKE_FAULT_WRONG_CONTENT;
	c.fault_op = kOpRead;
	c.fault_after = 200;
	lgs_result r = lgs_run(&c);
	ASSERT_EQ(r.ret, 0);
	EXPECT_EQ(r.wrong, 1u);
	EXPECT_EQ(r.lost, 0u);
	EXPECT_NE(std::string(r.first_error).find("byte"), std::string::npos) << r.first_error;
}

TEST(Loadgen, CatchesWrongSize)
{
	lgs_config c = Config(kPostmark);

	c.fault = FAKE_FAULT_WRONG_SIZE;
	c.fault_op = kOpAppend;
	c.fault_after = 200;
	lgs_result r = lgs_run(&c);
	ASSERT_EQ(r.ret, 0);
	EXPECT_EQ(r.wrong, 1u);
	EXPECT_NE(std::string(r.first_error).find("new size"), std::string::npos) << r.first_error;
}

TEST(Loadgen, CountsADroppedRequestAsLost)
{
	lgs_config c = Config(kSdet);

	c.fault = FAKE_FAULT_DROP;
	c.fault_op = kOpRead;
	c.fault_after = 100;
	c.lost_after_ms = 200;
	lgs_result r = lgs_run(&c);
	ASSERT_EQ(r.ret, 0);
	EXPECT_EQ(r.lost, 1u);
	EXPECT_EQ(r.wrong, 0u) << r.first_error;
	EXPECT_NE(std::string(r.first_error).find("lost"), std::string::npos) << r.first_error;
}

TEST(Loadgen, CountsARejectedCompletionAsWrong)
{
	lgs_config c = Config(kPostmark);

	c.fault = FAKE_FAULT_WRONG_TAG;
	c.fault_after = 100;
	lgs_result r = lgs_run(&c);
	ASSERT_EQ(r.ret, 0);
	EXPECT_EQ(r.rejected, 1u);
	EXPECT_EQ(r.wrong, 1u);
	EXPECT_NE(std::string(r.first_error).find("tag"), std::string::npos) << r.first_error;
}

} // namespace
