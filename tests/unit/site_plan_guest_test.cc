// SPDX-License-Identifier: GPL-2.0-only
// Patch-site planning on the real guest kernel (SV_GUEST_KERNEL): its
// functions read with libelf by name and planned as the binary-patch
// path will plan them.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "site_plan.h"
#include "site_plan_shim.h"

namespace {

constexpr uint64_t kPatchArea = 0x0fc00000;     // a 256 MiB guest's patch area
constexpr uint64_t kFar = 0x200000000;          // 8 GiB: beyond rel32 of the kernel at 1 MiB

namespace fs = std::filesystem;

// An image opened for the test, closed at its end; err holds the refusal.
struct Guest {
	char err[1024] = "";
	guest_image *g;
	explicit Guest(const std::string &path) : g(sps_open(path.c_str(), err, sizeof(err))) {}
	~Guest()
	{
		if (g)
			sps_close(g);
	}
	int plan(const char *name, uint64_t replacement, site_plan *p)
	{
		return sps_plan(g, name, replacement, p, err, sizeof(err));
	}
};

std::string env(const char *name)
{
	const char *v = std::getenv(name);
	return v ? v : "";
}

bool has(const std::string &s, const std::string &part)
{
	return s.find(part) != std::string::npos;
}

// Every function of the kernel with a size decodes whole; the only
// refusals are functions too short for the jump (empty handlers, `xor
// eax, eax; ret` and one-instruction accessors), and no code branches into
// an entry's first bytes (GCC puts loop heads after the prologue).
TEST(SitePlanGuest, EveryKernelFunctionIsPlannedOrTooShort)
{
	Guest k(env("SV_GUEST_KERNEL"));
	size_t planned = 0, too_short = 0, indirect = 0;

	ASSERT_TRUE(k.g) << k.err;
	for (size_t i = 0; i < sps_nsyms(k.g); i++) {
		site_plan p;
		int rc = k.plan(sps_sym_name(k.g, i), kPatchArea, &p);

		if (rc == -2)  // not a function: data, assembly labels
			continue;
		if (rc == 0) {
			EXPECT_EQ(p.verdict, SITE_DIRECT) << p.name;
			planned++;
			indirect += p.indirect_jumps > 0;
		} else {
			EXPECT_TRUE(has(p.reason, "refused: shorter than")) << p.reason;
			too_short++;
		}
	}
	EXPECT_GT(planned, 100u);
	EXPECT_GT(too_short, 0u);
	// Switches compiled to jump tables (vsnprintf's conversions) are
	// reported, not analysed.
	EXPECT_GT(indirect, 0u);
}

TEST(SitePlanGuest, XorRetHandlerIsTooShort)
{
	Guest k(env("SV_GUEST_KERNEL"));
	site_plan p;

	ASSERT_TRUE(k.g) << k.err;
	ASSERT_EQ(k.plan("serve_ping", kPatchArea, &p), -1) << k.err;
	EXPECT_TRUE(has(p.reason, "function serve_ping at 0x")) << p.reason;
	EXPECT_TRUE(has(p.reason, " (3 bytes): refused: shorter than the 5-byte jmp rel32"))
		<< p.reason;
}

// Frame pointers are kept (-fno-omit-frame-pointer), so a function that
// calls others opens with push rbp, one byte of the span.
TEST(SitePlanGuest, FramedFunctionIsDirectOrThroughATrampoline)
{
	Guest k(env("SV_GUEST_KERNEL"));
	site_plan near, far;
	char err[SITE_REASON_MAX];

	ASSERT_TRUE(k.g) << k.err;
	ASSERT_EQ(k.plan("vsnprintf", kPatchArea, &near), 0) << k.err << near.reason;
	EXPECT_EQ(near.verdict, SITE_DIRECT);
	EXPECT_STREQ(near.displaced[0].text, "push rbp");
	EXPECT_EQ(near.old_bytes[0], 0x55);
	EXPECT_GE(near.span, (size_t)SITE_JMP_LEN);

	ASSERT_EQ(k.plan("vsnprintf", kFar, &far), 0) << k.err << far.reason;
	EXPECT_EQ(far.verdict, SITE_TRAMPOLINE);
	ASSERT_EQ(site_place_trampoline(&far, kPatchArea, err, sizeof(err)), 0) << err;
	EXPECT_EQ(far.trampoline, kPatchArea);
}

TEST(SitePlanGuest, WhatIsNotAFunctionIsNotPlanned)
{
	Guest k(env("SV_GUEST_KERNEL")), twice(env("SV_TWICE_GUEST"));
	site_plan p;

	ASSERT_TRUE(k.g) << k.err;
	ASSERT_TRUE(twice.g) << twice.err;
	// An assembly entry point: no type, no size.
	EXPECT_EQ(k.plan("__kernel_start", kPatchArea, &p), -2);
	EXPECT_TRUE(has(k.err, "__kernel_start is not a function with a size")) << k.err;
	EXPECT_EQ(k.plan("no_such_function", kPatchArea, &p), -2);
	EXPECT_TRUE(has(k.err, "no symbol no_such_function")) << k.err;
	// `twice` is static in two files: which one is meant cannot be told.
	EXPECT_EQ(twice.plan("twice", kPatchArea, &p), -2);
	EXPECT_TRUE(has(twice.err, "twice is defined locally more than once")) << twice.err;
}

// The code is read from the file again when planned: a file replaced by
// another build since the image was opened is refused, not planned.
TEST(SitePlanGuest, AKernelFileReplacedSinceOpeningIsRefused)
{
	fs::path copy = fs::temp_directory_path() / ("site-plan-" + std::to_string(getpid()) + ".elf");
	fs::copy_file(env("SV_GUEST_KERNEL"), copy, fs::copy_options::overwrite_existing);
	Guest k(copy);
	site_plan p;

	ASSERT_TRUE(k.g) << k.err;
	fs::copy_file(env("SV_TWICE_GUEST"), copy, fs::copy_options::overwrite_existing);
	EXPECT_EQ(k.plan("vsnprintf", kPatchArea, &p), -2);
	EXPECT_TRUE(has(k.err, "the file changed since it was read (build-id differs)")) << k.err;
	fs::remove(copy);
}

}  // namespace
