// SPDX-License-Identifier: GPL-2.0-only
// The test kernel's built-in services that the binary-patching tests hold
// threads with (tests/guest/hold_target.c), on 1 and 2 vCPUs, all on
// queue 0: hold-probe answers the kernel's body; "sleep" and "spin" holds
// answer after their time and are counted inside hold_target meanwhile;
// "forever" holds stay outstanding while other requests are served and
// answer once hold-release wakes them; malformed payloads are refused.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "ring_requests.hh"
#include "ring_session.h"
#include "running_guest.hh"

namespace {

using namespace std::chrono_literals;

constexpr uint32_t kOpCall = 13; // sv/ring.h (C11 only)
constexpr int32_t kEinval = -22;
constexpr int kTimeoutMs = 30000;
constexpr uint64_t kOriginalBody = 1; // hold_target.h's HOLD_TARGET_ORIGINAL

class HoldServices : public ::testing::TestWithParam<unsigned> {
protected:
	void SetUp() override
	{
		std::string why;
		guest_.use_test_kernel();
		ASSERT_TRUE(guest_.start(GetParam(), "hold", &why)) << why;
		ring_ = rs_attach(guest_.socket().c_str(), msg_, sizeof(msg_));
		ASSERT_NE(ring_, nullptr) << msg_;
	}

	void TearDown() override
	{
		if (ring_)
			rs_detach(ring_);
	}

	static rs_request call(const std::string &service, const std::string &payload = "")
	{
		return ring_request(kOpCall, service, payload.data(), payload.size());
	}

	// Sends without waiting; the request strings must outlive the post.
	uint64_t post(const std::string &service, const std::string &payload = "")
	{
		uint64_t tag = 0;
		rs_request r = call(service, payload);
		EXPECT_EQ(rs_post(ring_, 0, &r, &tag, msg_, sizeof(msg_)), 0) << msg_;
		return tag;
	}

	rs_answer wait(uint64_t tag)
	{
		rs_answer ans{};
		EXPECT_EQ(rs_wait(ring_, 0, tag, kTimeoutMs, &ans, msg_, sizeof(msg_)), 0) << msg_;
		return ans;
	}

	rs_answer ask(const std::string &service, const std::string &payload = "")
	{
		return wait(post(service, payload));
	}

	// hold-count until it reaches `want` (10 s at most); the last count.
	uint64_t count_reaching(uint64_t want)
	{
		uint64_t n = 0;
		for (int i = 0; i < 200 && (n = ask("hold-count").value) != want; i++)
			std::this_thread::sleep_for(50ms);
		return n;
	}

	RunningGuest guest_;
	ring_session *ring_ = nullptr;
	char msg_[256] = "";
};

TEST_P(HoldServices, ProbeAndTimedHoldsAnswerTheKernelsBody)
{
	rs_answer probe = ask("hold-probe");
	EXPECT_EQ(probe.status, 0);
	EXPECT_EQ(probe.value, kOriginalBody);
	auto start = std::chrono::steady_clock::now();
	rs_answer sleep = ask("hold", "sleep 200");
	EXPECT_EQ(sleep.status, 0);
	EXPECT_EQ(sleep.value, kOriginalBody);
	EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
	EXPECT_EQ(ask("hold-count").value, 0u);
}

TEST_P(HoldServices, SpinningAndSleepingHoldersAreCountedWhileInside)
{
	const std::string spin = "spin 2000", sleep = "sleep 2000";
	uint64_t spinner = post("hold", spin), sleeper = post("hold", sleep);
	EXPECT_EQ(count_reaching(2), 2u) << "the holders never were inside hold_target together";
	EXPECT_EQ(ask("hold-probe").value, kOriginalBody) << "served while two threads hold";
	EXPECT_EQ(wait(spinner).value, kOriginalBody);
	EXPECT_EQ(wait(sleeper).value, kOriginalBody);
	EXPECT_EQ(ask("hold-count").value, 0u);
}

TEST_P(HoldServices, ForeverHoldersStayUntilReleased)
{
	const std::string forever = "forever";
	uint64_t first = post("hold", forever), second = post("hold", forever);
	ASSERT_EQ(count_reaching(2), 2u);
	std::this_thread::sleep_for(300ms);
	EXPECT_EQ(ask("hold-count").value, 2u) << "a forever holder left by itself";
	EXPECT_EQ(ask("hold-probe").value, kOriginalBody);
	rs_answer release = ask("hold-release");
	EXPECT_EQ(release.status, 0);
	EXPECT_EQ(release.value, 2u);
	EXPECT_EQ(wait(first).value, kOriginalBody);
	EXPECT_EQ(wait(second).value, kOriginalBody);
	EXPECT_EQ(count_reaching(0), 0u);
	EXPECT_EQ(ask("hold-release").value, 0u) << "nobody left to release";
}

TEST_P(HoldServices, MalformedHoldsAreRefused)
{
	for (const char *payload : { "", "spin ", "spin 1x", "nap 10", "spinning 10",
				     "sleep 600001", "forever " })
		EXPECT_EQ(ask("hold", payload).status, kEinval) << '"' << payload << '"';
	EXPECT_EQ(ask("hold", "spin").value, kOriginalBody) << "no time: 0 ms";
}

INSTANTIATE_TEST_SUITE_P(Cpus, HoldServices, ::testing::Values(1u, 2u));

} // namespace
