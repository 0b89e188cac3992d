// SPDX-License-Identifier: GPL-2.0-only
// Mirrored globals (issue 8), through swapctl as a user runs it, on the
// test kernel with 2 vCPUs: tally-v2 changes the layout of tally_state
// (tests/guest/tally_target.c) while a writer on every vCPU updates it.
// The patch applies at once (the writers may finish the old bodies on the
// old copy), the mirror traps their writes and ends by itself once the
// writers that began before it have ended; no writer ever sees the
// invariant broken and no update is lost between the copies; the rollback
// mirrors back, and the kernel's bodies then answer with the total whole.
// The same under the load generator's mix, which takes the ring: the
// writers are started before it attaches, their results read after it
// has gone.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "patch_guest.hh"
#include "ring_requests.hh"

namespace {

constexpr uint32_t kOpCall = 13; // sv/ring.h (C11 only)
constexpr int kTimeoutMs = 120000;
constexpr uint64_t kKernelBody = 1, kPatchBody = 2; // tally_target.h, tally_v2.c

class TallyGuest : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string why;
		g.use_test_kernel();
		ASSERT_TRUE(g.start_trusting_test_key(2, "mirror-tally", &why)) << why;
		attach();
	}

	void TearDown() override
	{
		ring_.reset();
		EXPECT_EQ(g.stop(), 0) << g.log();
	}

	void attach()
	{
		ring_ = std::unique_ptr<ring_session, void (*)(ring_session *)>(
			rs_attach(g.socket().c_str(), msg_, sizeof(msg_)), rs_detach);
		ASSERT_NE(ring_, nullptr) << msg_;
	}

	// Lets the load generator have the ring.
	void detach() { ring_.reset(); }

	rs_answer call(const std::string &service, const std::string &payload = "")
	{
		rs_request r = ring_request(kOpCall, service, payload.data(), payload.size());
		rs_answer ans{};
		EXPECT_EQ(rs_call(ring_.get(), 0, &r, kTimeoutMs, &ans, msg_, sizeof(msg_)), 0)
			<< service << ": " << msg_;
		EXPECT_EQ(ans.status, 0) << service;
		return ans;
	}

	// A writer per vCPU for ms milliseconds; returns once they have added.
	void run_writers(unsigned ms)
	{
		uint64_t before = call("tally-total").value;
		ASSERT_EQ(call("tally-run", std::to_string(ms)).value, 2u);
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
		while (call("tally-total").value == before &&
		       std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		ASSERT_GT(call("tally-total").value, before) << "the writers do not write";
	}

	// Waits for the writers; adds their calls to calls_, checks the
	// invariant never failed.
	void collect_writers()
	{
		rs_answer r = call("tally-result");
		EXPECT_GT(r.value, 0u);
		EXPECT_EQ(r.arg, 0u) << "writers saw sum(count) != total (or the new field wrong)";
		calls_ += r.value;
	}

	// The patch's output shows the mirror started, writes trapped and the
	// mirror ended after the writers did; the journal's mirror-end agrees.
	void expect_mirrored(const Swapctl &apply)
	{
		ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
		EXPECT_TRUE(has(apply.out, "global tally_state: mirrored")) << apply.out;
		EXPECT_TRUE(has(apply.out, "mirror 1 globals")) << apply.out;
		EXPECT_FALSE(has(apply.out, "waiting:")) << "the jumps waited for the writers\n"
							 << apply.out;
		std::smatch m;
		ASSERT_TRUE(std::regex_search(apply.out, m, std::regex(
			"mirrors ended +([0-9]+) writes trapped"))) << apply.out;
		EXPECT_GT(std::stoull(m[1]), 0u) << apply.out;
		EXPECT_TRUE(has(apply.out, "committed tally-v2")) << apply.out;
		bool ended = false;
		for (const std::string &line : g.journal("tally-v2"))
			ended |= has(line, "\"mirror-end\"") &&
				 std::regex_search(line, std::regex("\"trapped\":[1-9]"));
		EXPECT_TRUE(ended) << "no mirror-end with trapped writes in the journal";
	}

	// The mirror ends at QUIESCE, once the writers end: the wait is
	// longer than the monitor's default of 10 s for a step.
	Swapctl apply_tally()
	{
		return g.patch({ "apply", bundle_path("tally_v2"), "--timeout", "60" });
	}

	// Rolls back (mirror back, jumps out, mirror stopped): the kernel's
	// bodies answer with every add counted.
	void roll_back_and_check()
	{
		Swapctl rollback = g.patch({ "rollback", "tally-v2" });
		ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
		EXPECT_TRUE(has(rollback.out, "reverted mirror-end")) << rollback.out;
		EXPECT_TRUE(has(rollback.out, "reverted jumps")) << rollback.out;
		EXPECT_TRUE(has(rollback.out, "reverted mirror ")) << rollback.out;
		EXPECT_EQ(call("tally-probe").value, kKernelBody) << "the rollback left the jumps";
		EXPECT_EQ(call("tally-total").value, calls_) << "the old copy lost updates";
	}

	PatchGuest g;
	uint64_t calls_ = 0;

private:
	std::unique_ptr<ring_session, void (*)(ring_session *)> ring_{ nullptr, rs_detach };
	char msg_[256] = "";
};

TEST_F(TallyGuest, MirrorKeepsTallyWholeWhileWritersRunAndEndsByItself)
{
	ASSERT_EQ(call("tally-probe").value, kKernelBody);
	run_writers(8000);
	auto start = std::chrono::steady_clock::now();
	Swapctl apply = apply_tally();
	double apply_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	expect_mirrored(apply);
	collect_writers();
	EXPECT_EQ(call("tally-probe").value, kPatchBody) << "new callers do not get the patch";
	EXPECT_EQ(call("tally-total").value, calls_) << "an update was lost between the copies";
	std::printf("tally-v2 applied in %.1f s with writers running\n", apply_s);

	// Writes after the mirror ended reach only the new copy; the rollback
	// must carry them back.
	run_writers(500);
	collect_writers();
	EXPECT_EQ(call("tally-total").value, calls_);
	roll_back_and_check();
}

// loadgen holds the ring while it runs, so the writers start before it
// attaches and are read after it has detached; the patch is driven over
// the control socket meanwhile.
TEST_F(TallyGuest, MirrorUnderLoadLosesNothing)
{
	run_writers(15000);
	detach();
	BackgroundLoad load;
	ASSERT_TRUE(load.start(g, "mirror-tally"));
	Swapctl apply = apply_tally();
	expect_all_right(load.stop(), 1);
	attach();
	expect_mirrored(apply);
	collect_writers();
	EXPECT_EQ(call("tally-total").value, calls_) << "an update was lost between the copies";
	roll_back_and_check();
}

} // namespace
