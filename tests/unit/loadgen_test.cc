// SPDX-License-Identifier: GPL-2.0-only
// The load generator's core (tools/loadgen) against the fake guest: every
// mix runs clean over several queues, and its verification catches a
// guest that returns wrong content, a wrong size, a wrong checksum, drops
// a request or answers with an invalid completion. A checksum may be the
// right Adler-32 or the unpatched kernel's known wrong sum; the report
// counts each.
#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "adler32.h"
#include "loadgen_shim.h"

namespace {

constexpr int kPostmark = 0, kSdet = 1, kMalformed = 2;
constexpr uint32_t kOpAppend = 4, kOpRead = 5, kOpChecksum = 15;

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
	EXPECT_GT(r.report_checksums_right, 0u) << "the mix asked for no checksum";
	EXPECT_EQ(r.report_checksums_buggy, 0u);
}

// As while checksum-fix is not applied: every file holds random bytes, so
// every checksum is the kernel's wrong sum, taken as right and counted.
TEST(Loadgen, PostmarkTakesTheKernelsKnownWrongChecksumAndCountsIt)
{
	lgs_config c = Config(kPostmark);

	c.checksum_bug = true;
	lgs_result r = lgs_run(&c);
	ExpectClean(r);
	EXPECT_GT(r.report_checksums_buggy, 0u);
	EXPECT_EQ(r.report_checksums_right, 0u);
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

// A PostMark run whose guest spoils one answer (`fault`, on the first
// `op` after 200 requests): exactly that one is wrong; the first error.
std::string OneWrongAnswer(fake_fault fault, uint32_t op)
{
	lgs_config c = Config(kPostmark);

	c.fault = fault;
	c.fault_op = op;
	c.fault_after = 200;
	lgs_result r = lgs_run(&c);
	EXPECT_EQ(r.ret, 0);
	EXPECT_EQ(r.wrong, 1u);
	EXPECT_EQ(r.lost, 0u);
	return r.first_error;
}

TEST(Loadgen, CatchesWrongContent)
{
	std::string why = OneWrongAnswer(FAKE_FAULT_WRONG_CONTENT, kOpRead);

	EXPECT_NE(why.find("byte"), std::string::npos) << why;
}

TEST(Loadgen, CatchesWrongSize)
{
	std::string why = OneWrongAnswer(FAKE_FAULT_WRONG_SIZE, kOpAppend);

	EXPECT_NE(why.find("new size"), std::string::npos) << why;
}

TEST(Loadgen, CatchesWrongChecksum)
{
	std::string why = OneWrongAnswer(FAKE_FAULT_WRONG_SUM, kOpChecksum);

	EXPECT_NE(why.find("checksum /pm-test-q"), std::string::npos) << why;
}

std::string hex(uint32_t v)
{
	char s[16];
	snprintf(s, sizeof(s), "0x%08x", v);
	return s;
}

// Every byte value once: the two sums differ.
std::vector<uint8_t> every_byte()
{
	std::vector<uint8_t> v(256);
	std::iota(v.begin(), v.end(), 0);
	return v;
}

TEST(LoadgenVerify, ChecksumRightOrWithTheKnownBugIsRightAndSaysWhich)
{
	std::vector<uint8_t> bytes = every_byte();
	uint32_t right = sv_adler32(bytes.data(), bytes.size());
	uint32_t buggy = sv_adler32_signed_char(bytes.data(), bytes.size());

	ASSERT_NE(right, buggy);
	EXPECT_EQ(lgs_verify_checksum(bytes.data(), bytes.size(), right).verdict, LG_VERDICT_SUM_RIGHT);
	EXPECT_EQ(lgs_verify_checksum(bytes.data(), bytes.size(), buggy).verdict, LG_VERDICT_SUM_BUGGY);
}

// ASCII has one sum, bug or not: counted as right.
TEST(LoadgenVerify, AsciiChecksumCountsAsRight)
{
	std::string text = "no byte from 0x80 up here";
	const uint8_t *p = (const uint8_t *)text.data();

	EXPECT_EQ(lgs_verify_checksum(p, text.size(), sv_adler32(p, text.size())).verdict,
		  LG_VERDICT_SUM_RIGHT);
}

TEST(LoadgenVerify, AnyOtherChecksumIsWrongNamingTheFileAndBothSums)
{
	std::vector<uint8_t> bytes = every_byte();
	uint32_t right = sv_adler32(bytes.data(), bytes.size());
	uint32_t buggy = sv_adler32_signed_char(bytes.data(), bytes.size());

	for (uint64_t answer : std::vector<uint64_t>{ right + 1ull, buggy ^ 0x10000ull, 0,
						     right | 1ull << 32 }) {
		SCOPED_TRACE(answer);
		lgs_verdict v = lgs_verify_checksum(bytes.data(), bytes.size(), answer);
		std::string why = v.why;
		EXPECT_EQ(v.verdict, LG_VERDICT_WRONG);
		EXPECT_NE(why.find("checksum /dir/file"), std::string::npos) << why;
		EXPECT_NE(why.find("expected " + hex(right)), std::string::npos) << why;
		EXPECT_NE(why.find(hex(buggy)), std::string::npos) << why;
	}
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
