// SPDX-License-Identifier: GPL-2.0-only
// The guest kernel's self-tests (tests/guest/*.c, SV_TEST) as GoogleTest
// cases: the test kernel lists its tests, each becomes one case per vCPU
// count, and one boot per vCPU count runs them all. Crash tests, which end
// the kernel on purpose, get a boot of their own and a check of how it ended.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "paths.hh"
#include "process.h"

namespace {

struct Boot {
	int status = 0;
	std::string out, err;
};

// One boot runs every self-test: a few seconds to a minute in the CI
// sandbox, so ten minutes means it hung. A self-test is a verdict, never
// a timing.
constexpr int BOOT_TIMEOUT_S = 600;

Boot boot_test_kernel(unsigned cpus, const std::string &tests)
{
	std::string bin = build_path("vmm/swapvisor");
	std::string kernel = build_path("tests/guest/sv-kernel-test.elf");
	std::string ncpus = std::to_string(cpus), arg = "test=" + tests;
	const char *argv[] = { bin.c_str(), "run", "--kernel", kernel.c_str(), "--cpus",
			       ncpus.c_str(), "--", arg.c_str(), nullptr };
	proc_result res{};
	Boot b;

	if (proc_run(argv, BOOT_TIMEOUT_S, &res) != 0) {
		b.status = -1;
		return b;
	}
	b.status = res.status;
	b.out = res.out;
	b.err = res.err;
	proc_free(&res);
	return b;
}

struct Verdict {
	bool passed = false;
	std::string line; // the VMM's report line
};

// One boot per vCPU count, run on first use and shared by its cases.
const std::map<std::string, Verdict> &results_for(unsigned cpus, Boot **boot_out)
{
	static std::map<unsigned, std::map<std::string, Verdict>> results;
	static std::map<unsigned, Boot> boots;

	if (!boots.count(cpus)) {
		boots[cpus] = boot_test_kernel(cpus, "all");
		std::istringstream lines(boots[cpus].err);
		const std::string prefix = "swapvisor: guest test ";
		for (std::string line; std::getline(lines, line);) {
			if (line.rfind(prefix, 0) != 0)
				continue;
			std::string rest = line.substr(prefix.size());
			std::string verdict = rest.substr(0, 4);
			std::string name = rest.substr(5, rest.find_first_of(" :", 5) - 5);
			results[cpus][name] = Verdict{ verdict == "PASS", line };
		}
	}
	*boot_out = &boots[cpus];
	return results[cpus];
}

class GuestSelfTest : public ::testing::Test {
public:
	GuestSelfTest(std::string name, unsigned cpus) : name_(std::move(name)), cpus_(cpus) {}

	void TestBody() override
	{
		Boot *boot;
		const auto &results = results_for(cpus_, &boot);
		auto it = results.find(name_);
		ASSERT_NE(it, results.end())
			<< "no report for " << name_ << " (kernel exit " << boot->status
			<< ")\n" << boot->out << boot->err;
		EXPECT_TRUE(it->second.passed) << it->second.line;
	}

private:
	std::string name_;
	unsigned cpus_;
};

std::vector<std::string> list_guest_tests()
{
	Boot b = boot_test_kernel(1, "list");
	std::vector<std::string> names;
	std::istringstream lines(b.out);
	for (std::string line; std::getline(lines, line);)
		if (line.rfind("sv-test: ", 0) == 0 && line.find("(explicit)") == std::string::npos)
			names.push_back(line.substr(9));
	return names;
}

TEST(GuestKernel, SelfTestsAreListed)
{
	EXPECT_GE(list_guest_tests().size(), 5u);
}

TEST(GuestKernel, PageFaultIsReportedWithRegistersAndBacktrace)
{
	Boot b = boot_test_kernel(2, "crash_page_fault_is_reported");
	EXPECT_EQ(b.status, 122) << b.out << b.err; // the VMM's guest-panic status
	EXPECT_NE(b.out.find("page fault (vector 14"), std::string::npos) << b.out;
	EXPECT_NE(b.out.find("cr2 0000000000000010"), std::string::npos) << b.out;
	EXPECT_NE(b.out.find("rip"), std::string::npos) << b.out;
	EXPECT_NE(b.err.find("guest panic on vCPU 0: page fault"), std::string::npos) << b.err;
	// The backtrace names the faulting function and the frames above it.
	// (GCC gives a frameless leaf no frame even with frame pointers on, so
	// the test function that called it is the one frame that can be absent.)
	EXPECT_NE(b.err.find("#0  "), std::string::npos) << b.err;
	EXPECT_NE(b.err.find("write_through_bad_pointer"), std::string::npos) << b.err;
	// Tests run on threads: the chain goes back to the thread's entry.
	EXPECT_NE(b.err.find("run_one+"), std::string::npos) << b.err;
	EXPECT_NE(b.err.find("thread_entry+"), std::string::npos) << b.err;
}

TEST(GuestKernel, DoubleFaultIsReportedFromItsOwnStack)
{
	Boot b = boot_test_kernel(1, "crash_double_fault_is_reported");
	EXPECT_EQ(b.status, 122) << b.out << b.err; // a panic, not a triple fault (121)
	EXPECT_NE(b.out.find("double fault (vector 8"), std::string::npos) << b.out;
	EXPECT_NE(b.out.find("rsp 0000000000000800"), std::string::npos) << b.out;
}

} // namespace

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	for (const std::string &name : list_guest_tests())
		for (unsigned cpus : { 1u, 2u, 4u })
			::testing::RegisterTest(
				("GuestKernel/" + std::to_string(cpus) + "cpu").c_str(), name.c_str(),
				nullptr, nullptr, __FILE__, __LINE__,
				[=]() -> ::testing::Test * { return new GuestSelfTest(name, cpus); });
	return RUN_ALL_TESTS();
}
