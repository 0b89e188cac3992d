// SPDX-License-Identifier: GPL-2.0-only
// A fake guest for the quiesce tests: a 16 KiB thread stack in the higher
// half, the functions the threads run, and a builder that lays frames
// down the stack the way the guest's code does.
#ifndef SV_TEST_QUIESCE_FIXTURE_H
#define SV_TEST_QUIESCE_FIXTURE_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "quiesce_shim.h"

namespace quiesce_test {

constexpr uint64_t kStackLo = 0xffff800000200000ull;
constexpr uint64_t kStackSize = 4 * QSS_PAGE;
constexpr uint64_t kStackHi = kStackLo + kStackSize;

// The guest's code: [start, end) of each function.
struct Fn {
	uint64_t start, end;
	uint64_t at(uint64_t off) const { return start + off; }
};
constexpr Fn kEntry = { 0xffffffff80100000ull, 0xffffffff80100100ull };  // thread_entry
constexpr Fn kA = { 0xffffffff80100100ull, 0xffffffff80100200ull };
constexpr Fn kB = { 0xffffffff80100200ull, 0xffffffff80100300ull };
constexpr Fn kC = { 0xffffffff80100300ull, 0xffffffff80100400ull };
constexpr uint64_t kCRet = 0xffffffff801003f0ull;  // C's ret, after pop rbp
constexpr Fn kLeaf = { 0xffffffff80100400ull, 0xffffffff80100420ull };
constexpr Fn kTrapEntry = { 0xffffffff80100500ull, 0xffffffff80100580ull };  // traps.S
constexpr uint64_t kTrapReturn = 0xffffffff80100540ull;  // after call trap_dispatch
constexpr Fn kDispatch = { 0xffffffff80100600ull, 0xffffffff80100700ull };  // trap_dispatch
constexpr Fn kSched = { 0xffffffff80100700ull, 0xffffffff80100800ull };  // schedule_locked
constexpr Fn kAsm = { 0xffffffff80100800ull, 0xffffffff80100840ull };  // a trampoline
constexpr Fn kF = { 0xffffffff80101000ull, 0xffffffff80101100ull };  // being replaced
constexpr Fn kG = { 0xffffffff80101100ull, 0xffffffff80101200ull };  // being replaced

// Return addresses: a call site inside each caller.
constexpr uint64_t kInEntry = kEntry.start + 0x30;
constexpr uint64_t kInA = kA.start + 0x40;
constexpr uint64_t kInB = kB.start + 0x50;
constexpr uint64_t kInC = kC.start + 0x60;
constexpr uint64_t kInF = kF.start + 0x20;
constexpr uint64_t kInG = kG.start + 0x24;
constexpr uint64_t kInDispatch = kDispatch.start + 0x18;
constexpr uint64_t kInSched = kSched.start + 0xee;  // after call arch_switch

// Lays frames down from the top of the stack. A thread starts as
// arch_stack_init leaves it: thread_entry's frame at the top, its saved
// rbp and return address 0; a bare stack starts empty.
class StackBuilder {
public:
	enum Start { kThread, kBare };
	explicit StackBuilder(qss_guest *g, Start start = kThread, uint64_t top = kStackHi)
		: g_(g), sp_(top)
	{
		if (start == kThread)
			Call(0);
	}
	void Push(uint64_t v)
	{
		sp_ -= 8;
		qss_put(g_, sp_, v);
	}
	// A call from return address ra into a C function that sets up its
	// frame and takes `locals` bytes below it.
	void Call(uint64_t ra, uint64_t locals = 32)
	{
		Push(ra);
		Push(rbp_);
		Frame();
		sp_ -= locals;
	}
	void Frame() { rbp_ = sp_; }  // mov rbp, rsp
	// arch_switch from the current function, returning to ra: the six
	// callee-saved registers, rbp highest. Returns the saved_rsp.
	uint64_t SwitchOut(uint64_t ra)
	{
		Push(ra);
		Push(rbp_);
		for (uint64_t r = 0; r < 5; r++)
			Push(0x5a5a0000 + r);
		return sp_;
	}
	// The CPU and traps.S on an interrupt at pc, then the call of
	// trap_dispatch, which sets up its frame.
	void Interrupt(uint64_t pc)
	{
		sp_ = qss_push_trap_frame(g_, pc, sp_, rbp_);
		Call(kTrapReturn);
	}
	qs_context At(uint64_t pc) const { return { pc, sp_, rbp_ }; }
	uint64_t sp() const { return sp_; }
	uint64_t rbp() const { return rbp_; }

private:
	qss_guest *g_;
	uint64_t sp_;
	uint64_t rbp_ = 0;
};

inline std::string Hex(uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return buf;
}

// The guest's code above, as the classifier knows it.
inline void AddFunctions(qss_guest *g)
{
	for (Fn f : { kEntry, kA, kB, kF, kG, kDispatch, kSched })
		ASSERT_EQ(qss_function(g, f.start, f.end, QSS_C, 0), 0);
	ASSERT_EQ(qss_function(g, kC.start, kC.end, QSS_C, kCRet), 0);
	ASSERT_EQ(qss_function(g, kLeaf.start, kLeaf.end, QSS_LEAF, 0), 0);
	ASSERT_EQ(qss_function(g, kTrapEntry.start, kTrapEntry.end, QSS_TRAP_ENTRY, kTrapReturn),
		  0);
	ASSERT_EQ(qss_function(g, kAsm.start, kAsm.end, QSS_ASM, 0), 0);
}

class QuiesceTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		g = qss_guest_new(kStackLo, kStackSize);
		ASSERT_NE(g, nullptr);
		AddFunctions(g);
		env = qss_env(g);
	}
	void TearDown() override
	{
		// The reader contract: one aligned word at a time.
		EXPECT_EQ(qss_odd_reads(g), 0u);
		qss_guest_free(g);
	}
	int Walk(const qs_context &c, const qs_stack &s = { kStackLo, kStackHi })
	{
		return qs_walk_regs(&env, &s, &c, &walk);
	}
	int WalkSwitchedOut(uint64_t saved_rsp)
	{
		qs_stack s = { kStackLo, kStackHi };
		return qs_walk_switched_out(&env, &s, saved_rsp, &walk);
	}
	std::vector<uint64_t> Pcs() const { return PcsOf(walk); }
	static std::vector<uint64_t> PcsOf(const qs_walk &w)
	{
		std::vector<uint64_t> v;
		for (unsigned i = 0; i < w.n; i++)
			v.push_back(w.frames[i].pc);
		return v;
	}

	qss_guest *g = nullptr;
	qs_walk_env env{};
	qs_walk walk{};
};

}  // namespace quiesce_test

#endif
