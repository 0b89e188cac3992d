// SPDX-License-Identifier: GPL-2.0-only
// pause with every vCPU's registers, resume with all-or-nothing writes and
// the stop's length (docs/control-protocol.md), against the flag guest:
// every vCPU spins reading `flag`, and CPU 0 exits with its low 7 bits
// once it changes, so the exit status proves a write landed and was seen
// after the resume.
#include "test_guest_vm.hh"

namespace {

constexpr uint64_t kFlagInitial = 0x1111111111111111ull;

class ResumeWrites : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string why;
		ASSERT_TRUE(vm_.start("flag", 2, &why)) << why;
		flag_ = vm_.symbol("flag");
		progress_ = vm_.symbol("progress");
		ASSERT_NE(flag_, 0u);
		ASSERT_TRUE(vm_.wait_nonzero(progress_)) << vm_.log();
		ASSERT_TRUE(vm_.wait_nonzero(progress_ + 8)) << vm_.log();
	}

	static std::string write(uint64_t gpa, const std::string &old_hex, const std::string &new_hex)
	{
		char addr[24];
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)gpa);
		return std::string(R"({"addr":")") + addr + R"(","old":")" + old_hex +
		       R"(","new":")" + new_hex + "\"}";
	}

	TestGuestVm vm_;
	uint64_t flag_ = 0, progress_ = 0;
};

TEST_F(ResumeWrites, PauseWithRegsGivesEveryVcpuInsideTheGuestsLoop)
{
	std::string r = vm_.request(R"({"cmd":"pause","regs":true})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "held"), 1u);
	ASSERT_EQ(jf_array_size(r.c_str(), "cpus"), 2) << r;
	for (unsigned cpu = 0; cpu < 2; cpu++) {
		std::string at = "cpus." + std::to_string(cpu);
		uint64_t rip = json_u64(r, (at + ".regs.rip").c_str(), 0), off = 0;
		char fn[64] = "";

		EXPECT_EQ(json_u64(r, (at + ".cpu").c_str()), cpu);
		ASSERT_EQ(elf_symbolize(vm_.kernel().c_str(), rip, fn, sizeof(fn), &off), 0)
			<< "cpu " << cpu << " rip 0x" << std::hex << rip;
		EXPECT_STREQ(fn, "guest_main") << "cpu " << cpu;
		EXPECT_NE(json_u64(r, (at + ".regs.cr3").c_str(), 0), 0u);
		EXPECT_NE(json_u64(r, (at + ".regs.rsp").c_str(), 0), 0u);
	}
	r = vm_.request(R"({"cmd":"resume"})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_GT(json_u64(r, "paused_ns", 0), 0u) << r;
	std::cout << "[ measure  ] bare pause with regs -> resume: paused_ns "
		  << json_u64(r, "paused_ns", 0) << "\n";
}

TEST_F(ResumeWrites, AStaleOldWritesNothingAndKeepsThePause)
{
	uint64_t spare = progress_ + 8 * 63; // no vCPU 63: nobody writes it
	std::string stale = R"({"cmd":"resume","writes":[)" + write(spare, hex_of(0), hex_of(7)) +
			    "," + write(flag_, hex_of(0x2222222222222222ull), hex_of(0x2a)) + "]}";

	std::string r = vm_.request(stale);
	EXPECT_NE(json_str(r, "error").find("holds no pause"), std::string::npos) << r;

	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})")));
	r = vm_.request(stale);
	ASSERT_FALSE(json_ok(r)) << r;
	std::string error = json_str(r, "error");
	EXPECT_NE(error.find("writes[1] at 0x"), std::string::npos) << error;
	EXPECT_NE(error.find("memory holds " + hex_of(kFlagInitial)), std::string::npos) << error;
	EXPECT_NE(error.find("not \"old\" " + hex_of(0x2222222222222222ull)), std::string::npos) << error;
	EXPECT_NE(error.find("the pause is still held"), std::string::npos) << error;
	EXPECT_EQ(vm_.read_u64(spare), 0u); // writes[0] matched, yet was not made

	// Still paused: nothing moves, and status says so.
	uint64_t p0 = vm_.read_u64(progress_);
	std::this_thread::sleep_for(std::chrono::milliseconds(200));
	EXPECT_EQ(vm_.read_u64(progress_), p0);
	r = vm_.request(R"({"cmd":"status"})");
	int paused = 0;
	EXPECT_EQ(jf_bool(r.c_str(), "paused", &paused), 0);
	EXPECT_TRUE(paused) << r;

	// Outside RAM: refused the same way.
	r = vm_.request(R"({"cmd":"resume","writes":[)" + write(0xfffff000ull, "00", "01") + "]}");
	EXPECT_NE(json_str(r, "error").find("outside guest RAM"), std::string::npos) << r;

	r = vm_.request(R"({"cmd":"resume","writes":[)" + write(spare, hex_of(0), hex_of(7)) + "]}");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "written"), 1u);
	EXPECT_EQ(json_u64(r, "held"), 0u);
	EXPECT_GT(json_u64(r, "paused_ns", 0), 0u) << r;
	EXPECT_EQ(vm_.read_u64(spare), 7u);
	bool moved = false;
	for (int i = 0; i < 6000 && !moved; i++) {
		moved = vm_.read_u64(progress_) != p0;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	EXPECT_TRUE(moved);
}

TEST_F(ResumeWrites, TheWriteLandsAndTheGuestSeesItAfterTheResume)
{
	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})")));
	EXPECT_EQ(vm_.read_u64(flag_), kFlagInitial);
	std::string r = vm_.request(R"({"cmd":"resume","writes":[)" +
				    write(flag_, hex_of(kFlagInitial), hex_of(0x2a)) + "]}");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "written"), 1u);
	EXPECT_EQ(vm_.wait_exit(), 0x2a) << vm_.log();
}

TEST_F(ResumeWrites, PausedNsComesOnlyWithTheResumeThatLetsTheVmRun)
{
	int other = vm_.connect();
	ASSERT_GT(other, 0);

	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})")));
	std::this_thread::sleep_for(std::chrono::milliseconds(100));
	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})")));
	ASSERT_TRUE(json_ok(vm_.request(R"({"cmd":"pause"})", other)));

	std::string r = vm_.request(R"({"cmd":"resume"})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "held"), 1u);
	EXPECT_EQ(json_u64(r, "paused_ns", 0), 0u) << r; // absent: still held
	r = vm_.request(R"({"cmd":"resume"})");
	ASSERT_TRUE(json_ok(r)) << r;
	EXPECT_EQ(json_u64(r, "paused_ns", 0), 0u) << r; // the other connection holds one
	int paused = 0;
	EXPECT_EQ(jf_bool(r.c_str(), "paused", &paused), 0);
	EXPECT_TRUE(paused);

	r = vm_.request(R"({"cmd":"resume"})", other);
	ASSERT_TRUE(json_ok(r)) << r;
	// From the first pause of this stop, not the other connection's.
	EXPECT_GE(json_u64(r, "paused_ns", 0), 100000000u) << r;
}

} // namespace
