// SPDX-License-Identifier: GPL-2.0-only
// The request ring against the default guest kernel on two vCPUs: requests
// on every queue, malformed ones answered with errors while the guest
// keeps serving, one client at a time, a killed client's requests waited
// out by the next, and the control queue behind guest-stats.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "running_guest.hh"
#include "ring_session.h"

namespace {

constexpr int kTimeoutMs = 10000;
constexpr int32_t kEnosys = -38, kEinval = -22;
constexpr uint32_t kOpNop = 0, kOpCounterAdd = 11, kOpCounterRead = 12;
constexpr unsigned kCounters = 8, kPathMax = 256;

struct Session {
	ring_session *s = nullptr;
	~Session() { if (s) rs_detach(s); }
};

class Ring : public ::testing::Test {
protected:
	static void SetUpTestSuite()
	{
		guest_ = new RunningGuest;
		std::string why;
		if (!guest_->start(2, "ring-test", &why))
			start_error_ = new std::string(why);
	}

	static void TearDownTestSuite()
	{
		EXPECT_EQ(guest_->stop(), 0) << guest_->log();
		delete guest_;
		delete start_error_;
	}

	void SetUp() override
	{
		ASSERT_EQ(start_error_, nullptr) << *start_error_;
	}

	ring_session *attach()
	{
		char msg[512];
		ring_session *s = rs_attach(guest_->socket().c_str(), msg, sizeof(msg));
		EXPECT_NE(s, nullptr) << msg;
		return s;
	}

	static rs_answer call(ring_session *s, unsigned q, const rs_request &req)
	{
		auto ans = std::make_unique<rs_answer>();
		char msg[256];
		EXPECT_EQ(rs_call(s, q, &req, kTimeoutMs, ans.get(), msg, sizeof(msg)), 0) << msg;
		return *ans;
	}

	static RunningGuest *guest_;
	static std::string *start_error_;
};

RunningGuest *Ring::guest_;
std::string *Ring::start_error_;

rs_request counter_add(uint64_t counter, int64_t n)
{
	rs_request r{};
	r.op = kOpCounterAdd;
	r.arg = counter;
	r.offset = (uint64_t)n;
	return r;
}

rs_request counter_read(uint64_t counter)
{
	rs_request r{};
	r.op = kOpCounterRead;
	r.arg = counter;
	return r;
}

TEST_F(Ring, EveryQueueServesAndTheCounterSumsOverThem)
{
	Session att{ attach() };
	ASSERT_NE(att.s, nullptr);
	ASSERT_EQ(rs_queues(att.s), 2u);
	int64_t before = (int64_t)call(att.s, 0, counter_read(3)).value;
	for (unsigned q = 0; q < 2; q++)
		for (int i = 1; i <= 50; i++)
			EXPECT_EQ(call(att.s, q, counter_add(3, i)).status, 0);
	// Each queue is served on its own CPU, whose rep of the distributed
	// counter took its adds: the read sums both.
	EXPECT_EQ((int64_t)call(att.s, 1, counter_read(3)).value, before + 2 * 1275);
	EXPECT_EQ(rs_rejected(att.s), 0u);
}

TEST_F(Ring, MalformedRequestsGetErrorsAndTheGuestKeepsServing)
{
	Session att{ attach() };
	ASSERT_NE(att.s, nullptr);
	rs_request bad{};
	bad.op = 9999;
	EXPECT_EQ(call(att.s, 0, bad).status, kEnosys);
	bad.op = kOpNop;
	bad.path_len = kPathMax + 1;
	EXPECT_EQ(call(att.s, 1, bad).status, kEinval);
	bad.path_len = 0xffffffffu;
	EXPECT_EQ(call(att.s, 0, bad).status, kEinval);
	EXPECT_EQ(call(att.s, 1, counter_add(kCounters, 1)).status, kEinval);
	EXPECT_EQ(call(att.s, 0, counter_read(~0ull)).status, kEinval);
	for (unsigned q = 0; q < 2; q++) {
		rs_request nop{};
		EXPECT_EQ(call(att.s, q, nop).status, 0);
	}
	EXPECT_EQ(rs_rejected(att.s), 0u);
}

TEST_F(Ring, OneClientAtATimeAndClosingTheConnectionReleasesTheRing)
{
	Session first{ attach() };
	ASSERT_NE(first.s, nullptr);
	char msg[512];
	ring_session *second = rs_attach(guest_->socket().c_str(), msg, sizeof(msg));
	EXPECT_EQ(second, nullptr);
	EXPECT_NE(std::string(msg).find("another connection has the request ring"),
		  std::string::npos) << msg;
	rs_detach(first.s);
	first.s = nullptr;
	Session again{ attach() };
	EXPECT_NE(again.s, nullptr);
}

TEST_F(Ring, AKilledClientsRequestsAreWaitedOutByTheNext)
{
	Session gone{ attach() };
	ASSERT_NE(gone.s, nullptr);
	int64_t before = (int64_t)call(gone.s, 0, counter_read(5)).value;
	rs_request add = counter_add(5, 1);
	ASSERT_EQ(rs_post_only(gone.s, 0, &add, 32), 0);
	ASSERT_EQ(rs_post_only(gone.s, 1, &add, 32), 0);
	rs_detach(gone.s); // as if killed: nothing reaped
	gone.s = nullptr;

	// The next client gets every slot back, whether the guest finished
	// the killed one's requests before it attached or it waited them out.
	Session next{ attach() };
	ASSERT_NE(next.s, nullptr);
	EXPECT_LE(rs_stale_drained(next.s), 64u);
	ASSERT_EQ(rs_post_only(next.s, 0, &add, 32), 0);
	ASSERT_EQ(rs_post_only(next.s, 1, &add, 32), 0);
	rs_detach(next.s);
	next.s = nullptr;

	Session third{ attach() };
	ASSERT_NE(third.s, nullptr);
	EXPECT_EQ((int64_t)call(third.s, 1, counter_read(5)).value, before + 128);
}

TEST_F(Ring, GuestStatsComeOverTheControlQueue)
{
	std::string r = guest_->request(R"({"cmd":"guest-stats"})");
	uint64_t served = 0;
	ASSERT_EQ(jf_u64(r.c_str(), "stats.ring.served", &served), 0) << r;
	EXPECT_GT(served, 0u);
	uint64_t refused = 1;
	ASSERT_EQ(jf_u64(r.c_str(), "stats.ring.refused", &refused), 0) << r;
	EXPECT_EQ(refused, 0u);
}

} // namespace
