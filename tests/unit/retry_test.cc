// SPDX-License-Identifier: GPL-2.0-only
// quiesce/retry.c: the backoff schedule and where it gives up, played
// without a clock.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <vector>

#include "retry.h"

namespace {

constexpr uint64_t kMs = 1000000ull;

struct Played {
	std::vector<uint64_t> waits;
	unsigned attempts = 0;
	uint64_t elapsed = 0;
	qs_retry_verdict end = QS_RETRY_WAIT;
};

// Attempts every one blocked, each costing attempt_ns (the pause and
// the walks), until the policy gives up.
Played Play(const qs_retry_policy &p, uint64_t attempt_ns = 0)
{
	Played r;
	for (;;) {
		r.attempts++;
		r.elapsed += attempt_ns;
		qs_retry_step s = qs_retry_next(&p, r.attempts, r.elapsed);
		if (s.verdict != QS_RETRY_WAIT) {
			r.end = s.verdict;
			return r;
		}
		r.waits.push_back(s.wait_ns);
		r.elapsed += s.wait_ns;
	}
}

TEST(Retry, DefaultWaitsDoubleToTheCap)
{
	qs_retry_policy p = QS_RETRY_DEFAULT;
	std::vector<uint64_t> got;
	for (unsigned n = 1; n <= 11; n++)
		got.push_back(qs_retry_backoff(&p, n) / kMs);
	EXPECT_EQ(got, (std::vector<uint64_t>{ 1, 2, 4, 8, 16, 32, 64, 128, 256, 256, 256 }));
}

TEST(Retry, DefaultGivesUpAfterTwentyAttemptsInAbout3s)
{
	Played r = Play(QS_RETRY_DEFAULT);
	EXPECT_EQ(r.end, QS_RETRY_GIVE_UP_ATTEMPTS);
	EXPECT_EQ(r.attempts, 20u);
	EXPECT_EQ(r.waits.size(), 19u);
	EXPECT_EQ(r.elapsed, 3071 * kMs);  // 1 + 2 + ... + 256, then 10 x 256
}

TEST(Retry, TimeLimitCutsTheLastWaitAndGivesUp)
{
	qs_retry_policy p = { 1 * kMs, 256 * kMs, 100, 1000 * kMs };
	Played r = Play(p);
	EXPECT_EQ(r.end, QS_RETRY_GIVE_UP_TIME);
	// 511 ms for nine waits, one more of 256 ms, then what is left: 233 ms.
	ASSERT_EQ(r.waits.size(), 11u);
	EXPECT_EQ(r.waits[9], 256 * kMs);
	EXPECT_EQ(r.waits[10], 233 * kMs);
	EXPECT_EQ(r.elapsed, 1000 * kMs);
	EXPECT_EQ(r.attempts, 12u);  // the last one at the deadline
}

TEST(Retry, SlowAttemptsCountAgainstTheTime)
{
	qs_retry_policy p = QS_RETRY_DEFAULT;
	Played fast = Play(p, 1 * kMs);
	Played slow = Play(p, 400 * kMs);
	EXPECT_EQ(fast.end, QS_RETRY_GIVE_UP_ATTEMPTS);
	EXPECT_EQ(slow.end, QS_RETRY_GIVE_UP_TIME);
	EXPECT_LT(slow.attempts, 20u);
	EXPECT_LE(slow.elapsed, p.max_total_ns + 400 * kMs);  // the attempt at the deadline
}

TEST(Retry, OneAttemptAllowedGivesUpAtOnce)
{
	qs_retry_policy p = { 1 * kMs, 8 * kMs, 1, 1000 * kMs };
	qs_retry_step s = qs_retry_next(&p, 1, 0);
	EXPECT_EQ(s.verdict, QS_RETRY_GIVE_UP_ATTEMPTS);
}

TEST(Retry, AttemptsLimitIsCheckedBeforeTime)
{
	qs_retry_policy p = { 1 * kMs, 8 * kMs, 3, 10 * kMs };
	EXPECT_EQ(qs_retry_next(&p, 3, 50 * kMs).verdict, QS_RETRY_GIVE_UP_ATTEMPTS);
	EXPECT_EQ(qs_retry_next(&p, 2, 50 * kMs).verdict, QS_RETRY_GIVE_UP_TIME);
	EXPECT_EQ(qs_retry_next(&p, 2, 10 * kMs).verdict, QS_RETRY_GIVE_UP_TIME);
}

TEST(Retry, HugeAttemptCountsStayAtTheCap)
{
	qs_retry_policy p = { 3, UINT64_MAX, UINT_MAX, UINT64_MAX };
	EXPECT_EQ(qs_retry_backoff(&p, 63), 3ull << 62);
	EXPECT_EQ(qs_retry_backoff(&p, 64), UINT64_MAX);  // doubling would overflow
	EXPECT_EQ(qs_retry_backoff(&p, UINT_MAX), UINT64_MAX);
	qs_retry_policy q = { 5 * kMs, 2 * kMs, 10, 1000 * kMs };
	EXPECT_EQ(qs_retry_backoff(&q, 1), 2 * kMs);  // a first wait above the cap is capped
}

}  // namespace
