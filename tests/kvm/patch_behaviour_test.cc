// SPDX-License-Identifier: GPL-2.0-only
// What the seed updates change, seen from the host through the request
// ring with the bundles applied by swapctl (issue 7 item 6): the
// descriptor allocator's race shows as collisions between takers on two
// queues before descriptor-lock, none while it is applied, and again
// after its rollback; the partitioned-region service answers only while
// its module is applied. (The FCM update's effect, fewer replica sweeps,
// is a guest self-test: update_fcm_unmap_check_skips_needless_replica_sweeps.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "patch_guest.hh"
#include "ring_session.h"

namespace {

using Clock = std::chrono::steady_clock;

// sv/ring.h's opcodes (that header is C11 only, not valid C++).
constexpr uint32_t kOpCall = 13, kOpDescriptors = 14;
constexpr int kTimeoutMs = 20000;
constexpr uint64_t kTakesPerRequest = 8;
constexpr auto kRacePatience = std::chrono::seconds(60);

struct Session {
	ring_session *s = nullptr;
	~Session()
	{
		if (s)
			rs_detach(s);
	}
};

// Takers on queues 0 and 1 at once until a collision is seen, the
// patience runs out or `requests` requests were answered (0: no limit).
// The collisions seen; -1 if a request failed.
int64_t race(ring_session *s, uint64_t requests)
{
	std::atomic<int64_t> collisions{ 0 }, answered{ 0 };
	std::atomic<bool> failed{ false };
	auto deadline = Clock::now() + kRacePatience;
	auto taker = [&](unsigned q) {
		rs_request req{};
		req.op = kOpDescriptors;
		req.arg = kTakesPerRequest;
		rs_answer ans;
		char msg[256];
		while (!failed && Clock::now() < deadline &&
		       (requests ? (uint64_t)answered < requests : collisions == 0)) {
			if (rs_call(s, q, &req, kTimeoutMs, &ans, msg, sizeof(msg)) || ans.status) {
				failed = true;
				ADD_FAILURE() << "queue " << q << ": " << msg << " status " << ans.status;
			}
			collisions += (int64_t)ans.value;
			answered++;
		}
	};
	std::thread a(taker, 0), b(taker, 1);
	a.join();
	b.join();
	return failed ? -1 : collisions.load();
}

TEST(PatchBehaviour, DescriptorRaceShowsBeforeTheLockFixNotWithItAndAgainAfterRollback)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "patch-race", &why)) << why;
	char msg[256];
	Session rs;
	rs.s = rs_attach(g.socket().c_str(), msg, sizeof(msg));
	ASSERT_NE(rs.s, nullptr) << msg;

	EXPECT_GT(race(rs.s, 0), 0) << "version 0 never raced";
	Swapctl apply = g.patch({ "apply", bundle_path("descriptor_lock") });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	EXPECT_EQ(race(rs.s, 4000), 0) << "the fix raced";
	Swapctl rollback = g.patch({ "rollback", "descriptor-lock" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	EXPECT_GT(race(rs.s, 0), 0) << "version 0 is back but never raced";
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// SV_OP_CALL of the service: its status and the pages it verified.
rs_answer call_region(ring_session *s, uint64_t pages)
{
	static const char name[] = "partitioned-region";
	rs_request req{};
	req.op = kOpCall;
	req.path = name;
	req.path_len = sizeof(name) - 1;
	req.arg = pages;
	rs_answer ans{};
	char msg[256];
	EXPECT_EQ(rs_call(s, 0, &req, kTimeoutMs, &ans, msg, sizeof(msg)), 0) << msg;
	return ans;
}

TEST(PatchBehaviour, PartitionedRegionServiceAnswersOnlyWhileApplied)
{
	const unsigned cpus = 2;
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(cpus, "patch-region", &why)) << why;
	char msg[256];
	Session rs;
	rs.s = rs_attach(g.socket().c_str(), msg, sizeof(msg));
	ASSERT_NE(rs.s, nullptr) << msg;

	EXPECT_NE(call_region(rs.s, 4).status, 0) << "a service before its patch";
	Swapctl apply = g.patch({ "apply", bundle_path("partitioned_region") });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	rs_answer ans = call_region(rs.s, 4);
	EXPECT_EQ(ans.status, 0);
	EXPECT_EQ(ans.value, cpus * 4u) << "pages verified, one partition of 4 per CPU";
	Swapctl rollback = g.patch({ "rollback", "partitioned-region" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	EXPECT_NE(call_region(rs.s, 4).status, 0) << "the service outlived its rollback";
	EXPECT_FALSE(has(g.update_info(), "partitioned-region"));
	EXPECT_EQ(g.stop(), 0) << g.log();
}

} // namespace
