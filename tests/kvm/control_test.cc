// SPDX-License-Identifier: GPL-2.0-only
// The control socket against a running guest: pause and resume, registers,
// physical reads, translation through the guest's own page tables, status,
// errors that keep the connection usable, quit. The spin guest maps two
// addresses itself on CPU 0 (see tests/guests/spin.c).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <unistd.h>

#include "control_client.h"
#include "elf_symbols.h"
#include "json_fields.h"
#include "paths.hh"
#include "process.h"

namespace {

constexpr uint64_t kVa4k = 0x00007f0000001000ull;
constexpr uint64_t kVa2m = 0x00007f0000200000ull;
constexpr uint64_t kMagic = 0x5eed5eed5eed5eedull;

class ControlSocket : public ::testing::Test {
protected:
	void SetUp() override
	{
		kernel_ = guest_path("spin");
		socket_ = "/tmp/sv-control-test-" + std::to_string(getpid()) + ".sock";
		log_ = "/tmp/sv-control-test-" + std::to_string(getpid()) + ".log";
		swapvisor_ = build_path("vmm/swapvisor");
		const char *argv[] = { swapvisor_.c_str(), "run", "--kernel", kernel_.c_str(),
				       "--cpus", "2", "--control", socket_.c_str(), nullptr };
		pid_ = proc_spawn(argv, log_.c_str());
		ASSERT_GT(pid_, 0);
		fd_ = ctl_connect(socket_.c_str(), 60);
		ASSERT_GE(fd_, 0) << "no control socket: " << log();
		ASSERT_TRUE(wait_ready()) << log();
	}

	void TearDown() override
	{
		if (fd_ >= 0 && !reaped_)
			request(R"({"cmd":"quit"})");
		if (fd_ >= 0)
			close(fd_);
		if (pid_ > 0 && !reaped_) {
			EXPECT_EQ(proc_wait(pid_, 30), 0) << log(); // killed if it hangs
		}
		unlink(log_.c_str());
	}

	std::string log()
	{
		char *text = read_text_file(log_.c_str());
		std::string s = text ? text : "";
		free(text);
		return s;
	}

	std::string request(const std::string &req)
	{
		char resp[8192];
		EXPECT_EQ(ctl_request(fd_, req.c_str(), resp, sizeof(resp)), 0) << req;
		return resp;
	}

	uint64_t read_u64(uint64_t gpa)
	{
		std::string r = request("{\"cmd\":\"read-phys\",\"addr\":" + std::to_string(gpa) +
					",\"len\":8}");
		char hex[64];
		EXPECT_EQ(jf_string(r.c_str(), "data", hex, sizeof(hex)), 0) << r;
		uint64_t v = 0; // little-endian bytes as hex
		for (int i = 7; i >= 0; i--)
			v = v << 8 | std::stoul(std::string(hex + 2 * i, 2), nullptr, 16);
		return v;
	}

	bool wait_ready()
	{
		uint64_t ready = elf_symbol(kernel_.c_str(), "ready");
		for (int i = 0; i < 6000; i++) {
			if (read_u64(ready) == 1)
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		return false;
	}

	uint64_t progress(unsigned cpu)
	{
		return read_u64(elf_symbol(kernel_.c_str(), "progress") + 8 * cpu);
	}

	std::string kernel_, socket_, log_, swapvisor_;
	pid_t pid_ = -1;
	int fd_ = -1;
	bool reaped_ = false;
};

TEST_F(ControlSocket, PauseFreezesEveryVcpuAndResumeReleasesThem)
{
	std::string r = request(R"({"cmd":"pause"})");
	int ok = 0;
	ASSERT_EQ(jf_bool(r.c_str(), "ok", &ok), 0) << r;
	ASSERT_TRUE(ok) << r;

	uint64_t p0 = progress(0), p1 = progress(1);
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	EXPECT_EQ(progress(0), p0);
	EXPECT_EQ(progress(1), p1);

	r = request(R"({"cmd":"status"})");
	char state[32];
	ASSERT_EQ(jf_string(r.c_str(), "cpus.0.state", state, sizeof(state)), 0) << r;
	EXPECT_STREQ(state, "paused");

	r = request(R"({"cmd":"resume"})");
	ASSERT_EQ(jf_bool(r.c_str(), "ok", &ok), 0) << r;
	EXPECT_TRUE(ok) << r;
	bool moved = false;
	for (int i = 0; i < 6000 && !moved; i++) {
		moved = progress(0) != p0 && progress(1) != p1;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	EXPECT_TRUE(moved);
}

TEST_F(ControlSocket, TranslateWalksEachVcpusOwnPageTables)
{
	char va[32];
	std::snprintf(va, sizeof(va), "\"0x%llx\"", (unsigned long long)kVa4k);
	std::string r = request(std::string(R"({"cmd":"translate","cpu":0,"vaddr":)") + va + "}");
	uint64_t paddr = 0;
	ASSERT_EQ(jf_u64(r.c_str(), "paddr", &paddr), 0) << r;
	EXPECT_EQ(paddr, elf_symbol(kernel_.c_str(), "target_page"));
	EXPECT_EQ(read_u64(paddr), kMagic); // the guest wrote it through the mapping

	std::snprintf(va, sizeof(va), "\"0x%llx\"", (unsigned long long)(kVa2m + 0x1234));
	r = request(std::string(R"({"cmd":"translate","cpu":0,"vaddr":)") + va + "}");
	ASSERT_EQ(jf_u64(r.c_str(), "paddr", &paddr), 0) << r;
	EXPECT_EQ(paddr, 0x201234u);

	// CPU 1 still runs on the boot tables, where the address is unmapped.
	std::snprintf(va, sizeof(va), "\"0x%llx\"", (unsigned long long)kVa4k);
	r = request(std::string(R"({"cmd":"translate","cpu":1,"vaddr":)") + va + "}");
	char error[256] = "";
	ASSERT_EQ(jf_string(r.c_str(), "error", error, sizeof(error)), 0) << r;
	EXPECT_NE(std::string(error).find("not mapped"), std::string::npos) << error;
}

TEST_F(ControlSocket, RegsOfARunningVcpuComeFromABriefPause)
{
	std::string r = request(R"({"cmd":"regs","cpu":1})");
	uint64_t rip = 0;
	int brief = 0;
	ASSERT_EQ(jf_u64(r.c_str(), "regs.rip", &rip), 0) << r;
	EXPECT_GE(rip, 0x100000u); // inside the guest's text
	ASSERT_EQ(jf_bool(r.c_str(), "paused_briefly", &brief), 0) << r;
	EXPECT_TRUE(brief);
}

TEST_F(ControlSocket, BadRequestsGetErrorsAndTheConnectionStaysUsable)
{
	const char *bad[] = {
		"{not json",
		R"(["status"])",
		R"({"cmd":"dance"})",
		R"({"cmd":"regs"})",
		R"({"cmd":"regs","cpu":7})",
		R"({"cmd":"read-phys","addr":"0xffffffffff000","len":16})",
		R"({"cmd":"read-phys","addr":0,"len":0})",
	};
	for (const char *req : bad) {
		std::string r = request(req);
		int ok = 1;
		char error[256] = "";
		ASSERT_EQ(jf_bool(r.c_str(), "ok", &ok), 0) << req << " -> " << r;
		EXPECT_FALSE(ok) << req;
		EXPECT_EQ(jf_string(r.c_str(), "error", error, sizeof(error)), 0) << r;
		EXPECT_GT(strlen(error), 10u) << req;
	}
	std::string r = request(R"({"cmd":"status","id":42})");
	uint64_t id = 0;
	EXPECT_EQ(jf_u64(r.c_str(), "id", &id), 0) << r;
	EXPECT_EQ(id, 42u);
	EXPECT_EQ(jf_array_size(r.c_str(), "cpus"), 2);
}

TEST_F(ControlSocket, SwapctlStatusShowsEveryVcpuAndQuitEndsTheVm)
{
	std::string swapctl = build_path("tools/swapctl");
	const char *status_argv[] = { swapctl.c_str(), "-s", socket_.c_str(), "status", nullptr };
	proc_result res{};
	ASSERT_EQ(proc_run(status_argv, 60, &res), 0);
	EXPECT_EQ(res.status, 0) << res.err;
	std::string out = res.out;
	proc_free(&res);
	for (const char *line_start : { "\n0 ", "\n1 " })
		EXPECT_NE(out.find(line_start), std::string::npos) << out;

	const char *quit_argv[] = { swapctl.c_str(), "-s", socket_.c_str(), "quit", "7", nullptr };
	ASSERT_EQ(proc_run(quit_argv, 60, &res), 0);
	EXPECT_EQ(res.status, 0) << res.err;
	proc_free(&res);
	EXPECT_EQ(proc_wait(pid_, 60), 7) << log();
	reaped_ = true;
}

} // namespace
