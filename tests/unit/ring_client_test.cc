// SPDX-License-Identifier: GPL-2.0-only
// The host end of a request-ring queue (vmm/ring_client.c) against the fake
// guest: posting and reaping across the 2^32 wrap of the free-running
// indices, doorbell suppression both ways, rejection of every kind of bad
// completion, and the drain of a killed client's requests.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "ring_client_shim.h"

namespace {

class RingClient : public ::testing::Test {
protected:
	void Start(uint32_t start_index)
	{
		char msg[256];

		env_ = rcs_create(start_index);
		ASSERT_NE(env_, nullptr);
		ASSERT_EQ(rcs_client_init(env_, 1000, msg, sizeof(msg)), 0) << msg;
	}

	void TearDown() override
	{
		if (env_)
			rcs_destroy(env_);
	}

	// Posts a NOP and serves it on this thread; returns the completion.
	rcs_completion RoundTrip(uint32_t op = RCS_OP_NOP, const char *path = "/")
	{
		rcs_completion c{};
		int slot = rcs_post(env_, op, path, 0, nullptr, 0);

		EXPECT_GE(slot, 0);
		EXPECT_EQ(rcs_serve_one(env_), 1);
		EXPECT_EQ(rcs_reap(env_, &c, 1), 1u);
		rcs_release(env_, c.slot);
		return c;
	}

	rcs_env *env_ = nullptr;
};

TEST_F(RingClient, PostsAndReapsAcrossTheIndexWrap)
{
	Start(UINT32_MAX - 40);
	// Mix several in flight with single round trips, through the wrap.
	for (int round = 0; round < 20; round++) {
		int slots[5];

		for (int &s : slots)
			ASSERT_GE(s = rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
		for (int i = 0; i < 5; i++)
			ASSERT_EQ(rcs_serve_one(env_), 1);
		rcs_completion c[5];
		ASSERT_EQ(rcs_reap(env_, c, 5), 5u);
		for (int i = 0; i < 5; i++) {
			EXPECT_FALSE(c[i].rejected);
			EXPECT_EQ(c[i].slot, (unsigned)slots[i]);
			EXPECT_EQ(c[i].status, 0);
			rcs_release(env_, c[i].slot);
		}
	}
	EXPECT_LT(rcs_req_head(env_), 100u) << "the indices wrapped";
	rcs_stats s = rcs_get_stats(env_);
	EXPECT_EQ(s.posted, 100u);
	EXPECT_EQ(s.completed, 100u);
	EXPECT_EQ(s.rejected, 0u);
	EXPECT_EQ(s.in_flight, 0u);
}

TEST_F(RingClient, CarriesDataBothWays)
{
	const char text[] = "the quick brown fox";

	Start(UINT32_MAX - 1);
	EXPECT_EQ(RoundTrip(RCS_OP_CREATE, "/f").status, 0);
	ASSERT_GE(rcs_post(env_, RCS_OP_WRITE, "/f", 0, text, sizeof(text)), 0);
	ASSERT_EQ(rcs_serve_one(env_), 1);
	rcs_completion c{};
	ASSERT_EQ(rcs_reap(env_, &c, 1), 1u);
	EXPECT_EQ(c.len, sizeof(text));
	rcs_release(env_, c.slot);
	ASSERT_GE(rcs_post(env_, RCS_OP_READ, "/f", 0, nullptr, 64), 0);
	ASSERT_EQ(rcs_serve_one(env_), 1);
	ASSERT_EQ(rcs_reap(env_, &c, 1), 1u);
	EXPECT_EQ(c.len, sizeof(text));
	EXPECT_STREQ(reinterpret_cast<const char *>(c.data), text);
}

TEST_F(RingClient, AllSlotsThenNone)
{
	Start(0);
	for (unsigned i = 0; i < RCS_SLOTS; i++)
		ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	EXPECT_EQ(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), -1);
	EXPECT_EQ(rcs_get_stats(env_).in_flight, RCS_SLOTS);
}

TEST_F(RingClient, KicksOnlyAWaitingGuest)
{
	Start(0);
	rcs_set_guest_waiting(env_, false);
	RoundTrip();
	EXPECT_FALSE(rcs_take_kick(env_));
	rcs_set_guest_waiting(env_, true);
	RoundTrip();
	EXPECT_TRUE(rcs_take_kick(env_));
	rcs_stats s = rcs_get_stats(env_);
	EXPECT_EQ(s.kicks, 1u);
	EXPECT_EQ(s.kicks_saved, 1u);
}

TEST_F(RingClient, GuestRingsOnlyForAWaitingHost)
{
	Start(0);
	RoundTrip();
	EXPECT_EQ(rcs_get_stats(env_).guest_doorbells, 0u) << "nobody waited";

	// A sleeping guest thread is kicked, serves, and wakes the waiting host.
	ASSERT_EQ(rcs_start_guest(env_), 0);
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
	auto t0 = std::chrono::steady_clock::now();
	ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	int woke = 0;
	while (!woke && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5))
		woke = rcs_wait(env_, 5000);
	EXPECT_EQ(woke, 1);
	EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
	rcs_completion c{};
	EXPECT_EQ(rcs_reap(env_, &c, 1), 1u);
	rcs_stats s = rcs_get_stats(env_);
	EXPECT_EQ(s.kicks, 1u) << "the guest thread was asleep";
	EXPECT_LE(s.guest_doorbells, 1u);
}

TEST_F(RingClient, WaitTimesOutWithoutACompletion)
{
	Start(0);
	ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	EXPECT_EQ(rcs_wait(env_, 20), 0);
}

struct BadCompletion {
	fake_fault fault;
	const char *field; // what the message must name
};

class RingClientRejects : public RingClient,
			  public ::testing::WithParamInterface<BadCompletion> {};

TEST_P(RingClientRejects, CountsAndNamesTheField)
{
	const BadCompletion &bad = GetParam();

	Start(UINT32_MAX);
	rcs_set_fault(env_, bad.fault, 0, 1);
	RoundTrip();
	int victim = rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0);
	ASSERT_GE(victim, 0);
	ASSERT_EQ(rcs_serve_one(env_), 1);
	rcs_completion c[2]{};
	unsigned n = rcs_reap(env_, c, 2);
	rcs_stats s = rcs_get_stats(env_);

	EXPECT_EQ(s.rejected, 1u);
	EXPECT_EQ(s.reports, 1u);
	EXPECT_NE(std::string(s.last_report).find("ring queue 0"), std::string::npos) << s.last_report;
	EXPECT_NE(std::string(s.last_report).find(bad.field), std::string::npos) << s.last_report;
	if (n) { // it named the victim's slot: that request is over, rejected
		EXPECT_TRUE(c[0].rejected);
		EXPECT_EQ(c[0].slot, (unsigned)victim);
		EXPECT_EQ(s.in_flight, 0u);
	} else { // it named another slot: the victim is still outstanding
		EXPECT_EQ(s.in_flight, 1u);
	}
	// The queue keeps working.
	rcs_release(env_, (unsigned)victim);
	rcs_completion ok = RoundTrip();
	EXPECT_FALSE(ok.rejected);
}

std::string FaultName(const ::testing::TestParamInfo<BadCompletion> &info)
{
	static const char *const names[] = { "None", "SlotOutOfRange", "SlotNotOutstanding",
					     "WrongTag", "LenTooBig", "UnknownStatus" };

	return names[info.param.fault];
}

INSTANTIATE_TEST_SUITE_P(
	Faults, RingClientRejects,
	::testing::Values(BadCompletion{ FAKE_FAULT_SLOT_OUT_OF_RANGE, "out of range" },
			  BadCompletion{ FAKE_FAULT_SLOT_NOT_OUTSTANDING, "not outstanding" },
			  BadCompletion{ FAKE_FAULT_WRONG_TAG, "tag" },
			  BadCompletion{ FAKE_FAULT_LEN_TOO_BIG, "len" },
			  BadCompletion{ FAKE_FAULT_UNKNOWN_STATUS, "status" }),
	FaultName);

TEST_F(RingClient, AbandonedRequestsComeBackQuietly)
{
	Start(0);
	int slot = rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0);
	ASSERT_GE(slot, 0);
	rcs_abandon(env_, (unsigned)slot);
	ASSERT_EQ(rcs_serve_one(env_), 1);
	rcs_completion c{};
	EXPECT_EQ(rcs_reap(env_, &c, 1), 0u);
	rcs_stats s = rcs_get_stats(env_);
	EXPECT_EQ(s.abandoned_late, 1u);
	EXPECT_EQ(s.in_flight, 0u);
	EXPECT_EQ(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), slot) << "the slot is free again";
}

TEST_F(RingClient, InitDrainsAKilledClientsRequests)
{
	char msg[256];

	Start(UINT32_MAX - 1);
	for (int i = 0; i < 3; i++)
		ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	// The client is "killed"; the guest gets to the requests later.
	std::thread late_guest([this] {
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
		rcs_start_guest(env_);
	});
	int ret = rcs_client_init(env_, 5000, msg, sizeof(msg));
	late_guest.join();
	ASSERT_EQ(ret, 0) << msg;
	rcs_stats s = rcs_get_stats(env_);
	EXPECT_EQ(s.stale_drained, 3u);
	EXPECT_EQ(s.in_flight, 0u);
	// Every slot is free and the new client's requests work.
	for (unsigned i = 0; i < RCS_SLOTS; i++)
		ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	unsigned got = 0;
	rcs_completion c[RCS_SLOTS];
	while (got < RCS_SLOTS && rcs_wait(env_, 5000) == 1)
		got += rcs_reap(env_, c, RCS_SLOTS);
	EXPECT_EQ(got, RCS_SLOTS);
	EXPECT_EQ(rcs_get_stats(env_).rejected, 0u);
}

TEST_F(RingClient, InitGivesUpOnAStuckQueue)
{
	char msg[256];

	Start(0);
	ASSERT_GE(rcs_post(env_, RCS_OP_NOP, "/", 0, nullptr, 0), 0);
	EXPECT_EQ(rcs_client_init(env_, 50, msg, sizeof(msg)), -1);
	EXPECT_STREQ(msg, "ring queue 0: 1 requests of a previous client still outstanding after 50 ms");
}

} // namespace
