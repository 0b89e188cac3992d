// SPDX-License-Identifier: GPL-2.0-only
// quiesce/stack_walk.c on stacks built in a fake guest: chains that end
// cleanly, a thread stopped before its frame is set up, switched-out and
// interrupted threads, and every way a chain is refused as unreliable.
#include "quiesce_fixture.h"

namespace quiesce_test {
namespace {

using Pcs_ = std::vector<uint64_t>;

std::string Problem(const qs_walk &w)
{
	char buf[256];
	qs_walk_problem_text(&w.problem, buf, sizeof(buf));
	return buf;
}

class StackWalk : public QuiesceTest {};

TEST_F(StackWalk, FourDeepChainEndsAtTheThreadsFirstFrame)
{
	StackBuilder s(g);
	s.Call(kInEntry);  // thread_entry -> A
	s.Call(kInA);      // A -> B
	s.Call(kInB);      // B -> C
	ASSERT_EQ(Walk(s.At(kC.at(0x20))), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kC.at(0x20), kInB, kInA, kInEntry }));
	EXPECT_FALSE(walk.frames[0].is_return);
	for (unsigned i = 1; i < walk.n; i++)
		EXPECT_TRUE(walk.frames[i].is_return) << i;
	EXPECT_EQ(walk.problem.status, QS_WALK_RELIABLE);
}

TEST_F(StackWalk, UnknownBoundsStillWalkTheChain)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	ASSERT_EQ(Walk(s.At(kB.at(0x10)), { 0, 0 }), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kB.at(0x10), kInA, kInEntry }));
}

// Leaf rule: before push rbp (offset 0), the return address is at [rsp];
// after it (offset 1), at [rsp + 8]; rbp is the caller's in both.
TEST_F(StackWalk, AtTheFirstInstructionTheReturnAddressIsAtRsp)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Push(kInB);  // B's call of C, nothing of C's yet
	ASSERT_EQ(Walk(s.At(kC.start)), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kC.start, kInB, kInA, kInEntry }));
}

TEST_F(StackWalk, AfterPushRbpTheReturnAddressIsOneWordUp)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Push(kInB);
	s.Push(s.rbp());  // C's push rbp, before mov rbp, rsp
	ASSERT_EQ(Walk(s.At(kC.at(1))), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kC.at(1), kInB, kInA, kInEntry }));
}

TEST_F(StackWalk, AtRetAfterPopRbpTheReturnAddressIsAtRsp)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Push(kInB);  // C popped its frame: only the return address is left
	ASSERT_EQ(Walk(s.At(kCRet)), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kCRet, kInB, kInA, kInEntry }));
}

TEST_F(StackWalk, FramelessLeafAnywhereUsesRsp)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Push(kInA);  // A called the leaf
	ASSERT_EQ(Walk(s.At(kLeaf.at(0xc))), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kLeaf.at(0xc), kInA, kInEntry }));
}

// Without the leaf rule the walk would read rbp as C's frame and miss B.
TEST_F(StackWalk, AtTheFirstInstructionTheCallerIsNotSkipped)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Push(kInB);
	ASSERT_EQ(Walk(s.At(kC.start)), 0);
	EXPECT_EQ(walk.frames[1].pc, kInB);
}

TEST_F(StackWalk, SwitchedOutThreadResumesAfterArchSwitch)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInF);    // f -> schedule_locked
	uint64_t saved_rsp = s.SwitchOut(kInSched);
	ASSERT_EQ(WalkSwitchedOut(saved_rsp), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kInSched, kInF, kInEntry }));
	EXPECT_FALSE(walk.frames[0].is_return);  // where it resumes
}

// The guest's own arch_stack_init: a thread that never ran resumes at its
// entry's first instruction, and its fake return address 0 ends the walk.
TEST_F(StackWalk, NewThreadFromTheGuestsArchStackInit)
{
	uint64_t saved_rsp = qss_new_thread(g, kStackHi, kEntry.start);
	ASSERT_EQ(WalkSwitchedOut(saved_rsp), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kEntry.start }));
}

// Interrupted in f, preempted in the handler: f's pc is only in the trap
// frame, never in a frame record.
TEST_F(StackWalk, TrapFrameGivesTheInterruptedPc)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);   // A -> f
	s.Interrupt(kF.at(0x33));
	s.Call(kInDispatch);  // trap_dispatch -> schedule_locked
	uint64_t saved_rsp = s.SwitchOut(kInSched);
	ASSERT_EQ(WalkSwitchedOut(saved_rsp), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kInSched, kInDispatch, kTrapReturn, kF.at(0x33), kInA, kInEntry }));
	EXPECT_FALSE(walk.frames[3].is_return);
}

TEST_F(StackWalk, InterruptedBeforePushRbpUsesTheLeafRule)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Push(kInA);  // A called f, interrupted at its first instruction
	s.Interrupt(kF.start);
	uint64_t saved_rsp = s.SwitchOut(kInDispatch);
	ASSERT_EQ(WalkSwitchedOut(saved_rsp), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kInDispatch, kTrapReturn, kF.start, kInA, kInEntry }));
}

TEST_F(StackWalk, SavedRbpZeroEndsAfterItsReturnAddress)
{
	// _start clears rbp and calls arch_boot: the return address into
	// assembly is kept, and rbp 0 says nothing lies above.
	StackBuilder s(g, StackBuilder::kBare);
	s.Call(kAsm.at(8));
	s.Call(kInA);
	ASSERT_EQ(Walk(s.At(kB.at(0x10))), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kB.at(0x10), kInA, kAsm.at(8) }));
}

TEST_F(StackWalk, ReturnAddressInTheStacksLastWordEndsTheWalk)
{
	// A boot-style stack with no terminating zeros: the outermost record
	// fills the top, so no caller frame can lie above it.
	StackBuilder s(g, StackBuilder::kBare);
	s.Push(kInEntry);
	s.Push(0xdeadbeef00);  // an rbp from before this stack
	s.Frame();
	s.Call(kInA);
	ASSERT_EQ(Walk(s.At(kB.at(0x10))), 0) << Problem(walk);
	EXPECT_EQ(Pcs(), (Pcs_{ kB.at(0x10), kInA, kInEntry }));
}

// Unreliable walks keep the frames found before the problem.
TEST_F(StackWalk, RbpGoingDownIsNotIncreasing)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	uint64_t b_rbp = s.rbp();
	s.Call(kInB);
	qss_put(g, b_rbp, s.sp() - 64);  // B's saved rbp now points below C
	EXPECT_EQ(Walk(s.At(kC.at(0x20))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_NOT_INCREASING);
	EXPECT_EQ(walk.problem.addr, s.sp() - 64);
	EXPECT_EQ(Pcs(), (Pcs_{ kC.at(0x20), kInB, kInA }));
	EXPECT_EQ(Problem(walk), "rbp " + Hex(s.sp() - 64) + " is below " + Hex(b_rbp + 16) +
		  ", where the frames under it end");
}

TEST_F(StackWalk, RbpPointingAtItselfIsALoop)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	qss_put(g, s.rbp(), s.rbp());
	EXPECT_EQ(Walk(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_NOT_INCREASING);
	EXPECT_EQ(walk.n, 2u);
}

TEST_F(StackWalk, RbpOutsideTheStack)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	qss_put(g, s.rbp(), kStackHi + 0x100);
	EXPECT_EQ(Walk(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_OUT_OF_BOUNDS);
	EXPECT_EQ(walk.problem.addr, kStackHi + 0x100);
	EXPECT_EQ(std::string(walk.problem.what), "rbp");
	EXPECT_EQ(Problem(walk), "rbp 0xffff800000204100 is outside the stack "
				 "[0xffff800000200000, 0xffff800000204000)");
}

TEST_F(StackWalk, RecordStraddlingTheTopIsOutside)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	qss_put(g, s.rbp(), kStackHi - 8);  // its return address would lie past hi
	EXPECT_EQ(Walk(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_OUT_OF_BOUNDS);
}

TEST_F(StackWalk, MisalignedRbp)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	qss_put(g, s.rbp(), s.rbp() + 0x44);
	EXPECT_EQ(Walk(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_MISALIGNED);
	EXPECT_EQ(walk.problem.addr, s.rbp() + 0x44);
}

TEST_F(StackWalk, UnreadablePage)
{
	StackBuilder s(g);
	s.Call(kInEntry, 2 * QSS_PAGE);  // A's locals put B's frame two pages down
	uint64_t a_rbp = s.rbp();
	s.Call(kInA);
	s.Call(kInB);
	qss_unreadable(g, a_rbp);
	EXPECT_EQ(Walk(s.At(kC.at(0x20))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_UNREADABLE);
	EXPECT_EQ(walk.problem.addr, a_rbp);
	EXPECT_EQ(Problem(walk), "the word at " + Hex(a_rbp) + " (rbp) cannot be read");
	EXPECT_EQ(Pcs(), (Pcs_{ kC.at(0x20), kInB, kInA }));
}

TEST_F(StackWalk, UnreadableSwitchFrame)
{
	StackBuilder s(g);
	uint64_t saved_rsp = s.SwitchOut(kInSched);
	qss_unreadable(g, saved_rsp);
	EXPECT_EQ(WalkSwitchedOut(saved_rsp), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_UNREADABLE);
	EXPECT_EQ(std::string(walk.problem.what), "switch frame");
	EXPECT_EQ(walk.n, 0u);
}

TEST_F(StackWalk, ReturnIntoAssemblyWithoutAFrameIsUnknown)
{
	// A trampoline that does not keep rbp called B: the return address
	// into it cannot be followed, rbp would skip its caller.
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Call(kAsm.at(0x10));
	EXPECT_EQ(Walk(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_UNKNOWN_CODE);
	EXPECT_EQ(walk.problem.addr, kAsm.at(0x10));
}

TEST_F(StackWalk, StoppedInAssemblyIsUnknown)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	EXPECT_EQ(Walk(s.At(kTrapEntry.at(4))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_UNKNOWN_CODE);
	EXPECT_EQ(std::string(walk.problem.what), "pc");
	EXPECT_EQ(Pcs(), (Pcs_{ kTrapEntry.at(4) }));
}

TEST_F(StackWalk, RspOnAnotherStack)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	EXPECT_EQ(Walk({ kA.at(0x10), kStackLo - 0x100, s.rbp() }), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_OUT_OF_BOUNDS);
	EXPECT_EQ(std::string(walk.problem.what), "rsp");
}

TEST_F(StackWalk, DeeperThanTheLimit)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	for (int i = 0; i < QS_WALK_MAX_FRAMES + 5; i++)
		s.Call(kInA, 0);  // A recursing
	EXPECT_EQ(Walk(s.At(kA.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_TOO_DEEP);
	EXPECT_EQ(walk.n, unsigned(QS_WALK_MAX_FRAMES));
	EXPECT_EQ(Problem(walk), "more than 64 frames");
}

TEST_F(StackWalk, UnknownBoundsStillRefuseALoop)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	qss_put(g, s.rbp(), s.rbp());
	EXPECT_EQ(Walk(s.At(kB.at(0x10)), { 0, 0 }), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_NOT_INCREASING);
}

TEST_F(StackWalk, UnknownBoundsRefuseARecordPastTheAddressSpace)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	qss_put(g, s.rbp(), 0xfffffffffffffff8ull);
	EXPECT_EQ(Walk(s.At(kA.at(0x10)), { 0, 0 }), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_OUT_OF_BOUNDS);
	EXPECT_EQ(Problem(walk), "rbp 0xfffffffffffffff8 runs past the end of the address space");
}

TEST_F(StackWalk, StatusNames)
{
	EXPECT_STREQ(qs_walk_status_name(QS_WALK_NOT_INCREASING), "not-increasing");
	EXPECT_STREQ(qs_walk_status_name(QS_WALK_UNREADABLE), "unreadable");
	EXPECT_STREQ(qs_walk_status_name(QS_WALK_TOO_DEEP), "too-deep");
}

}  // namespace
}  // namespace quiesce_test
