// SPDX-License-Identifier: GPL-2.0-only
// The guest's services under load from the host (issue 6): the load
// generator's PostMark-like, SDET-like and malformed mixes on 1, 2 and 4
// vCPUs with every response right; a load generator killed mid-run and
// the next one served; the autonomic FCM swaps seen from the host with a
// file's contents checked across each; forced FCM swaps under load with
// no response lost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adler32.h"
#include "ring_requests.hh"
#include "ring_session.h"
#include "loadgen_run.hh"
#include "running_guest.hh"

namespace {

using namespace std::chrono_literals;

constexpr int kTimeoutMs = 10000;
constexpr uint32_t kOpCreate = 1, kOpMkdir = 2, kOpWrite = 3, kOpRead = 5, kOpChecksum = 15;
constexpr int32_t kEnoent = -2, kEisdir = -21;
constexpr uint64_t kPage = 4096;

class ServicesOnCpus : public ::testing::TestWithParam<unsigned> {};

TEST_P(ServicesOnCpus, EveryMixIsServedRight)
{
	RunningGuest g;
	std::string why;
	ASSERT_TRUE(g.start(GetParam(), "mixes", &why)) << why;
	const std::string json = temp_path("mix.json");
	for (const char *mix : { "postmark", "sdet", "malformed" }) {
		SCOPED_TRACE(mix);
		expect_all_right(run_loadgen(loadgen_argv(g, mix, 2000, json), 600), 2000);
	}
	EXPECT_EQ(g.stop(), 0) << g.log();
}

INSTANTIATE_TEST_SUITE_P(Vcpus, ServicesOnCpus, ::testing::Values(1u, 2u, 4u),
			 [](const auto &info) { return std::to_string(info.param) + "vcpus"; });

TEST(Services, KillingTheLoadGeneratorMidRunLeavesTheGuestServing)
{
	RunningGuest g;
	std::string why;
	ASSERT_TRUE(g.start(2, "kill", &why)) << why;
	const std::string json = temp_path("kill.json"), log = temp_path("kill.log");
	pid_t pid = proc_spawn(c_argv(loadgen_argv(g, "postmark", 1000000, json)).data(),
			       log.c_str());
	ASSERT_GT(pid, 0);
	std::this_thread::sleep_for(2s); // well into its transactions
	ASSERT_EQ(kill(pid, SIGKILL), 0);
	EXPECT_EQ(proc_wait(pid, 30), 128 + SIGKILL);
	unlink(log.c_str());

	expect_all_right(run_loadgen(loadgen_argv(g, "postmark", 500, json), 300), 500);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// A file written through queue 0, then read back whole, page by page,
// from the queues given: every page must hold what was written.
class OneFile {
public:
	OneFile(ring_session *s, const std::string &path, unsigned pages)
		: s_(s), path_(path), pages_(pages)
	{
	}

	void write_all()
	{
		rs_request r = request(kOpCreate, 0, 0);
		ASSERT_EQ(call(0, r).status, 0);
		for (unsigned p = 0; p < pages_; p++) {
			std::vector<uint8_t> page = expected(p);
			rs_request w = request(kOpWrite, p * kPage, kPage);
			w.data = page.data();
			ASSERT_EQ(call(0, w).status, 0) << "page " << p;
		}
	}

	void check_page(unsigned q, unsigned p)
	{
		auto ans = call_answer(q, request(kOpRead, p * kPage, kPage));
		ASSERT_EQ(ans->status, 0) << "page " << p << " from queue " << q;
		ASSERT_EQ(ans->len, kPage);
		EXPECT_EQ(std::memcmp(ans->data, expected(p).data(), kPage), 0)
			<< "page " << p << " from queue " << q;
	}

private:
	std::vector<uint8_t> expected(unsigned p) const
	{
		std::vector<uint8_t> page(kPage);
		for (size_t i = 0; i < kPage; i++)
			page[i] = (uint8_t)(p * 131 + i * 7 + path_.size());
		return page;
	}

	rs_request request(uint32_t op, uint64_t offset, uint64_t len) const
	{
		rs_request r = ring_request(op, path_);
		r.offset = offset;
		r.len = len;
		return r;
	}

	std::unique_ptr<rs_answer> call_answer(unsigned q, const rs_request &r)
	{
		auto ans = std::make_unique<rs_answer>();
		char msg[256];
		EXPECT_EQ(rs_call(s_, q, &r, kTimeoutMs, ans.get(), msg, sizeof(msg)), 0) << msg;
		return ans;
	}

	rs_answer call(unsigned q, const rs_request &r) { return *call_answer(q, r); }

	ring_session *s_;
	std::string path_;
	unsigned pages_;
};

uint64_t guest_stat(RunningGuest &g, const char *name)
{
	return field(g.request(R"({"cmd":"guest-stats"})"), (std::string("stats.fs.") + name).c_str());
}

// Waits (reading through `step`) until the guest's counter `name` passes
// `floor`; false after `tries` steps.
template <typename Step>
bool until_stat_above(RunningGuest &g, const char *name, uint64_t floor, int tries, Step step)
{
	for (int i = 0; i < tries; i++) {
		if (guest_stat(g, name) > floor)
			return true;
		step(i);
	}
	return guest_stat(g, name) > floor;
}

TEST(Services, AutonomicSwapsFollowTheAccessAndTheFileSurvivesEach)
{
	RunningGuest g;
	std::string why;
	ASSERT_TRUE(g.start(2, "autonomic", &why)) << why;
	char msg[512];
	ring_session *s = rs_attach(g.socket().c_str(), msg, sizeof(msg));
	ASSERT_NE(s, nullptr) << msg;
	constexpr unsigned kPages = 24;
	OneFile file(s, "/autonomic", kPages);
	file.write_all();

	// Both CPUs read it at once: the monitor asks for the replicated FCM.
	uint64_t to_replicated = guest_stat(g, "swaps_to_replicated");
	EXPECT_TRUE(until_stat_above(g, "swaps_to_replicated", to_replicated, 200, [&](int i) {
		file.check_page(0, (unsigned)i % kPages);
		file.check_page(1, (unsigned)(i + 5) % kPages);
	}));
	// Then one CPU alone: back to shared.
	uint64_t to_shared = guest_stat(g, "swaps_to_shared");
	EXPECT_TRUE(until_stat_above(g, "swaps_to_shared", to_shared, 200, [&](int i) {
		file.check_page(0, (unsigned)(i * 7) % kPages);
		std::this_thread::sleep_for(5ms);
	}));
	// A sequential scan of more than 20 pages: the sequential FCM ...
	uint64_t to_seq = guest_stat(g, "swaps_to_sequential");
	EXPECT_TRUE(until_stat_above(g, "swaps_to_sequential", to_seq, 4, [&](int) {
		for (unsigned p = 0; p < kPages; p++)
			file.check_page(0, p);
	}));
	// ... and random reads take it back.
	uint64_t from_seq = guest_stat(g, "swaps_from_sequential");
	EXPECT_TRUE(until_stat_above(g, "swaps_from_sequential", from_seq, 40, [&](int i) {
		file.check_page(0, (unsigned)(i * 11 + 3) % kPages);
	}));
	for (unsigned p = 0; p < kPages; p++)
		file.check_page(1, p);
	EXPECT_EQ(guest_stat(g, "swaps_failed"), 0u);
	rs_detach(s);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

TEST(Services, FcmSwapsUnderLoadLoseNoResponse)
{
	RunningGuest g;
	std::string why;
	ASSERT_TRUE(g.start(2, "swaps", &why)) << why;
	const std::string json = temp_path("swaps.json");
	Loadgen run;
	std::atomic<bool> done{ false };
	std::thread load([&] {
		run = run_loadgen(loadgen_argv(g, "sdet", 6000, json), 600);
		done = true;
	});
	uint64_t before = guest_stat(g, "swaps_to_replicated") + guest_stat(g, "swaps_to_shared");
	// Every open file's FCM swapped one way, then back, for as long as
	// the load runs.
	for (int i = 0; !done; i++) {
		const char *policy = i % 2 ? "shared" : "replicated";
		std::string r = g.request(std::string(R"({"cmd":"fcm-policy","policy":")") +
					  policy + "\"}");
		EXPECT_NE(r.find("\"ok\":true"), std::string::npos) << r;
		std::this_thread::sleep_for(200ms);
	}
	load.join();
	expect_all_right(run, 6000);
	uint64_t after = guest_stat(g, "swaps_to_replicated") + guest_stat(g, "swaps_to_shared");
	EXPECT_GT(after, before) << "no FCM was swapped while the load ran";
	EXPECT_EQ(guest_stat(g, "swaps_failed"), 0u);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

// SV_OP_CHECKSUM: Adler-32 as zlib computes it (here unsigned bytes) of a
// file read in several pieces; a file with bytes >= 0x80 gets exactly the
// known wrong answer (guest/fs/fs_checksum.c: bytes as signed char) that
// the checksum-fix binary patch fixes; a directory and a missing file are
// refused.
TEST(Services, ChecksumIsAdler32ForAsciiAndWrongForHighBytes)
{
	RunningGuest g;
	std::string why;
	ASSERT_TRUE(g.start(1, "checksum", &why)) << why;
	char msg[512];
	ring_session *s = rs_attach(g.socket().c_str(), msg, sizeof(msg));
	ASSERT_NE(s, nullptr) << msg;
	auto call = [&](uint32_t op, const std::string &path, const std::vector<uint8_t> &data) {
		rs_request r = ring_request(op, path, data.data(), data.size());
		auto ans = std::make_unique<rs_answer>();
		EXPECT_EQ(rs_call(s, 0, &r, kTimeoutMs, ans.get(), msg, sizeof(msg)), 0) << msg;
		return *ans;
	};
	std::vector<uint8_t> ascii(3000), high(512);
	for (size_t i = 0; i < ascii.size(); i++)
		ascii[i] = (uint8_t)('a' + i % 26);
	for (size_t i = 0; i < high.size(); i++)
		high[i] = (uint8_t)(i * 7);
	for (const auto &[path, bytes] : { std::pair{ "/ascii", ascii }, std::pair{ "/high", high } }) {
		ASSERT_EQ(call(kOpCreate, path, {}).status, 0);
		ASSERT_EQ(call(kOpWrite, path, bytes).status, 0);
	}
	rs_answer sum = call(kOpChecksum, "/ascii", {});
	EXPECT_EQ(sum.status, 0);
	EXPECT_EQ((uint32_t)sum.value, sv_adler32(ascii.data(), ascii.size()));
	sum = call(kOpChecksum, "/high", {});
	EXPECT_EQ(sum.status, 0);
	EXPECT_NE((uint32_t)sum.value, sv_adler32(high.data(), high.size()))
		<< "the kernel's known bug is gone";
	EXPECT_EQ((uint32_t)sum.value, sv_adler32_signed_char(high.data(), high.size()));
	ASSERT_EQ(call(kOpMkdir, "/dir", {}).status, 0);
	EXPECT_EQ(call(kOpChecksum, "/dir", {}).status, kEisdir);
	EXPECT_EQ(call(kOpChecksum, "/missing", {}).status, kEnoent);
	rs_detach(s);
	EXPECT_EQ(g.stop(), 0) << g.log();
}

} // namespace
