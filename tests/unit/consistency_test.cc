// SPDX-License-Identifier: GPL-2.0-only
// quiesce/consistency.c and its report (line and JSON) on threads whose
// stacks are built in the fake guest and walked by the real walker.
#include "quiesce_fixture.h"

#include <cstdlib>
#include <cstring>
#include <deque>

#include "json_fields.h"

namespace quiesce_test {
namespace {

class Consistency : public QuiesceTest {
protected:
	void TearDown() override
	{
		qs_report_free(&report);
		QuiesceTest::TearDown();
	}
	// Adds a thread with a copy of the last walk (the next one reuses
	// the fake guest's stack).
	void AddThread(uint64_t id, unsigned cpu, bool running, bool daemon = false)
	{
		walks.push_back(walk);
		threads.push_back({ id, cpu, running, daemon, &walks.back() });
	}
	void Switched(uint64_t id, unsigned cpu, uint64_t saved_rsp, bool daemon = false)
	{
		WalkSwitchedOut(saved_rsp);
		AddThread(id, cpu, false, daemon);
	}
	void Running(uint64_t id, unsigned cpu, const qs_context &regs)
	{
		Walk(regs);
		AddThread(id, cpu, true);
	}
	void Check() { ASSERT_EQ(qs_check(fns, 2, threads.data(), threads.size(), &report), 0); }
	std::string Line(size_t i) const
	{
		char buf[512];
		qs_blocker_line(&report.blockers[i], buf, sizeof(buf));
		return buf;
	}
	std::string Json() const
	{
		char *s = qss_report_json(&report);
		std::string out = s ? s : "";
		free(s);
		return out;
	}

	qs_function fns[2] = { { "f", kF.start, kF.end, false }, { "g", kG.start, kG.end, false } };
	std::deque<qs_walk> walks;
	std::vector<qs_thread> threads;
	qs_report report{};
};

// An old body ordinary threads may finish (a mirrored global's) blocks
// only a daemon, which generation quiescence would not wait for.
TEST_F(Consistency, AFunctionOnlyDaemonsMustLeaveBlocksTheDaemonAlone)
{
	StackBuilder s(g);
	s.Call(kInF);
	uint64_t saved = s.SwitchOut(kInSched);
	Switched(0x1000, 0, saved, false);
	Switched(0x2000, 1, saved, true);
	fns[0].daemons_only = true;
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_EQ(report.blockers[0].thread, 0x2000u);
	EXPECT_EQ(report.blockers[0].fn, &fns[0]);
}

TEST_F(Consistency, ThreadSleepingInTheReplacedFunctionBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Call(kInF);  // f blocked: f -> schedule_locked
	Switched(0x1000, 1, s.SwitchOut(kInSched));
	Check();
	ASSERT_FALSE(qs_report_clean(&report));
	ASSERT_EQ(report.n, 1u);
	EXPECT_STREQ(report.blockers[0].fn->name, "f");
	EXPECT_EQ(report.blockers[0].depth, 1u);
	EXPECT_EQ(report.blockers[0].thread, 0x1000u);
	EXPECT_EQ(Line(0), "thread 0x1000 (switched out, CPU 1) has f() on its stack "
			   "(frame 1, return address " + Hex(kInF) + ")");
}

TEST_F(Consistency, VcpuStoppedInsideTheFunctionBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	Running(0x2000, 0, s.At(kF.at(0x40)));
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_EQ(report.blockers[0].depth, 0u);
	EXPECT_EQ(Line(0), "thread 0x2000 (running on CPU 0) is in f() (frame 0, pc " +
			   Hex(kF.at(0x40)) + ")");
}

TEST_F(Consistency, VcpuAtTheFirstByteBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Push(kInA);  // A just called f: the jump would be written under it
	Running(0x2000, 0, s.At(kF.start));
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_EQ(report.blockers[0].depth, 0u);
}

TEST_F(Consistency, ReplacedFunctionOnlyDeeperInTheStackBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInF);  // f -> A
	s.Call(kInA);  // A -> B
	s.Call(kInB);  // B -> schedule_locked
	Switched(0x3000, 0, s.SwitchOut(kInSched));
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_STREQ(report.blockers[0].fn->name, "f");
	EXPECT_EQ(report.blockers[0].depth, 3u);
	EXPECT_TRUE(report.blockers[0].frame.is_return);
}

TEST_F(Consistency, InterruptedInsideTheFunctionBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	s.Interrupt(kF.at(0x33));
	s.Call(kInDispatch);
	Switched(0x4000, 1, s.SwitchOut(kInSched));
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_EQ(Line(0), "thread 0x4000 (switched out, CPU 1) is in f() (frame 3, pc " +
			   Hex(kF.at(0x33)) + ")");
}

TEST_F(Consistency, UnwalkableStackBlocks)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInA);
	uint64_t b_rbp = s.rbp();
	qss_put(g, b_rbp, b_rbp - 64);
	Running(0x5000, 1, s.At(kB.at(0x10)));
	Check();
	ASSERT_EQ(report.n, 1u);
	EXPECT_EQ(report.blockers[0].fn, nullptr);
	EXPECT_EQ(report.blockers[0].problem.status, QS_WALK_NOT_INCREASING);
	EXPECT_EQ(Line(0), "thread 0x5000 (running on CPU 1) has a stack that cannot be walked "
			   "after 2 frames: rbp " + Hex(b_rbp - 64) + " is below " + Hex(b_rbp + 16) +
			   ", where the frames under it end");
}

TEST_F(Consistency, FunctionFoundBeforeTheWalkFailedIsNamedToo)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInG);  // g -> B
	qss_put(g, s.rbp(), kStackHi + 64);
	Running(0x6000, 0, s.At(kB.at(0x10)));
	Check();
	ASSERT_EQ(report.n, 2u);
	EXPECT_STREQ(report.blockers[0].fn->name, "g");
	EXPECT_EQ(report.blockers[1].fn, nullptr);
	EXPECT_EQ(report.blockers[1].problem.status, QS_WALK_OUT_OF_BOUNDS);
}

TEST_F(Consistency, CleanThreadsAreClean)
{
	StackBuilder a(g);
	a.Call(kInEntry);
	a.Call(kInA);
	Running(0x1000, 0, a.At(kB.at(0x10)));
	StackBuilder b(g);
	b.Call(kInEntry);
	b.Call(kInC);  // a return address near f but not in it
	Switched(0x2000, 1, b.SwitchOut(kInSched));
	Switched(0x3000, 0, qss_new_thread(g, kStackHi, kEntry.start));
	Check();
	EXPECT_TRUE(qs_report_clean(&report));
	EXPECT_EQ(report.threads, 3u);
	EXPECT_EQ(Json(), R"({"clean":true,"threads":3,"blockers":[]})");
}

TEST_F(Consistency, EachFunctionOnAStackBlocksOnceAtItsInnermostFrame)
{
	StackBuilder s(g);
	s.Call(kInEntry);
	s.Call(kInF);  // f -> g
	s.Call(kInG);  // g -> f (recursion through g)
	s.Call(kInF);  // f -> schedule_locked
	Switched(0x7000, 0, s.SwitchOut(kInSched));
	Check();
	ASSERT_EQ(report.n, 2u);
	EXPECT_STREQ(report.blockers[0].fn->name, "f");
	EXPECT_EQ(report.blockers[0].depth, 1u);
	EXPECT_STREQ(report.blockers[1].fn->name, "g");
	EXPECT_EQ(report.blockers[1].depth, 2u);
}

TEST_F(Consistency, FrameBoundaries)
{
	const qs_function &f = fns[0];
	auto in = [&](uint64_t pc, bool ret) {
		qs_frame fr = { pc, ret };
		return qs_frame_in(&fr, &f);
	};
	EXPECT_TRUE(in(kF.start, false));
	EXPECT_TRUE(in(kF.end - 1, false));
	EXPECT_FALSE(in(kF.end, false));       // the next function's first byte
	EXPECT_TRUE(in(kF.end, true));         // a call in f's last bytes
	EXPECT_TRUE(in(kF.start, true));       // returns into f's first bytes
	EXPECT_FALSE(in(kF.start - 1, true));
	EXPECT_FALSE(in(kF.end + 1, true));
}

TEST_F(Consistency, JsonNamesEveryBlocker)
{
	StackBuilder a(g);
	a.Call(kInEntry);
	a.Call(kInF);
	Switched(0xffff800000100000ull, 1, a.SwitchOut(kInSched));
	StackBuilder b(g);
	b.Call(kInEntry);
	qss_put(g, b.rbp(), b.rbp() + 4);
	Running(0x2000, 0, b.At(kA.at(0x10)));
	Check();
	std::string j = Json();
	uint64_t u = 0;
	int flag = -1;
	char str[128];
	ASSERT_EQ(jf_bool(j.c_str(), "clean", &flag), 0) << j;
	EXPECT_EQ(flag, 0);
	ASSERT_EQ(jf_u64(j.c_str(), "threads", &u), 0);
	EXPECT_EQ(u, 2u);
	ASSERT_EQ(jf_array_size(j.c_str(), "blockers"), 2);
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.0.thread", &u), 0);
	EXPECT_EQ(u, 0xffff800000100000ull);
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.0.cpu", &u), 0);
	EXPECT_EQ(u, 1u);
	ASSERT_EQ(jf_bool(j.c_str(), "blockers.0.running", &flag), 0);
	EXPECT_EQ(flag, 0);
	ASSERT_EQ(jf_string(j.c_str(), "blockers.0.function", str, sizeof(str)), 0);
	EXPECT_STREQ(str, "f");
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.0.depth", &u), 0);
	EXPECT_EQ(u, 1u);
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.0.pc", &u), 0);
	EXPECT_EQ(u, kInF);
	ASSERT_EQ(jf_bool(j.c_str(), "blockers.0.return_address", &flag), 0);
	EXPECT_EQ(flag, 1);
	ASSERT_EQ(jf_string(j.c_str(), "blockers.1.unreliable", str, sizeof(str)), 0);
	EXPECT_STREQ(str, "misaligned");
	ASSERT_EQ(jf_string(j.c_str(), "blockers.1.at", str, sizeof(str)), 0);
	EXPECT_STREQ(str, "rbp");
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.1.addr", &u), 0);
	EXPECT_EQ(u, b.rbp() + 4);
	ASSERT_EQ(jf_u64(j.c_str(), "blockers.1.depth", &u), 0);
	EXPECT_EQ(u, 2u);
	ASSERT_EQ(jf_bool(j.c_str(), "blockers.1.running", &flag), 0);
	EXPECT_EQ(flag, 1);
	ASSERT_EQ(jf_string(j.c_str(), "blockers.1.why", str, sizeof(str)), 0);
	EXPECT_EQ(std::string(str), "rbp " + Hex(b.rbp() + 4) + " is not 8-byte aligned");
}

class WaitedLine : public Consistency {
protected:
	std::string Waited(unsigned waits, uint64_t ns) const
	{
		char buf[512];
		qs_waited_line(&report, waits, ns, buf, sizeof(buf));
		return buf;
	}
	void SleepIn(uint64_t id, uint64_t ra)
	{
		StackBuilder s(g);
		s.Call(kInEntry);
		s.Call(ra);
		Switched(id, 0, s.SwitchOut(kInSched));
	}
};

TEST_F(WaitedLine, GroupsThreadsByFunction)
{
	SleepIn(0x1000, kInF);
	SleepIn(0x2000, kInG);
	SleepIn(0x3000, kInF);
	StackBuilder s(g);
	s.Call(kInEntry);
	qss_put(g, s.rbp(), 8);
	Running(0x4000, 1, s.At(kA.at(0x10)));
	Check();
	EXPECT_EQ(Waited(7, 1900000000ull),
		  "waited 7 times over 1.9 s for threads 0x1000, 0x3000 to leave f(); "
		  "thread 0x2000 to leave g(); thread 0x4000 to have a walkable stack");
}

TEST_F(WaitedLine, OneThreadUnderASecond)
{
	SleepIn(0x1000, kInF);
	Check();
	EXPECT_EQ(Waited(1, 12500000ull), "waited 1 time over 12 ms for thread 0x1000 to leave f()");
}

TEST_F(WaitedLine, ShortBufferIsCutNotOverrun)
{
	SleepIn(0x1000, kInF);
	Check();
	char buf[16];
	memset(buf, 'x', sizeof(buf));
	qs_waited_line(&report, 3, 1, buf, 12);
	EXPECT_STREQ(buf, "waited 3 ti");
	EXPECT_EQ(buf[12], 'x');
	qs_blocker_line(&report.blockers[0], buf, 12);
	EXPECT_STREQ(buf, "thread 0x10");
}

}  // namespace
}  // namespace quiesce_test
