// SPDX-License-Identifier: GPL-2.0-only
// Patch-site planning (patcher/site_plan.h) on hand-built x86-64 byte
// sequences: what is accepted, what is refused and with which words, and
// the jumps' bytes, which are checked by decoding them with Capstone.
#include <gtest/gtest.h>

#include <capstone/capstone.h>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "site_plan.h"

namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint64_t kEntry = 0x100080;             // where the guest kernel's code is
constexpr uint64_t kPatchArea = 0x0fc00000;       // a 256 MiB guest's patch area
constexpr uint64_t kHighEntry = 0xffffffff81001230;  // more than 2 GiB from the area

// push rbp; mov rbp, rsp; mov eax, edi; pop rbp; ret
const Bytes kPrologue = { 0x55, 0x48, 0x89, 0xe5, 0x89, 0xf8, 0x5d, 0xc3 };

struct Planned {
	site_plan plan;
	int rc;
	Planned(const Bytes &code, uint64_t entry, uint64_t replacement, const char *name = "foo")
	{
		site_function fn = { name, entry, code.data(), code.size() };
		rc = site_plan_function(&fn, replacement, &plan);
	}
	std::string line() const
	{
		char buf[2048];
		site_plan_line(&plan, buf, sizeof(buf));
		return buf;
	}
};

// One instruction decoded by Capstone at addr: its text and, for a
// branch, its target.
struct Decoded {
	std::string text;
	size_t size = 0;
	uint64_t target = 0;
	Decoded(const uint8_t *bytes, size_t len, uint64_t addr)
	{
		csh cs;
		cs_insn *in;

		if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
			return;
		cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
		if (cs_disasm(cs, bytes, len, addr, 1, &in) == 1) {
			text = std::string(in->mnemonic) + " " + in->op_str;
			size = in->size;
			if (in->detail->x86.operands[0].type == X86_OP_IMM)
				target = (uint64_t)in->detail->x86.operands[0].imm;
			cs_free(in, 1);
		}
		cs_close(&cs);
	}
};

int64_t rel32_of(const uint8_t *jmp)
{
	return (int32_t)((uint32_t)jmp[1] | (uint32_t)jmp[2] << 8 | (uint32_t)jmp[3] << 16 |
			 (uint32_t)jmp[4] << 24);
}

// The jump at `at` in `bytes` goes to `to`, by its own arithmetic and by
// Capstone's reading of it.
void expect_jump(const uint8_t *bytes, uint64_t at, uint64_t to)
{
	Decoded d(bytes, SITE_JMP_LEN, at);

	EXPECT_EQ(bytes[0], 0xe9);
	EXPECT_EQ(at + SITE_JMP_LEN + (uint64_t)rel32_of(bytes), to);
	EXPECT_EQ(d.size, (size_t)SITE_JMP_LEN);
	EXPECT_EQ(d.target, to);
}

TEST(SitePlan, PrologueIsADirectJumpDisplacingWholeInstructions)
{
	Planned p(kPrologue, kEntry, kPatchArea);

	ASSERT_EQ(p.rc, 0) << p.plan.reason;
	EXPECT_EQ(p.plan.verdict, SITE_DIRECT);
	ASSERT_EQ(p.plan.ndisplaced, 3u);
	EXPECT_STREQ(p.plan.displaced[0].text, "push rbp");
	EXPECT_STREQ(p.plan.displaced[1].text, "mov rbp, rsp");
	EXPECT_STREQ(p.plan.displaced[2].text, "mov eax, edi");
	EXPECT_EQ(p.plan.span, 6u);
	EXPECT_EQ(Bytes(p.plan.old_bytes, p.plan.old_bytes + SITE_JMP_LEN),
		  Bytes(kPrologue.begin(), kPrologue.begin() + SITE_JMP_LEN));
	expect_jump(p.plan.new_bytes, kEntry, kPatchArea);
	EXPECT_EQ(p.plan.page_split, 0u);
	EXPECT_EQ(p.plan.indirect_jumps, 0u);
	EXPECT_EQ(p.line(),
		  "function foo at 0x100080 (8 bytes): jmp rel32 to 0xfc00000 (direct), displaces "
		  "push rbp; mov rbp, rsp; mov eax, edi (1+3+2 bytes; 55 48 89 e5 89 -> e9 7b ff af 0f)");
}

TEST(SitePlan, ExactlyFiveBytesIsEnough)
{
	// push rbp; pop rbp; xor eax, eax; ret
	Planned p({ 0x55, 0x5d, 0x31, 0xc0, 0xc3 }, kEntry, kPatchArea);

	ASSERT_EQ(p.rc, 0) << p.plan.reason;
	EXPECT_EQ(p.plan.span, 5u);
	EXPECT_EQ(p.plan.ndisplaced, 4u);
}

TEST(SitePlan, ShorterThanTheJumpIsRefused)
{
	// xor eax, eax; ret
	Planned p({ 0x31, 0xc0, 0xc3 }, kEntry, kPatchArea, "serve_nop");

	EXPECT_EQ(p.rc, -1);
	EXPECT_EQ(p.plan.verdict, SITE_REFUSED);
	EXPECT_STREQ(p.plan.reason, "function serve_nop at 0x100080 (3 bytes): refused: "
				    "shorter than the 5-byte jmp rel32");
	EXPECT_EQ(p.line(), p.plan.reason);
}

TEST(SitePlan, LoopBackIntoTheJumpBytesIsRefused)
{
	// +0 xor eax, eax; +2 inc eax; +4 cmp eax, 10; +7 jne +2; +9 ret
	Planned p({ 0x31, 0xc0, 0xff, 0xc0, 0x83, 0xf8, 0x0a, 0x75, 0xf9, 0xc3 }, kEntry,
		  kPatchArea, "spin");

	EXPECT_EQ(p.rc, -1);
	EXPECT_STREQ(p.plan.reason, "function spin at 0x100080 (10 bytes): refused: jne 0x100082 "
				    "at +0x7 branches to +0x2, inside the 5 bytes the jump overwrites");
}

struct Branch {
	const char *what;
	Bytes opcode;
	size_t disp_len;
};

// The branch placed after a 5-byte head of nops, aimed at entry + offset.
Bytes branch_to(const Branch &b, uint64_t offset)
{
	Bytes code(SITE_JMP_LEN, 0x90);
	int64_t rel = (int64_t)offset - (int64_t)(SITE_JMP_LEN + b.opcode.size() + b.disp_len);

	code.insert(code.end(), b.opcode.begin(), b.opcode.end());
	for (size_t i = 0; i < b.disp_len; i++)
		code.push_back((uint8_t)((uint64_t)rel >> (8 * i)));
	code.push_back(0xc3);
	return code;
}

TEST(SitePlan, EveryRelativeBranchKindIsCheckedAtTheEdges)
{
	const Branch kinds[] = {
		{ "jmp rel8", { 0xeb }, 1 },      { "jmp rel32", { 0xe9 }, 4 },
		{ "je rel8", { 0x74 }, 1 },       { "jne rel32", { 0x0f, 0x85 }, 4 },
		{ "call rel32", { 0xe8 }, 4 },    { "loop rel8", { 0xe2 }, 1 },
		{ "jrcxz rel8", { 0xe3 }, 1 },
	};

	for (const Branch &b : kinds)
		for (uint64_t offset = 0; offset <= SITE_JMP_LEN; offset++) {
			Planned p(branch_to(b, offset), kEntry, kPatchArea);
			bool inside = offset > 0 && offset < SITE_JMP_LEN;

			EXPECT_EQ(p.rc, inside ? -1 : 0) << b.what << " to +" << offset << ": "
							 << p.plan.reason;
			if (inside) {
				EXPECT_NE(std::string(p.plan.reason).find(
						  "at +0x5 branches to +0x" + std::to_string(offset)),
					  std::string::npos)
					<< p.plan.reason;
			}
		}
}

TEST(SitePlan, LongFirstInstructionIsDisplacedWhole)
{
	// movabs rax, 0x1122334455667788; ret
	Planned p({ 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xc3 }, kEntry,
		  kPatchArea);

	ASSERT_EQ(p.rc, 0) << p.plan.reason;
	ASSERT_EQ(p.plan.ndisplaced, 1u);
	EXPECT_EQ(p.plan.span, 10u);
	EXPECT_EQ(p.plan.displaced[0].len, 10u);
	EXPECT_STREQ(p.plan.displaced[0].text, "movabs rax, 0x1122334455667788");
	EXPECT_NE(p.line().find("(10 bytes; 48 b8 88 77 66 -> e9"), std::string::npos) << p.line();
}

TEST(SitePlan, UndecodableBytesAreRefusedByOffset)
{
	// The prologue, then 0x06 (push es, invalid in 64-bit mode).
	Planned bad({ 0x55, 0x48, 0x89, 0xe5, 0x06, 0x5d, 0xc3 }, kEntry, kPatchArea);
	// The prologue, then a call whose rel32 runs past the function's end.
	Planned cut({ 0x55, 0x48, 0x89, 0xe5, 0x5d, 0xe8, 0x00, 0x00 }, kEntry, kPatchArea);
	// Invalid past the first 5 bytes: the rest of the body is not checked.
	Bytes late = kPrologue;
	late.insert(late.begin() + 6, 0x06);
	Planned tail(late, kEntry, kPatchArea);

	EXPECT_EQ(bad.rc, -1);
	EXPECT_STREQ(bad.plan.reason, "function foo at 0x100080 (7 bytes): refused: no instruction "
				      "decodes at +0x4 within the function (bytes 06 5d c3)");
	EXPECT_EQ(cut.rc, -1);
	EXPECT_NE(std::string(cut.plan.reason).find("at +0x5 within the function (bytes e8 00 00)"),
		  std::string::npos) << cut.plan.reason;
	EXPECT_EQ(tail.rc, -1);
	EXPECT_NE(std::string(tail.plan.reason).find("at +0x6 within the function (bytes 06 5d c3)"),
		  std::string::npos) << tail.plan.reason;
}

TEST(SitePlan, FarReplacementNeedsATrampolineThatReachesIt)
{
	constexpr uint64_t kTrampoline = 0xffffffff81f00000;  // 15 MiB above the entry
	Planned p(kPrologue, kHighEntry, kPatchArea);
	char err[SITE_REASON_MAX];

	ASSERT_EQ(p.rc, 0) << p.plan.reason;
	EXPECT_EQ(p.plan.verdict, SITE_TRAMPOLINE);
	EXPECT_NE(p.line().find("0xfc00000 is beyond rel32: needs a 14-byte trampoline"),
		  std::string::npos) << p.line();

	ASSERT_EQ(site_place_trampoline(&p.plan, kTrampoline, err, sizeof(err)), 0) << err;
	expect_jump(p.plan.new_bytes, kHighEntry, kTrampoline);
	const uint8_t *t = p.plan.trampoline_bytes;
	EXPECT_EQ(Bytes(t, t + 6), Bytes({ 0xff, 0x25, 0, 0, 0, 0 }));
	EXPECT_EQ(Bytes(t + 6, t + SITE_TRAMPOLINE_LEN),
		  Bytes({ 0x00, 0x00, 0xc0, 0x0f, 0, 0, 0, 0 }));
	// Capstone reads it as an indirect jump through the next 8 bytes.
	Decoded d(t, SITE_TRAMPOLINE_LEN, kTrampoline);
	EXPECT_EQ(d.text, "jmp qword ptr [rip]");
	EXPECT_EQ(d.size, 6u);
	EXPECT_NE(p.line().find("jmp rel32 to a trampoline at 0xffffffff81f00000, which jumps to "
				"0xfc00000"), std::string::npos) << p.line();
}

TEST(SitePlan, TrampolineOutOfReachOfTheEntryIsRefused)
{
	Planned p(kPrologue, kHighEntry, kPatchArea);
	char err[SITE_REASON_MAX];

	ASSERT_EQ(p.plan.verdict, SITE_TRAMPOLINE);
	EXPECT_EQ(site_place_trampoline(&p.plan, kPatchArea + 0x1000, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "function foo at 0xffffffff81001230 (8 bytes): a trampoline at 0xfc01000 "
			  "is beyond rel32 of the entry");
	EXPECT_EQ(p.plan.trampoline, 0u);
}

TEST(SitePlan, Rel32ReachesBothWaysToTheLimit)
{
	const uint64_t at = kHighEntry, next = at + SITE_JMP_LEN;
	// 0x1000 is reached past zero, as the CPU's 64-bit sums wrap.
	const uint64_t reachable[] = { next + INT32_MAX, next + 1, next, at, at - 0x1000,
				       next - (uint64_t)INT32_MAX - 1, 0x1000 };
	const uint64_t beyond[] = { next + INT32_MAX + 1, next - (uint64_t)INT32_MAX - 2,
				    kPatchArea };
	uint8_t jmp[SITE_JMP_LEN];

	for (uint64_t to : reachable) {
		ASSERT_EQ(site_jmp_rel32(at, to, jmp), 0) << std::hex << to;
		expect_jump(jmp, at, to);
	}
	for (uint64_t to : beyond)
		EXPECT_EQ(site_jmp_rel32(at, to, jmp), -1) << std::hex << to;
}

TEST(SitePlan, PageBoundaryInsideTheJumpIsNoted)
{
	Planned split(kPrologue, 0x100ffd, kPatchArea);
	Planned last_fit(kPrologue, 0x100ffb, kPatchArea);

	EXPECT_EQ(split.plan.page_split, 0x101000u);
	EXPECT_NE(split.line().find("; the 5 bytes cross the page boundary at 0x101000"),
		  std::string::npos) << split.line();
	EXPECT_EQ(last_fit.plan.page_split, 0u);
}

TEST(SitePlan, IndirectJumpsAreCountedNotFollowed)
{
	// The prologue's first 4 bytes, then jmp qword ptr [rax*8 + 0x114698]
	// (a switch table) at +0x4 and jmp rax at +0xb.
	Planned p({ 0x55, 0x48, 0x89, 0xe5, 0xff, 0x24, 0xc5, 0x98, 0x46, 0x11, 0x00, 0xff, 0xe0 },
		  kEntry, kPatchArea);

	ASSERT_EQ(p.rc, 0) << p.plan.reason;
	EXPECT_EQ(p.plan.indirect_jumps, 2u);
	EXPECT_EQ(p.plan.first_indirect, 4u);
	EXPECT_NE(p.line().find("; 2 indirect jumps not analysed (first at +0x4)"),
		  std::string::npos) << p.line();
}

}  // namespace
