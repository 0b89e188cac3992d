// SPDX-License-Identifier: GPL-2.0-only
// What `swapctl patch` refuses and what it rolls back (issue 7), on one
// default guest (2 vCPUs) trusting the test key, while the load
// generator's PostMark-like mix runs and is answered right throughout.
// Each bundle with one thing wrong with it (tests/patches/meson.build) is
// refused with a message of its own and changes nothing; a patch whose
// state transfer or health check fails is rolled back by the monitor,
// which says why; a patch that another one depends on is rolled back
// only after it. The tests run in this order on the same guest.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "patch_guest.hh"

namespace {

// update-info without what the load moves (instance counts, free pages):
// the versions, services and modules a patch changes.
std::string versions(PatchGuest &g)
{
	static const char *const counters[] = { "instances", "free_pages", nullptr };
	char *text = jf_without(g.update_info().c_str(), counters);
	std::string out = text ? text : "(not JSON)";
	std::free(text);
	return out;
}

// `patch list`'s patches that are not rolled back: "id state" lines.
std::string live_patches(PatchGuest &g)
{
	Swapctl list = g.patch({ "list" }, true);
	EXPECT_EQ(list.status, 0) << list.err;
	std::istringstream lines(list.out);
	std::string live;
	for (std::string line; std::getline(lines, line);) {
		char id[64] = "", state[32] = "";
		EXPECT_EQ(jf_string(line.c_str(), "state", state, sizeof(state)), 0) << line;
		EXPECT_EQ(jf_string(line.c_str(), "id", id, sizeof(id)), 0) << line;
		if (std::strcmp(state, "rolled-back"))
			live += std::string(id) + " " + state + "\n";
	}
	return live;
}

// The start of the public key in a key file: how a refusal names a key.
std::string key_prefix(const std::string &pub_file)
{
	char *text = read_text_file(build_path("tests/patches/" + pub_file).c_str());
	std::string prefix = text ? std::string(text).substr(0, 16) : "(no key file)";
	std::free(text);
	return prefix;
}

class PatchRefusal : public ::testing::Test {
protected:
	static void SetUpTestSuite()
	{
		std::string why;
		guest_ = new PatchGuest;
		ASSERT_TRUE(guest_->start_trusting_test_key(2, "patch-refusal", &why)) << why;
		load_ = new BackgroundLoad;
		ASSERT_TRUE(load_->start(*guest_, "patch-refusal"));
		baseline_ = new std::string(versions(*guest_));
		ASSERT_TRUE(has(*baseline_, R"({"name":"descriptor_allocator","version":0})"))
			<< *baseline_;
	}

	// The load's report covers every test: zero wrong or lost answers.
	static void TearDownTestSuite()
	{
		if (load_) {
			expect_all_right(load_->stop(), 1);
		}
		if (guest_) {
			EXPECT_EQ(guest_->stop(), 0) << guest_->log();
		}
		delete load_;
		delete guest_;
		delete baseline_;
		load_ = nullptr;
		guest_ = nullptr;
		baseline_ = nullptr;
	}

	void SetUp() override
	{
		ASSERT_NE(baseline_, nullptr) << "the guest or its load did not start";
	}

	// Nothing changed since the guest started: versions, no module, no
	// patch applied.
	static void expect_unchanged()
	{
		std::string now = versions(*guest_);
		EXPECT_EQ(now, *baseline_);
		EXPECT_TRUE(has(now, R"("modules":[])")) << now;
		EXPECT_EQ(live_patches(*guest_), "");
	}

	// The guest answers more of the load after what the test did.
	static void expect_serving()
	{
		uint64_t before = served(*guest_);
		for (int i = 0; i < 300 && served(*guest_) < before + 100; i++)
			usleep(100000);
		EXPECT_GE(served(*guest_), before + 100);
	}

	static PatchGuest *guest_;
	static BackgroundLoad *load_;
	static std::string *baseline_;
};

PatchGuest *PatchRefusal::guest_;
BackgroundLoad *PatchRefusal::load_;
std::string *PatchRefusal::baseline_;

struct Refused {
	const char *file;
	std::vector<std::string> says; // fragments of the message after "FILE.svp: "
};

std::vector<Refused> refusals()
{
	return {
		{ "descriptor_lock_other_guest",
		  { "built for guest build-id ", "guest/sv-kernel.elf has build-id " } },
		{ "descriptor_audit",
		  { "depends on patch descriptor-lock version >= 1, which is not applied" } },
		{ "descriptor_lock_tampered",
		  { "bad signature: the bundle changed after it was signed" } },
		{ "descriptor_lock_unsigned", { "unsigned: no .svp.sig section" } },
		{ "descriptor_lock_untrusted",
		  { "signed by key " + key_prefix("patch-other.pub") + "... which is not trusted" } },
		// Damaged ELF: what is wrong with the file, not its signature, which
		// cannot even be found.
		{ "descriptor_lock_truncated", { "truncated or corrupted: ", " section headers at 0x" } },
		{ "descriptor_lock_bad_section",
		  { "truncated or corrupted: section .text (0x", " at 0x7fffff00) is out of bounds" } },
		{ "descriptor_lock_gotpcrel",
		  { "unsupported relocation R_X86_64_GOTPCREL at .text+0x" } },
	};
}

TEST_F(PatchRefusal, EachUnfitBundleIsRefusedWithItsOwnMessageAndChangesNothing)
{
	std::set<std::string> reasons;
	for (const Refused &r : refusals()) {
		SCOPED_TRACE(r.file);
		std::string path = bundle_path(r.file);
		Swapctl apply = guest_->patch({ "apply", path });
		EXPECT_EQ(apply.status, 1) << apply.out << apply.err;
		std::string lead = "swapctl: patch apply: " + path + ": ";
		ASSERT_EQ(apply.err.rfind(lead, 0), 0u) << apply.err;
		std::string reason = apply.err.substr(lead.size());
		for (const std::string &part : r.says)
			EXPECT_TRUE(has(reason, part)) << part << " in " << reason;
		EXPECT_TRUE(reasons.insert(reason).second) << "the same message again: " << reason;
		EXPECT_FALSE(has(apply.out, "rolling back")) << apply.out;
		expect_unchanged();
	}
}

TEST_F(PatchRefusal, FailedStateTransferIsRolledBackSayingWhy)
{
	Swapctl apply = guest_->patch({ "apply", bundle_path("descriptor_transfer_fails") });
	EXPECT_EQ(apply.status, 1) << apply.out << apply.err;
	const std::string why = "object descriptor_allocator (version 0 -> 1): hot swap on CPU ";
	EXPECT_TRUE(has(apply.out, "rolling back descriptor-transfer-fails: " + why)) << apply.out;
	// The patch's own code is at fault: the new root's import.
	EXPECT_TRUE(has(apply.out, "failed: state transfer failed (aborted); the new root's import "
			"of format 0 failed")) << apply.out;
	EXPECT_TRUE(has(apply.out, "rolled back descriptor-transfer-fails")) << apply.out;
	EXPECT_TRUE(has(apply.err, why)) << apply.err;
	EXPECT_TRUE(has(apply.err, "import of format 0 failed (SV_EPROTO); rolled back"))
		<< apply.err;
	expect_unchanged();
	expect_serving();
}

// descriptor-lock with one more check, which it fails.
TEST_F(PatchRefusal, FailedHealthCheckIsRolledBackWithItsReason)
{
	Swapctl apply = guest_->patch({ "apply", bundle_path("descriptor_lock_check_fails") });
	EXPECT_EQ(apply.status, 1) << apply.out << apply.err;
	const std::string why = "health check descriptor-reserve failed (-28): reserve not carved: ";
	// The fix was applied, and its own check passed, before the failing one.
	EXPECT_TRUE(has(apply.out, "] object descriptor_allocator ")) << apply.out;
	EXPECT_TRUE(has(apply.out, "] check descriptor-stack-consistent ")) << apply.out;
	EXPECT_TRUE(has(apply.out, "rolling back descriptor-lock: module descriptor-lock: " + why))
		<< apply.out;
	EXPECT_TRUE(has(apply.out, "reverted object 0")) << apply.out;
	EXPECT_TRUE(has(apply.out, "rolled back descriptor-lock")) << apply.out;
	EXPECT_TRUE(has(apply.err, why)) << apply.err;
	EXPECT_TRUE(has(apply.err, " of 2048 descriptors (SV_ECANCELED); rolled back")) << apply.err;
	expect_unchanged();
	expect_serving();
}

// Also shows the allocator sound after the failures above: descriptor-lock
// transfers its state again and checks it, descriptor-audit takes and
// gives back descriptors from it.
TEST_F(PatchRefusal, APatchThatAnotherDependsOnIsRolledBackOnlyAfterIt)
{
	for (const char *file : { "descriptor_lock", "descriptor_audit" }) {
		Swapctl apply = guest_->patch({ "apply", bundle_path(file) });
		ASSERT_EQ(apply.status, 0) << apply.out << apply.err;
	}
	std::string applied = versions(*guest_);
	ASSERT_TRUE(has(applied, R"({"name":"descriptor_allocator","version":1})")) << applied;

	Swapctl refused = guest_->patch({ "rollback", "descriptor-lock" });
	EXPECT_EQ(refused.status, 1) << refused.out << refused.err;
	EXPECT_TRUE(has(refused.err, "patch descriptor-lock cannot be rolled back: applied patch "
			"descriptor-audit depends on it (roll descriptor-audit back first)"))
		<< refused.err;
	EXPECT_EQ(versions(*guest_), applied);
	EXPECT_EQ(live_patches(*guest_), "descriptor-lock committed\ndescriptor-audit committed\n");

	for (const char *id : { "descriptor-audit", "descriptor-lock" }) {
		Swapctl rollback = guest_->patch({ "rollback", id });
		EXPECT_EQ(rollback.status, 0) << rollback.out << rollback.err;
		EXPECT_TRUE(has(rollback.out, "rolled back " + std::string(id))) << rollback.out;
	}
	expect_unchanged();
}

} // namespace
