// SPDX-License-Identifier: GPL-2.0-only
// Collecting a stopped guest's contexts from its thread table
// (quiesce/guest_threads.h), in a fake guest holding the table, the
// threads' structs and their stacks: every context found once, walked
// from the right place (live registers for a CPU's current thread, the
// saved rsp for the others), and a table that cannot be trusted refused.
#include <cstring>

#include <sv/threads.h>

#include "guest_threads.h"
#include "quiesce_fixture.h"

namespace quiesce_test {
namespace {

constexpr uint64_t kBase = 0xffff800000400000ull;
constexpr uint64_t kThreadStack = 16384;
constexpr uint64_t kStacks = 4;
constexpr uint64_t kStructs = kBase + kStacks * kThreadStack;  // 256 bytes each
constexpr uint64_t kTable = kStructs + 8 * 256;
constexpr uint64_t kSize = kTable + sizeof(sv_thread_table) - kBase + QSS_PAGE;
// The fake struct thread's layout, which the table describes.
constexpr uint32_t kOffSavedRsp = 0, kOffStack = 32, kOffCpu = 40, kOffFlags = 44;

uint64_t StackLo(unsigned i) { return kBase + i * kThreadStack; }
uint64_t StackHi(unsigned i) { return StackLo(i) + kThreadStack; }
uint64_t Thread(unsigned i) { return kStructs + i * 256; }

class GuestThreadsTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		g = qss_guest_new(kBase, kSize);
		ASSERT_NE(g, nullptr);
		AddFunctions(g);
		env = qss_env(g);
		table = static_cast<sv_thread_table *>(qss_host(g, kTable));
		*table = sv_thread_table{};
		table->magic = SV_THREAD_TABLE_MAGIC;
		table->version = SV_THREAD_TABLE_VERSION;
		table->slots = SV_THREAD_TABLE_SLOTS;
		table->ncpus = 2;
		table->stack_size = kThreadStack;
		table->off_saved_rsp = kOffSavedRsp;
		table->off_stack = kOffStack;
		table->off_cpu = kOffCpu;
		table->off_flags = kOffFlags;
	}
	void TearDown() override
	{
		qs_guest_threads_free(&threads);
		qs_report_free(&report);
		qss_guest_free(g);
	}
	// Thread i on stack i, bound to cpu, listed in slot `slot`.
	void AddThread(unsigned i, unsigned cpu, unsigned slot, uint64_t saved_rsp,
		       bool daemon = false)
	{
		qss_put(g, Thread(i) + kOffSavedRsp, saved_rsp);
		qss_put(g, Thread(i) + kOffStack, StackLo(i));
		qss_put(g, Thread(i) + kOffCpu, cpu);
		qss_put(g, Thread(i) + kOffFlags, daemon ? SV_THREAD_FLAG_DAEMON : 0);
		table->thread[slot] = Thread(i);
	}
	// CPU cpu's idle context: thread i, on stack i, which the table names.
	void SetIdle(unsigned cpu, unsigned i, uint64_t saved_rsp)
	{
		qss_put(g, Thread(i) + kOffSavedRsp, saved_rsp);
		table->cpu[cpu].idle = Thread(i);
		table->cpu[cpu].idle_stack_lo = StackLo(i);
		table->cpu[cpu].idle_stack_hi = StackHi(i);
	}
	int Collect(const std::vector<qs_context> &cpus)
	{
		return qs_guest_threads_collect(&env, kTable, cpus.data(), (unsigned)cpus.size(),
						&threads, why);
	}
	const qs_thread *Find(uint64_t id) const
	{
		for (size_t i = 0; i < threads.n; i++)
			if (threads.threads[i].id == id)
				return &threads.threads[i];
		return nullptr;
	}

	qss_guest *g = nullptr;
	qs_walk_env env{};
	sv_thread_table *table = nullptr;
	qs_guest_threads threads{};
	qs_report report{};
	char why[QS_WHY_MAX] = "";
};

// CPU 0 runs thread 0, inside F; CPU 1 idles (its idle context is current,
// in A). Thread 1 slept with F on its stack; CPU 0's idle context is
// switched out in the scheduler.
TEST_F(GuestThreadsTest, EveryContextOnceFromItsRegistersOrItsSavedRsp)
{
	StackBuilder running(g, StackBuilder::kThread, StackHi(0));
	running.Call(kInA);
	AddThread(0, 0, 5, 0);
	StackBuilder sleeping(g, StackBuilder::kThread, StackHi(1));
	sleeping.Call(kInF);
	sleeping.Call(kInSched);
	AddThread(1, 1, 9, sleeping.SwitchOut(kInSched), true);
	StackBuilder idle0(g, StackBuilder::kBare, StackHi(2));
	idle0.Call(0);
	idle0.Call(kInSched);
	SetIdle(0, 2, idle0.SwitchOut(kInSched));
	StackBuilder idle1(g, StackBuilder::kBare, StackHi(3));
	idle1.Call(0);
	SetIdle(1, 3, 0);
	table->cpu[0].current = Thread(0);
	table->cpu[1].current = Thread(3);

	ASSERT_EQ(Collect({ running.At(kF.at(0x10)), idle1.At(kA.at(0x20)) }), 0) << why;
	ASSERT_EQ(threads.n, 4u);
	const qs_thread *t0 = Find(Thread(0)), *t1 = Find(Thread(1));
	const qs_thread *idle_running = Find(Thread(3)), *idle_out = Find(Thread(2));
	ASSERT_TRUE(t0 && t1 && idle_running && idle_out);
	EXPECT_TRUE(t0->running);
	EXPECT_EQ(t0->cpu, 0u);
	EXPECT_EQ(t0->walk->frames[0].pc, kF.at(0x10));
	EXPECT_TRUE(idle_running->running);
	EXPECT_EQ(idle_running->cpu, 1u);
	EXPECT_FALSE(t1->running);
	EXPECT_EQ(t1->cpu, 1u) << "read from its struct thread";
	EXPECT_TRUE(t1->daemon) << "its flags";
	EXPECT_FALSE(t0->daemon);
	EXPECT_FALSE(idle_out->running);
	for (size_t i = 0; i < threads.n; i++)
		EXPECT_EQ(threads.walks[i].problem.status, QS_WALK_RELIABLE)
			<< Hex(threads.threads[i].id);

	qs_function f = { "f", kF.start, kF.end, false };
	ASSERT_EQ(qs_check(&f, 1, threads.threads, threads.n, &report), 0);
	ASSERT_EQ(report.n, 2u) << "the running thread in F and the sleeper with F on its stack";
}

TEST_F(GuestThreadsTest, AThreadWhoseStackFieldLiesIsUnwalkableAndBlocks)
{
	StackBuilder sleeping(g, StackBuilder::kThread, StackHi(1));
	sleeping.Call(kInA);
	AddThread(1, 0, 0, sleeping.SwitchOut(kInSched));
	qss_put(g, Thread(1) + kOffStack, StackLo(2)); // the guest names another stack
	StackBuilder idle(g, StackBuilder::kBare, StackHi(3));
	idle.Call(0);
	SetIdle(0, 3, 0);
	SetIdle(1, 3, 0);
	table->cpu[0].current = table->cpu[1].current = Thread(3);

	ASSERT_EQ(Collect({ idle.At(kA.at(0x20)), idle.At(kA.at(0x20)) }), 0) << why;
	const qs_thread *t = Find(Thread(1));
	ASSERT_NE(t, nullptr);
	EXPECT_EQ(t->walk->problem.status, QS_WALK_OUT_OF_BOUNDS);
	qs_function f = { "f", kF.start, kF.end, false };
	ASSERT_EQ(qs_check(&f, 1, threads.threads, threads.n, &report), 0);
	EXPECT_FALSE(qs_report_clean(&report));
}

struct Untrusted {
	const char *name;
	void (*spoil)(sv_thread_table *t);
	const char *why;
};

class UntrustedTable : public GuestThreadsTest,
		       public ::testing::WithParamInterface<Untrusted> {};

TEST_P(UntrustedTable, IsRefusedSayingWhy)
{
	GetParam().spoil(table);
	qs_context regs = { kA.at(0x20), StackHi(3) - 64, StackHi(3) - 32 };
	EXPECT_EQ(Collect({ regs, regs }), -1);
	EXPECT_NE(std::strstr(why, GetParam().why), nullptr) << why;
	EXPECT_EQ(threads.n, 0u);
}

INSTANTIATE_TEST_SUITE_P(
	Tables, UntrustedTable,
	::testing::Values(
		Untrusted{ "magic", [](sv_thread_table *t) { t->magic = 0x1234; }, "magic 0x1234" },
		Untrusted{ "version", [](sv_thread_table *t) { t->version = 7; }, "version 7" },
		Untrusted{ "overflow", [](sv_thread_table *t) { t->overflow = 3; },
			   "overflowed: 3 threads are not in it" },
		Untrusted{ "cpus", [](sv_thread_table *t) { t->ncpus = 1; },
			   "lists 1 CPUs, the VM has 2" }),
	[](const auto &info) { return std::string(info.param.name); });

TEST_F(GuestThreadsTest, AnUnreadableTableIsRefused)
{
	qss_unreadable(g, kTable + QSS_PAGE);
	qs_context regs = { kA.at(0x20), StackHi(3) - 64, StackHi(3) - 32 };
	EXPECT_EQ(Collect({ regs, regs }), -1);
	EXPECT_NE(std::strstr(why, "cannot be read"), nullptr) << why;
}

}  // namespace
}  // namespace quiesce_test
