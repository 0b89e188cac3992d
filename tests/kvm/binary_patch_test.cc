// SPDX-License-Identifier: GPL-2.0-only
// Binary patching (issue 8), through swapctl as a user runs it:
//  - checksum-fix replaces the file system's Adler-32 helper, a function no
//    translation table reaches: SV_OP_CHECKSUM is wrong for bytes >= 0x80
//    before, right while applied, wrong again after the rollback;
//  - 100 applies and rollbacks of it under the load generator's mix, every
//    request answered right, the mix's checksums answered both with the
//    fix and with the bug: the function was called while patched and not;
//  - on the test kernel, hold-v2 replaces hold_target while threads spin
//    and sleep inside it: the monitor waits, names them while it waits,
//    and applies once they leave; a thread that never leaves makes it give
//    up naming that thread, with nothing changed;
//  - the monitor killed after each journal line of a binary apply: the
//    next one rolls the jumps back.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "adler32.h"
#include "patch_guest.hh"
#include "ring_requests.hh"
#include "ring_session.h"

namespace {

// sv/ring.h's opcodes (that header is C11 only, not valid C++).
constexpr uint32_t kOpCreate = 1, kOpWrite = 3, kOpDelete = 7, kOpCall = 13, kOpChecksum = 15;
constexpr int kTimeoutMs = 30000;

struct Ring {
	ring_session *s = nullptr;
	char msg[256] = "";
	explicit Ring(const std::string &socket) { s = rs_attach(socket.c_str(), msg, sizeof(msg)); }
	~Ring()
	{
		if (s)
			rs_detach(s);
	}
	rs_answer call(unsigned q, const rs_request &req)
	{
		rs_answer ans{};
		EXPECT_EQ(rs_call(s, q, &req, kTimeoutMs, &ans, msg, sizeof(msg)), 0) << msg;
		return ans;
	}
};

// Every byte value, so the helper's signed-char bug shows.
std::vector<uint8_t> every_byte()
{
	std::vector<uint8_t> v(512);
	for (size_t i = 0; i < v.size(); i++)
		v[i] = (uint8_t)(i * 7);
	return v;
}

void put_file(Ring &ring, const std::string &path, const std::vector<uint8_t> &bytes)
{
	ring.call(0, ring_request(kOpDelete, path)); // left by an earlier run: any answer
	ASSERT_EQ(ring.call(0, ring_request(kOpCreate, path)).status, 0);
	rs_request w = ring_request(kOpWrite, path, bytes.data(), bytes.size());
	ASSERT_EQ(ring.call(0, w).status, 0);
}

uint32_t checksum(Ring &ring, const std::string &path)
{
	rs_answer ans = ring.call(0, ring_request(kOpChecksum, path));
	EXPECT_EQ(ans.status, 0);
	return (uint32_t)ans.value;
}

TEST(BinaryPatch, ChecksumFixMakesHighBytesRightAndItsRollbackBringsTheBugBack)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "bin-checksum", &why)) << why;
	const std::string path = "/checksum-probe";
	const std::vector<uint8_t> bytes = every_byte();
	uint32_t right = sv_adler32(bytes.data(), bytes.size());
	// swapctl speaks to the control socket, so the ring stays attached.
	Ring ring(g.socket());
	ASSERT_NE(ring.s, nullptr) << ring.msg;
	put_file(ring, path, bytes);
	EXPECT_NE(checksum(ring, path), right) << "the kernel's helper has no bug to fix";

	Swapctl apply = g.patch({ "apply", bundle_path("checksum_fix") });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	EXPECT_TRUE(has(apply.out, "function fs_checksum_update: binary patch")) << apply.out;
	EXPECT_TRUE(has(apply.out, "caller fs_checksum: kept, but no thread may be inside it"))
		<< apply.out;
	EXPECT_TRUE(std::regex_search(apply.out, std::regex("jumps into 1 functions .* vCPUs paused")))
		<< apply.out;
	EXPECT_EQ(checksum(ring, path), right) << "the fix is not what runs";

	Swapctl rollback = g.patch({ "rollback", "checksum-fix" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	EXPECT_NE(checksum(ring, path), right) << "the original bytes are not back";
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// The planner's refusals reach the user: serve_nop (xor eax, eax; ret)
// has no room for the jump. Nothing is journaled or written.
TEST(BinaryPatch, AFunctionTooShortForTheJumpIsRefusedWithItsReasonAndNothingChanges)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "bin-short", &why)) << why;
	Swapctl apply = g.patch({ "apply", bundle_path("too_short") });
	std::string said = apply.out + apply.err;
	EXPECT_EQ(apply.status, 1) << said;
	EXPECT_TRUE(std::regex_search(said, std::regex(
		"function serve_nop at 0x[0-9a-f]+ \\(3 bytes\\): refused: shorter than the 5-byte "
		"jmp rel32"))) << said;
	EXPECT_TRUE(has(g.listed_state("too-short"), "not listed")) << "it was journaled";
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// 100 cycles: under CI's sandbox about 3 s each. The files' random bytes
// make the two sums differ, so a right checksum was summed by the patch's
// replacement and a buggy one by the kernel's own helper.
TEST(BinaryPatch, HundredAppliesAndRollbacksUnderLoadLoseNothing)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "bin-cycles", &why)) << why;
	BackgroundLoad load;
	ASSERT_TRUE(load.start(g, "bin-cycles"));
	for (int i = 0; i < 100 && !HasFatalFailure(); i++) {
		SCOPED_TRACE("cycle " + std::to_string(i));
		Swapctl apply = g.patch({ "apply", bundle_path("checksum_fix") });
		ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
		Swapctl rollback = g.patch({ "rollback", "checksum-fix" });
		ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	}
	Loadgen run = load.stop();
	expect_all_right(run, 1);
	uint64_t right = field(run.json, "checksums_right"), buggy = field(run.json, "checksums_buggy");
	EXPECT_GT(right, 0u) << "not called while patched: " << run.err;
	EXPECT_GT(buggy, 0u) << "not called unpatched: " << run.err;
	std::printf("checksums under load: %llu right (patched), %llu with the bug (unpatched)\n",
		    (unsigned long long)right, (unsigned long long)buggy);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

TEST(BinaryPatch, KilledAfterEachJournalLineTheNextMonitorRollsTheJumpsBack)
{
	PatchGuest g;
	std::string why;
	ASSERT_TRUE(g.start_trusting_test_key(2, "bin-crash", &why)) << why;
	Swapctl apply = g.patch({ "apply", bundle_path("checksum_fix") });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	size_t lines = g.journal("checksum-fix").size();
	Swapctl rollback = g.patch({ "rollback", "checksum-fix" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;

	const std::string path = "/checksum-probe";
	const std::vector<uint8_t> bytes = every_byte();
	Ring ring(g.socket());
	ASSERT_NE(ring.s, nullptr) << ring.msg;
	put_file(ring, path, bytes);
	for (size_t n = 1; n <= lines && !HasFatalFailure(); n++) {
		SCOPED_TRACE("killed after journal line " + std::to_string(n) + " of " +
			     std::to_string(lines));
		killed_after(g.socket(), "checksum-fix", { "apply", bundle_path("checksum_fix") }, n);
		bool commits = reached_committing(g.journal("checksum-fix"));
		ASSERT_EQ(g.listed_state("checksum-fix"), commits ? "committed" : "rolled-back");
		EXPECT_EQ(checksum(ring, path) == sv_adler32(bytes.data(), bytes.size()), commits)
			<< "the code that runs is not what the journal says";
		if (commits) {
			Swapctl back = g.patch({ "rollback", "checksum-fix" });
			ASSERT_EQ(back.status, 0) << back.out << back.err;
		}
	}
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// The test kernel's hold services (tests/guest/hold_target.c).
class HoldGuest : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string why;
		g.use_test_kernel();
		ASSERT_TRUE(g.start_trusting_test_key(2, "bin-hold", &why)) << why;
		ring = std::make_unique<Ring>(g.socket());
		ASSERT_NE(ring->s, nullptr) << ring->msg;
	}

	void TearDown() override
	{
		ring.reset();
		EXPECT_EQ(g.stop(), 0) << g.log();
	}

	static rs_request call(const std::string &service, const std::string &payload)
	{
		return ring_request(kOpCall, service, payload.data(), payload.size());
	}

	// A hold on queue q ("spin MS", "sleep MS", "forever"), left outstanding.
	uint64_t hold(unsigned q, const std::string &payload)
	{
		static const std::string service = "hold";
		rs_request r = call(service, payload);
		uint64_t tag = 0;
		EXPECT_EQ(rs_post(ring->s, q, &r, &tag, ring->msg, sizeof(ring->msg)), 0) << ring->msg;
		return tag;
	}

	uint64_t answer_of(unsigned q, uint64_t tag)
	{
		rs_answer ans{};
		EXPECT_EQ(rs_wait(ring->s, q, tag, kTimeoutMs, &ans, ring->msg, sizeof(ring->msg)), 0)
			<< ring->msg;
		EXPECT_EQ(ans.status, 0);
		return ans.value;
	}

	uint64_t service(const std::string &name)
	{
		rs_answer ans = ring->call(0, call(name, ""));
		EXPECT_EQ(ans.status, 0) << name;
		return ans.value;
	}

	// Until `n` threads are inside the kernel's hold_target.
	void wait_inside(uint64_t n)
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
		while (service("hold-count") < n && std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		ASSERT_EQ(service("hold-count"), n);
	}

	PatchGuest g;
	std::unique_ptr<Ring> ring;
};

constexpr uint64_t kKernelBody = 1, kPatchBody = 2; // hold_target.h, hold_v2.c

// One thread spins in hold_target on CPU 1, one sleeps in it on CPU 0:
// the monitor stops the world, finds them, resumes and tries again,
// naming both while it waits, and writes the jump once they have left.
TEST_F(HoldGuest, APatchWaitsForThreadsRunningAndSleepingInsideAndAppliesWhenTheyLeave)
{
	uint64_t sleeper = hold(0, "sleep 4000"), spinner = hold(1, "spin 4000");
	wait_inside(2);
	Swapctl apply = g.patch({ "apply", bundle_path("hold_v2"), "--stop-wait", "120" });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	EXPECT_TRUE(std::regex_search(apply.out, std::regex(
		"waited [0-9]+ times over [0-9.]+ m?s for threads 0x[0-9a-f]+, 0x[0-9a-f]+ to leave "
		"hold_target\\(\\)"))) << apply.out;
	EXPECT_TRUE(std::regex_search(apply.out, std::regex(
		"blocked: thread 0x[0-9a-f]+ \\((running on CPU 1\\) is in|switched out, CPU 1\\) "
		"has) hold_target\\(\\)"))) << "the spinner" << apply.out;
	EXPECT_TRUE(std::regex_search(apply.out, std::regex(
		"blocked: thread 0x[0-9a-f]+ \\(switched out, CPU 0\\) has hold_target\\(\\) on "
		"its stack"))) << "the sleeper" << apply.out;
	EXPECT_EQ(answer_of(0, sleeper), kKernelBody) << "the sleeper finished the old body";
	EXPECT_EQ(answer_of(1, spinner), kKernelBody);
	EXPECT_EQ(service("hold-probe"), kPatchBody) << "new callers do not get the patch";

	Swapctl rollback = g.patch({ "rollback", "hold-v2" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	EXPECT_EQ(service("hold-probe"), kKernelBody) << "the rollback left the jump";
}

// A thread that never leaves: the monitor gives up at its limit naming
// it, the patch is rolled back and the kernel's body still answers.
TEST_F(HoldGuest, AThreadThatNeverLeavesMakesThePatchGiveUpNamingItWithNothingChanged)
{
	uint64_t holder = hold(0, "forever");
	wait_inside(1);
	Swapctl apply = g.patch({ "apply", bundle_path("hold_v2") });
	std::string said = apply.out + apply.err;
	EXPECT_EQ(apply.status, 1) << said;
	EXPECT_TRUE(std::regex_search(said, std::regex(
		"gave up after [0-9]+ attempts over [0-9.]+ s: thread 0x[0-9a-f]+ \\(switched out, "
		"CPU 0\\) has hold_target\\(\\) on its stack"))) << said;
	EXPECT_TRUE(has(said, "rolled back")) << said;
	EXPECT_EQ(g.listed_state("hold-v2"), "rolled-back");
	EXPECT_EQ(service("hold-probe"), kKernelBody);
	EXPECT_EQ(service("hold-release"), 1u);
	EXPECT_EQ(answer_of(0, holder), kKernelBody);
}

// branch_target (tests/guest/branch_target.S) loops back to offset 2:
// its entry cannot take the jump, and the monitor says why.
TEST_F(HoldGuest, ABranchIntoTheBytesTheJumpWouldOverwriteIsRefusedWithItsReason)
{
	Swapctl apply = g.patch({ "apply", bundle_path("branch_into_entry") });
	std::string said = apply.out + apply.err;
	EXPECT_EQ(apply.status, 1) << said;
	EXPECT_TRUE(std::regex_search(said, std::regex(
		"function branch_target at 0x[0-9a-f]+ \\(9 bytes\\): refused: jg 0x[0-9a-f]+ at "
		"\\+0x6 branches to \\+0x2, inside the 5 bytes the jump overwrites"))) << said;
	EXPECT_TRUE(has(g.listed_state("branch-into-entry"), "not listed")) << "it was journaled";
}

} // namespace
