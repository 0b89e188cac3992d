// SPDX-License-Identifier: GPL-2.0-only
// The patch monitor's recovery (patcher/monitor.c), on the host: swapctl
// against a fake VMM (fake_vmm.h) that keeps what each step applied,
// killed by SV_JOURNAL_CRASH_AFTER after every line of every seed
// bundle's apply and rollback journal; the next swapctl must leave the
// fake guest with nothing of the patch, or with all of it committed when
// the kill came after "committing". The KVM test kvm-patch-crash does
// the same against the real guest, under load.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "fake_vmm.h"
#include "swapctl_patch.hh"

namespace {

// The guest's classes and objects the seed bundles update, at version 0.
const char kGuestInfo[] = R"({"classes":[{"name":"fcm","version":0,"instances":40}],
	"objects":[{"name":"descriptor_allocator","version":0}],"services":[],"free_pages":0})";
constexpr uint64_t kInstances = 40; // three INSTANCES steps

class MonitorOnFakeVmm : public ::testing::Test {
protected:
	void SetUp() override
	{
		socket_ = "/tmp/sv-monitor-recovery-" + std::to_string(getpid()) + ".sock";
		kernel_ = build_path("guest/sv-kernel.elf");
		key_ = test_key_path();
		vmm_ = fake_vmm_start(socket_.c_str(), kernel_.c_str(), key_.c_str(), kGuestInfo,
				      kInstances);
		ASSERT_NE(vmm_, nullptr) << socket_;
	}

	void TearDown() override
	{
		if (vmm_)
			fake_vmm_stop(vmm_);
		std::filesystem::remove_all(socket_ + ".patches");
	}

	ProgramRun patch(const std::vector<std::string> &args) { return swapctl_patch(socket_, args); }

	void apply_ok(const SeedBundle &b)
	{
		ProgramRun run = patch({ "apply", bundle_path(b.file) });
		ASSERT_EQ(run.status, 0) << run.out << run.err;
		ASSERT_EQ(fake_vmm_modules(vmm_), 1u);
		ASSERT_GT(fake_vmm_applied(vmm_), 0u);
	}

	void roll_back_ok(const SeedBundle &b)
	{
		ProgramRun run = patch({ "rollback", b.id });
		ASSERT_EQ(run.status, 0) << run.out << run.err;
		expect_nothing_left();
	}

	void expect_nothing_left()
	{
		EXPECT_EQ(fake_vmm_applied(vmm_), 0u) << "changes left applied";
		EXPECT_EQ(fake_vmm_modules(vmm_), 0u) << "a module left loaded";
	}

	// Journal lines of a whole apply and of a whole rollback.
	std::pair<size_t, size_t> count_lines(const SeedBundle &b)
	{
		apply_ok(b);
		size_t applied = patch_journal(socket_, b.id).size();
		roll_back_ok(b);
		return { applied, patch_journal(socket_, b.id).size() - applied };
	}

	std::string socket_, kernel_, key_;
	fake_vmm *vmm_ = nullptr;
};

class MonitorRecovery : public MonitorOnFakeVmm,
			public ::testing::WithParamInterface<const char *> {};

TEST_P(MonitorRecovery, AnApplyKilledAfterAnyJournalLineIsRolledBackOrCommittedWhole)
{
	const SeedBundle &b = seed(GetParam());
	size_t lines = count_lines(b).first;

	for (size_t n = 1; n <= lines && !HasFailure(); n++) {
		SCOPED_TRACE("apply killed after journal line " + std::to_string(n));
		ASSERT_TRUE(killed_after(socket_, b.id, { "apply", bundle_path(b.file) }, n));
		bool commits = reached_committing(patch_journal(socket_, b.id));
		ASSERT_EQ(listed_state(socket_, b.id), commits ? "committed" : "rolled-back");
		if (commits) {
			EXPECT_GT(fake_vmm_applied(vmm_), 0u);
			roll_back_ok(b);
		}
		expect_nothing_left();
	}
}

TEST_P(MonitorRecovery, ARollbackKilledAfterAnyJournalLineIsFinished)
{
	const SeedBundle &b = seed(GetParam());
	size_t lines = count_lines(b).second;

	for (size_t n = 1; n <= lines && !HasFailure(); n++) {
		SCOPED_TRACE("rollback killed after journal line " + std::to_string(n));
		apply_ok(b);
		ASSERT_TRUE(killed_after(socket_, b.id, { "rollback", b.id }, n));
		ASSERT_EQ(listed_state(socket_, b.id), "rolled-back");
		expect_nothing_left();
	}
}

INSTANTIATE_TEST_SUITE_P(Bundles, MonitorRecovery,
			 ::testing::Values("descriptor_lock", "fcm_unmap_check", "partitioned_region"),
			 [](const auto &info) { return std::string(info.param); });

// A VM restarted on the same socket holds nothing of a patch its journal
// left committing: the next monitor closes it as rolled back, instead of
// failing on it, and every later command with it.
TEST_F(MonitorOnFakeVmm, ACommittingPatchTheGuestNoLongerHasIsClosedAsRolledBack)
{
	const SeedBundle &b = seed("descriptor_lock");
	size_t lines = count_lines(b).first;

	ASSERT_TRUE(killed_after(socket_, b.id, { "apply", bundle_path(b.file) }, lines - 3));
	ASSERT_TRUE(reached_committing(patch_journal(socket_, b.id)));
	fake_vmm_restart(vmm_);
	EXPECT_EQ(listed_state(socket_, b.id), "rolled-back");
	apply_ok(b);
	roll_back_ok(b);
}

// --timeout bounds each hot swap; UNLOAD, which waits for the threads
// alive to end, gets the monitor's own longer bound.
TEST_F(MonitorOnFakeVmm, UnloadWaitsLongerThanTheSwapTimeout)
{
	const SeedBundle &b = seed("descriptor_lock");
	ProgramRun apply = patch({ "apply", bundle_path(b.file), "--timeout", "1" });
	ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	ProgramRun rollback = patch({ "rollback", b.id, "--timeout", "1" });
	ASSERT_EQ(rollback.status, 0) << rollback.out << rollback.err;
	EXPECT_EQ(fake_vmm_last_timeout_ms(vmm_, "object"), 1000u);
	EXPECT_EQ(fake_vmm_last_timeout_ms(vmm_, "unload"), 60000u);
	expect_nothing_left();
}

} // namespace
