// SPDX-License-Identifier: GPL-2.0-only
// The code classifier (patcher/code_index.h): each rule on hand-built
// byte sequences, then the real guest kernel: every call site a framed
// return address, every function's prologue, the trap return, and
// walks with the real classifier over stacks laid out as the guest does.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <capstone/capstone.h>

#include "code_index.h"
#include "code_index_shim.h"
#include "elf_symbols.h"
#include "stack_walk.h"

namespace {

constexpr uint64_t kBase = 0xffffffff80100000ull;
constexpr size_t kErr = 512;

using Bytes = std::vector<uint8_t>;

// A call to itself: the classifier does not follow calls, only steps over.
Bytes Call() { return {0xe8, 0, 0, 0, 0}; }

Bytes Cat(std::initializer_list<Bytes> parts)
{
	Bytes out;
	for (const Bytes &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

const Bytes kPushRbp = {0x55}, kMovRbpRsp = {0x48, 0x89, 0xe5}, kPopRbp = {0x5d},
	    kRet = {0xc3}, kLeave = {0xc9}, kPushRbx = {0x53}, kPopRbx = {0x5b};

// One function at kBase in an index of its own.
class Classified {
public:
	explicit Classified(const Bytes &code) : ix_(code_index_new())
	{
		char err[kErr] = "";
		EXPECT_EQ(code_index_add(ix_, "f", kBase, code.data(), code.size(), err, kErr), 0)
			<< err;
	}
	~Classified() { code_index_free(ix_); }
	qs_code Pc(uint64_t off) const { return code_index_classify(ix_, kBase + off, false); }
	qs_code Ra(uint64_t off) const { return code_index_classify(ix_, kBase + off, true); }
	code_index *ix_;
};

::testing::AssertionResult Is(qs_code c, qs_code_kind kind, uint32_t ra_offset = 0)
{
	if (c.kind == kind && (kind != QS_CODE_UNFRAMED || c.ra_offset == ra_offset))
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure()
	       << "kind " << c.kind << " ra_offset " << c.ra_offset << ", wanted kind " << kind
	       << " ra_offset " << ra_offset;
}

// push rbp; mov rbp, rsp; push rbx; sub rsp, 8; call; add rsp, 8;
// pop rbx; pop rbp; ret
TEST(CodeIndex, FramedFunctionFollowsThePrologueRule)
{
	Bytes f = Cat({kPushRbp, kMovRbpRsp, kPushRbx, {0x48, 0x83, 0xec, 0x08}, Call(),
		       {0x48, 0x83, 0xc4, 0x08}, kPopRbx, kPopRbp, kRet});
	Classified c(f);
	EXPECT_TRUE(Is(c.Pc(0), QS_CODE_UNFRAMED, 0));
	EXPECT_TRUE(Is(c.Pc(1), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(9), QS_CODE_FRAMED));    // the call
	EXPECT_TRUE(Is(c.Ra(14), QS_CODE_FRAMED));   // its return address
	EXPECT_TRUE(Is(c.Pc(19), QS_CODE_FRAMED));   // pop rbp: rbp is still the frame
	EXPECT_TRUE(Is(c.Pc(20), QS_CODE_UNFRAMED, 0)); // ret after pop rbp
	EXPECT_TRUE(Is(c.Pc(10), QS_CODE_UNKNOWN));  // inside the call
	EXPECT_TRUE(Is(c.Ra(9), QS_CODE_UNKNOWN));   // not after a call
	EXPECT_TRUE(Is(c.Ra(19), QS_CODE_UNKNOWN));
}

// GCC schedules other instructions between push rbp and mov rbp, rsp:
// push rbp; mov r9, r8; mov rbp, rsp; call; pop rbp; ret
TEST(CodeIndex, InstructionsBetweenPushAndMovAreStillUnframed)
{
	Classified c(Cat({kPushRbp, {0x4d, 0x89, 0xc1}, kMovRbpRsp, Call(), kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Pc(1), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(7), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Ra(12), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(13), QS_CODE_UNFRAMED, 0));
}

TEST(CodeIndex, RetAfterLeaveIsUnframed)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, {0x48, 0x83, 0xec, 0x20}, Call(), kLeave, kRet}));
	EXPECT_TRUE(Is(c.Ra(13), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(13), QS_CODE_FRAMED));   // leave
	EXPECT_TRUE(Is(c.Pc(14), QS_CODE_UNFRAMED, 0));
}

// lea rsp, [rbp - 16] restores the depth of the two pushes after the frame.
TEST(CodeIndex, LeaOfRspFromRbpRestoresTheDepth)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, {0x41, 0x54}, kPushRbx,
			  {0x48, 0x29, 0xc4} /* sub rsp, rax */, Call(),
			  {0x48, 0x8d, 0x65, 0xf0}, kPopRbx, {0x41, 0x5c}, kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Ra(15), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(22), QS_CODE_FRAMED));     // pop rbp, at depth 8 again
	EXPECT_TRUE(Is(c.Pc(23), QS_CODE_UNFRAMED, 0));
}

// push rbx; push r12; pushf; pop rax; mov rax, rdi; pop r12; pop rbx; ret
TEST(CodeIndex, FramelessLeafCountsWhatItPushed)
{
	Classified c(Cat({kPushRbx, {0x41, 0x54}, {0x9c}, {0x58}, {0x48, 0x89, 0xf8}, {0x41, 0x5c},
			  kPopRbx, kRet}));
	const uint64_t starts[] = {0, 1, 3, 4, 5, 8, 10, 11};
	const uint32_t want[] = {0, 8, 16, 24, 16, 16, 8, 0};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		EXPECT_TRUE(Is(c.Pc(starts[i]), QS_CODE_UNFRAMED, want[i])) << "+" << starts[i];
}

// sub rsp, 0x18 ... add rsp, 0x18; ret
TEST(CodeIndex, LeafLocalsAreCounted)
{
	Classified c(Cat({{0x48, 0x83, 0xec, 0x18}, {0x48, 0x89, 0xf8}, {0x48, 0x83, 0xc4, 0x18},
			  kRet}));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_UNFRAMED, 0x18));
	EXPECT_TRUE(Is(c.Pc(11), QS_CODE_UNFRAMED, 0));
}

// push rbx; je L; pop rbx; L: ret -- two paths meet at L with 8 and 0
// bytes pushed: no single answer is right.
TEST(CodeIndex, PathsMeetingWithDifferentDepthsAreUnknown)
{
	Classified c(Cat({kPushRbx, {0x74, 0x01}, kPopRbx, kRet}));
	EXPECT_TRUE(Is(c.Pc(1), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(3), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_UNKNOWN));
}

// test rdi, rdi; je out; push rbp; mov rbp, rsp; call; pop rbp; ret; out: ret
TEST(CodeIndex, ShrinkWrappedFunctionIsFramedOnlyAfterItsPrologue)
{
	Classified c(Cat({{0x48, 0x85, 0xff}, {0x74, 0x0b}, kPushRbp, kMovRbpRsp, Call(), kPopRbp,
			  kRet, kRet}));
	EXPECT_TRUE(Is(c.Pc(3), QS_CODE_UNFRAMED, 0));
	EXPECT_TRUE(Is(c.Pc(5), QS_CODE_UNFRAMED, 0));
	EXPECT_TRUE(Is(c.Pc(6), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Pc(9), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Ra(14), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(15), QS_CODE_UNFRAMED, 0));
	EXPECT_TRUE(Is(c.Pc(16), QS_CODE_UNFRAMED, 0)); // the early ret
}

// A call made before the frame is set up: its return address has no
// frame record to go on from.
TEST(CodeIndex, CallWithoutAFrameIsUnknownAsAReturnAddress)
{
	Classified c(Cat({kPushRbx, Call(), kPopRbx, kRet}));
	EXPECT_TRUE(Is(c.Pc(1), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Ra(6), QS_CODE_UNKNOWN));
}

// xor ebp, ebp inside the body: rbp is no frame record after it.
TEST(CodeIndex, OtherWritesToRbpAreUnknown)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, {0x31, 0xed}, Call(), kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(6), QS_CODE_UNKNOWN));
	EXPECT_TRUE(Is(c.Ra(11), QS_CODE_UNKNOWN));
	EXPECT_TRUE(Is(c.Pc(12), QS_CODE_UNKNOWN));
}

// push rbx; push rbp; mov rbp, rsp: [rbp + 8] is rbx, not the return address.
TEST(CodeIndex, FrameRecordNotAtTheReturnAddressIsUnknown)
{
	Classified c(Cat({kPushRbx, kPushRbp, kMovRbpRsp, Call(), kPopRbp, kPopRbx, kRet}));
	EXPECT_TRUE(Is(c.Pc(2), QS_CODE_UNFRAMED, 16));
	EXPECT_TRUE(Is(c.Ra(10), QS_CODE_UNKNOWN));
}

// and rsp, -16 in a frameless function: the depth is lost.
TEST(CodeIndex, UnmodelledWriteToRspLosesTheDepth)
{
	Classified c(Cat({{0x48, 0x83, 0xe4, 0xf0}, kRet}));
	EXPECT_TRUE(Is(c.Pc(0), QS_CODE_UNFRAMED, 0));
	EXPECT_TRUE(Is(c.Pc(4), QS_CODE_UNKNOWN));
}

// push rbp; mov rbp, rsp; jmp rax; call; pop rbp; ret -- the code after the
// indirect jump (a switch case) gets the jump's state.
TEST(CodeIndex, CodeOnlyAnIndirectJumpReachesGetsItsState)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, {0xff, 0xe0}, Call(), kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Ra(11), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(12), QS_CODE_UNFRAMED, 0));
}

// Two indirect jumps in different states: nothing is guessed.
TEST(CodeIndex, IndirectJumpsThatDisagreeLeaveTheirTargetsUnknown)
{
	// test edi, edi; je +2; jmp rax; push rbp; mov rbp, rsp; jmp rcx; call; pop rbp; ret
	Classified c(Cat({{0x85, 0xff}, {0x74, 0x02}, {0xff, 0xe0}, kPushRbp, kMovRbpRsp,
			  {0xff, 0xe1}, Call(), kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Pc(7), QS_CODE_UNFRAMED, 8));
	EXPECT_TRUE(Is(c.Ra(17), QS_CODE_UNKNOWN));
	EXPECT_TRUE(Is(c.Pc(18), QS_CODE_UNKNOWN));
}

TEST(CodeIndex, BytesThatDoNotDecodeMakeTheFunctionUnknown)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, {0x06}, kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Pc(0), QS_CODE_UNKNOWN));
	EXPECT_TRUE(Is(c.Pc(5), QS_CODE_UNKNOWN));
	struct code_index_stats st;
	code_index_summarize(c.ix_, &st);
	EXPECT_EQ(st.with_unknown, 1u);
}

// jmp into the middle of the mov: overlapping instructions.
TEST(CodeIndex, BranchIntoAnInstructionMakesTheFunctionUnknown)
{
	Classified c(Cat({kPushRbp, {0xeb, 0x01}, kMovRbpRsp, kPopRbp, kRet}));
	EXPECT_TRUE(Is(c.Pc(0), QS_CODE_UNKNOWN));
}

TEST(CodeIndex, AddressesInNoFunctionAreUnknownAndNameless)
{
	Classified c(Cat({kPushRbx, kPopRbx, kRet}));
	EXPECT_TRUE(Is(code_index_classify(c.ix_, kBase - 1, false), QS_CODE_UNKNOWN));
	EXPECT_TRUE(Is(c.Pc(3), QS_CODE_UNKNOWN));
	uint64_t start = 0;
	EXPECT_EQ(code_index_name(c.ix_, kBase + 3, &start), nullptr);
	ASSERT_STREQ(code_index_name(c.ix_, kBase + 2, &start), "f");
	EXPECT_EQ(start, kBase);
}

// A call in the last bytes of a function returns to the next one's start.
TEST(CodeIndex, ReturnAddressIsClassifiedByItsCall)
{
	Classified c(Cat({kPushRbp, kMovRbpRsp, Call()}));
	char err[kErr] = "";
	Bytes next = {0xc3};
	ASSERT_EQ(code_index_add(c.ix_, "next", kBase + 9, next.data(), next.size(), err, kErr), 0)
		<< err;
	EXPECT_TRUE(Is(c.Ra(9), QS_CODE_FRAMED));
	EXPECT_TRUE(Is(c.Pc(9), QS_CODE_UNFRAMED, 0));
}

TEST(CodeIndex, OverlappingFunctionIsRefusedNamingBoth)
{
	Classified c(Cat({kPushRbx, kPopRbx, kRet}));
	char err[kErr] = "";
	Bytes fix = {0xc3, 0xc3};
	EXPECT_EQ(code_index_add(c.ix_, "patch_fix", kBase + 2, fix.data(), fix.size(), err, kErr),
		  -1);
	EXPECT_NE(std::strstr(err, "patch_fix: [0xffffffff80100002, 0xffffffff80100004) overlaps f"),
		  nullptr) << err;
	EXPECT_EQ(code_index_add(c.ix_, "patch_fix", kBase - 1, fix.data(), fix.size(), err, kErr),
		  -1);
	ASSERT_EQ(code_index_add(c.ix_, "patch_fix", kBase + 3, fix.data(), fix.size(), err, kErr),
		  0) << err;
	EXPECT_STREQ(code_index_name(c.ix_, kBase + 4, nullptr), "patch_fix");
}

// ---- the real guest kernel ------------------------------------------

std::string Kernel()
{
	const char *k = std::getenv("SV_GUEST_KERNEL");
	return k ? k : "";
}

struct Insn {
	uint64_t addr;
	unsigned id;
	uint16_t size;
	std::string text;
};

struct KernelFn {
	uint64_t addr, size;
	Bytes bytes;
	std::vector<Insn> insns;  // decoded independently of the index
};

std::vector<Insn> Decode(const Bytes &bytes, uint64_t addr)
{
	std::vector<Insn> out;
	csh cs;
	cs_insn *insns;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return out;
	size_t n = cs_disasm(cs, bytes.data(), bytes.size(), addr, 0, &insns);
	for (size_t i = 0; i < n; i++)
		out.push_back({insns[i].address, insns[i].id, insns[i].size,
			       std::string(insns[i].mnemonic) + " " + insns[i].op_str});
	cs_free(insns, n);
	cs_close(&cs);
	return out;
}

// Every symbol in the kernel's code, read by the visitor the index uses;
// functions with a size by name.
std::map<std::string, KernelFn> KernelCode()
{
	std::map<std::string, KernelFn> fns;
	char err[kErr] = "";
	auto visit = [](void *ctx, const char *name, uint64_t addr, uint64_t size,
			const uint8_t *bytes, uint64_t avail) {
		auto *m = static_cast<std::map<std::string, KernelFn> *>(ctx);
		uint64_t n = size ? size : std::min<uint64_t>(avail, 256);
		Bytes code(bytes, bytes + n);
		(*m)[name] = KernelFn{addr, size, code, size ? Decode(code, addr) : std::vector<Insn>{}};
		return 0;
	};
	EXPECT_EQ(cis_kernel_code(Kernel().c_str(), visit, &fns, err, kErr), 0) << err;
	return fns;
}

class RealKernel : public ::testing::Test {
protected:
	static void SetUpTestSuite()
	{
		char err[kErr] = "";
		ASSERT_EQ(code_index_from_kernel(Kernel().c_str(), &ix_, err, kErr), 0) << err;
		fns_ = new std::map<std::string, KernelFn>(KernelCode());
	}
	static void TearDownTestSuite()
	{
		code_index_free(ix_);
		delete fns_;
	}
	static code_index *ix_;
	static std::map<std::string, KernelFn> *fns_;
};
code_index *RealKernel::ix_;
std::map<std::string, KernelFn> *RealKernel::fns_;

TEST_F(RealKernel, EveryFunctionWithASizeIsIndexed)
{
	struct code_index_stats st;
	code_index_summarize(ix_, &st);
	EXPECT_GT(st.functions, 300u);
	EXPECT_EQ(st.framed + st.leaves + st.shrink_wrapped, st.functions);
	EXPECT_GT(st.framed, 200u);
	EXPECT_GT(st.shrink_wrapped, 20u);
	EXPECT_GT(st.leaves, 50u);
	for (const auto &[name, fn] : *fns_) {
		uint64_t start = 0;
		if (!fn.size)
			continue;
		EXPECT_NE(code_index_name(ix_, fn.addr + fn.size - 1, &start), nullptr) << name;
		EXPECT_EQ(start, fn.addr) << name;
	}
	std::printf("kernel: %zu functions: %zu framed, %zu leaves, %zu shrink-wrapped; "
		    "%zu with unknown code; of %zu instructions %zu unknown, %zu unreached\n",
		    st.functions, st.framed, st.leaves, st.shrink_wrapped, st.with_unknown,
		    st.insns, st.unknown_insns, st.unreached_insns);
	// Today's compiler output is all modelled: nothing reached is unknown.
	EXPECT_EQ(st.with_unknown, 0u);
	EXPECT_EQ(st.unknown_insns, 0u);
	// Assembly labels have no size: not indexed.
	uint64_t arch_switch = elf_symbol(Kernel().c_str(), "arch_switch");
	ASSERT_NE(arch_switch, 0u);
	EXPECT_EQ(code_index_name(ix_, arch_switch, nullptr), nullptr);
	EXPECT_TRUE(Is(code_index_classify(ix_, arch_switch, false), QS_CODE_UNKNOWN));
}

// Every call instruction in every C function is a call from a frame, and
// every framed function's prologue follows the rule.
TEST_F(RealKernel, EveryCallSiteIsAFramedReturnAddress)
{
	size_t calls = 0, framed = 0;
	for (const auto &[name, fn] : *fns_) {
		for (const Insn &in : fn.insns) {
			if (in.id != X86_INS_CALL)
				continue;
			calls++;
			EXPECT_TRUE(Is(code_index_classify(ix_, in.addr + in.size, true),
				       QS_CODE_FRAMED)) << name << "+0x" << std::hex << in.addr - fn.addr;
			// And the call itself, where a thread stops mid-body.
			EXPECT_TRUE(Is(code_index_classify(ix_, in.addr, false), QS_CODE_FRAMED))
				<< name;
		}
		if (fn.size > 4 && !std::memcmp(fn.bytes.data(), "\x55\x48\x89\xe5", 4)) {
			framed++;
			EXPECT_TRUE(Is(code_index_classify(ix_, fn.addr, false), QS_CODE_UNFRAMED, 0))
				<< name;
			EXPECT_TRUE(Is(code_index_classify(ix_, fn.addr + 1, false),
				       QS_CODE_UNFRAMED, 8)) << name;
			EXPECT_TRUE(Is(code_index_classify(ix_, fn.addr + 4, false), QS_CODE_FRAMED))
				<< name;
		}
	}
	EXPECT_GT(calls, 500u);
	EXPECT_GT(framed, 100u);
}

// Every instruction of every function has an answer, but for alignment
// padding after a jump, which nothing reaches; in a function that calls
// nothing, every answer is unframed unless it sets up a frame anyway.
TEST_F(RealKernel, EveryReachableInstructionHasAnAnswer)
{
	size_t leaves = 0, unframed = 0;
	for (const auto &[name, fn] : *fns_) {
		bool calls = false;
		for (const Insn &in : fn.insns)
			calls |= in.id == X86_INS_CALL;
		leaves += fn.size && !calls && fn.bytes[0] != 0x55;
		for (const Insn &in : fn.insns) {
			qs_code c = code_index_classify(ix_, in.addr, false);
			if (in.id == X86_INS_NOP)
				continue;
			EXPECT_NE(c.kind, QS_CODE_UNKNOWN)
				<< name << "+0x" << std::hex << in.addr - fn.addr << " " << in.text;
			unframed += !calls && c.kind == QS_CODE_UNFRAMED;
		}
	}
	EXPECT_GT(leaves, 50u);
	EXPECT_GT(unframed, 500u);
}

// The return into trap_common after its call of trap_dispatch is the trap
// return, found by decoding: checked here against the bytes themselves.
TEST_F(RealKernel, TrapReturnIsAfterTheCallOfTheHandler)
{
	struct code_index_stats st;
	code_index_summarize(ix_, &st);
	const KernelFn &entry = fns_->at("trap_common");
	uint64_t dispatch = fns_->at("trap_dispatch").addr;
	ASSERT_GT(st.trap_return, entry.addr + 5);
	ASSERT_LT(st.trap_return, entry.addr + entry.bytes.size());
	const uint8_t *call = &entry.bytes[st.trap_return - 5 - entry.addr];
	int32_t rel;
	std::memcpy(&rel, call + 1, 4);
	EXPECT_EQ(call[0], 0xe8);
	EXPECT_EQ(st.trap_return + (int64_t)rel, dispatch);
	EXPECT_TRUE(Is(code_index_classify(ix_, st.trap_return, true), QS_CODE_TRAP));
	// Only as a return address; a thread stopped there is in assembly.
	EXPECT_TRUE(Is(code_index_classify(ix_, st.trap_return, false), QS_CODE_UNKNOWN));
}

// ---- walks with the real classifier ---------------------------------

constexpr uint64_t kStackLo = 0xffff800000200000ull, kStackSize = 16384;

// A thread stack in host memory, read by the walker.
struct Stack {
	std::vector<uint64_t> words = std::vector<uint64_t>(kStackSize / 8);
	uint64_t sp = kStackLo + kStackSize;
	void Push(uint64_t v)
	{
		sp -= 8;
		words[(sp - kStackLo) / 8] = v;
	}
	static int Read(void *ctx, uint64_t gva, void *buf, size_t len)
	{
		auto *s = static_cast<Stack *>(ctx);
		if (gva < kStackLo || gva + len > kStackLo + kStackSize)
			return -1;
		std::memcpy(buf, &s->words[(gva - kStackLo) / 8], len);
		return 0;
	}
};

// A thread that never ran: arch_stack_init's frame, resuming at
// thread_entry's first byte with the fake return address 0 above.
TEST_F(RealKernel, ThreadThatNeverRanWalksCleanly)
{
	uint64_t entry = fns_->at("thread_entry").addr;
	EXPECT_TRUE(Is(code_index_classify(ix_, entry, false), QS_CODE_UNFRAMED, 0));
	Stack s;
	s.Push(0);      // fake return address of thread_entry
	s.Push(entry);  // arch_switch's ret
	for (int i = 0; i < 6; i++)
		s.Push(0);  // r15 r14 r13 r12 rbx rbp
	qs_walk_env env = {Stack::Read, &s, code_index_classify, ix_};
	qs_stack bounds = {kStackLo, kStackLo + kStackSize};
	qs_walk w;
	ASSERT_EQ(qs_walk_switched_out(&env, &bounds, s.sp, &w), 0) << w.problem.status;
	ASSERT_EQ(w.n, 1u);
	EXPECT_EQ(w.frames[0].pc, entry);
}

// A thread interrupted at a framed function's first byte: the trap frame
// on its stack, trap_dispatch called from trap_common, and the walk goes
// on through the trap return into the interrupted context.
TEST_F(RealKernel, WalkGoesThroughTheTrapReturn)
{
	struct code_index_stats st;
	code_index_summarize(ix_, &st);
	uint64_t victim = fns_->at("vsnprintf").addr, dispatch = fns_->at("trap_dispatch").addr;
	// Some framed caller's call site as the victim's return address.
	uint64_t in_caller = 0;
	for (const Insn &in : fns_->at("snprintf").insns)
		if (in.id == X86_INS_CALL && !in_caller)
			in_caller = in.addr + in.size;
	ASSERT_NE(in_caller, 0u);

	Stack s;
	s.Push(0);            // the thread's first frame: return address 0 ...
	s.Push(0);            // ... saved rbp 0
	uint64_t caller_rbp = s.sp;
	s.Push(in_caller);    // the caller called vsnprintf, interrupted at its entry
	uint64_t victim_rsp = s.sp;
	// The trap frame: ss rsp rflags cs rip, error code, vector, then the
	// 15 registers trap_common pushed (rbp among them).
	s.Push(0x10);         // ss
	s.Push(victim_rsp);   // rsp
	s.Push(0x202);        // rflags
	s.Push(0x8);          // cs
	s.Push(victim);       // rip
	s.Push(0);            // error code
	s.Push(32);           // vector
	const char *regs[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9",
			      "r10", "r11", "r12", "r13", "r14", "r15"};
	for (const char *r : regs)
		s.Push(!std::strcmp(r, "rbp") ? caller_rbp : 0);
	s.Push(st.trap_return); // trap_common's call of trap_dispatch
	qs_walk_env env = {Stack::Read, &s, code_index_classify, ix_};
	qs_stack bounds = {kStackLo, kStackLo + kStackSize};
	qs_context at = {dispatch, s.sp, 0x1234};  // at trap_dispatch's first byte
	qs_walk w;
	ASSERT_EQ(qs_walk_regs(&env, &bounds, &at, &w), 0) << w.problem.status;
	ASSERT_EQ(w.n, 4u);
	EXPECT_EQ(w.frames[0].pc, dispatch);
	EXPECT_EQ(w.frames[1].pc, st.trap_return);
	EXPECT_EQ(w.frames[2].pc, victim);
	EXPECT_FALSE(w.frames[2].is_return);
	EXPECT_EQ(w.frames[3].pc, in_caller);
}

} // namespace
