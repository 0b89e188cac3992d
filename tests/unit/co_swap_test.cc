// SPDX-License-Identifier: GPL-2.0-only
// Interposition and hot swap (guest/cobj/interpose.c, hot_swap.c), hosted
// under ThreadSanitizer: host threads stand for 4 CPUs and run short-lived
// guest threads (each ends after a few calls, as K42's do, so generations
// move on); the test's main thread is a daemon, as the guest's test runner.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "co_swap_shim.h"
#include "cobj_shim.h"
#include "cobj_test_support.h"

namespace {

using cobj_test::Cobj;
using cobj_test::kCpus;
using cobj_test::Load;
using cobj_test::OnEveryCpu;

using CoSwap = Cobj;

constexpr uint64_t kPatientUs = 20'000'000;  // a swap that must succeed

// 1..3 in a pattern per CPU: positive, so totals only grow.
int64_t Amount(unsigned cpu, uint64_t i) { return 1 + static_cast<int64_t>((i + cpu) % 3); }

// ---- negotiation ----------------------------------------------------------

TEST(CoNegotiate, HighestCommonBitWinsAndNoneIsMinusOne) {
  struct Case {
    uint64_t exports, imports;
    int format;
  };
  const Case cases[] = {
      {1, 1, 0},
      {0b11, 0b11, 1},
      {0b11, 0b01, 0},
      {0b1011, 0b1110, 3},
      {0b0110, 0b0011, 1},
      {1ull << 63 | 1, 1ull << 63 | 1 << 4, 63},
      {~0ull, ~0ull, 63},
      {0b100, 0b011, -1},
      {0, ~0ull, -1},
      {~0ull, 0, -1},
  };
  for (const Case &c : cases)
    EXPECT_EQ(css_negotiate(c.exports, c.imports), c.format)
        << std::hex << "exports 0x" << c.exports << " imports 0x" << c.imports;
}

// ---- refusals: nothing is touched -----------------------------------------

TEST_F(CoSwap, NoCommonFormatFailsBeforeTouchingTheObject) {
  void *id = css_probe_create();
  ASSERT_NE(id, nullptr);
  css_probe_add(id, 5);
  void *root = css_root_of(id), *alien = css_probe_root_alien(), *swap = nullptr;
  EXPECT_EQ(css_hot_swap(id, alien, kPatientUs, &swap), CSS_ENOFORMAT)
      << css_strerror(CSS_ENOFORMAT);
  EXPECT_EQ(css_root_of(id), root);
  EXPECT_EQ(cos_dref(id) != nullptr, true);
  EXPECT_EQ(css_probe_value(id), 5);
  css_root_destroy(alien);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, RefusesCountedCallersObjectsOutOfServiceAndInterposedOnes) {
  void *id = css_probe_create(), *to = css_probe_root(), *swap = nullptr;
  ASSERT_NE(id, nullptr);

  struct thread *t = cos_thread_begin();  // would wait for itself
  EXPECT_EQ(css_hot_swap(id, to, kPatientUs, &swap), CSS_ECALLER);
  cos_thread_end(t);

  void *tap = css_tap_attach(id, 0);
  ASSERT_NE(tap, nullptr);
  EXPECT_EQ(css_hot_swap(id, to, kPatientUs, &swap), CSS_EBUSY);
  ASSERT_EQ(css_tap_detach(tap), 0);
  css_tap_free(tap);  // no guest thread alive: released at once
  ASSERT_EQ(cos_destroy(id), 0);
  EXPECT_EQ(css_hot_swap(id, to, kPatientUs, &swap), CSS_ENOENT);
  css_root_destroy(to);
}

// ---- counters swapped under load ------------------------------------------

constexpr unsigned kSwaps = 1000;

TEST_F(CoSwap, CounterSwappedBetweenSharedAndDistributedUnderLoadCountsExactly) {
  void *id = cos_counter_create_shared();
  ASSERT_NE(id, nullptr);
  Load load(1, [id](unsigned cpu, uint64_t i) {
    cos_counter_add(id, Amount(cpu, i));
    return Amount(cpu, i);
  });
  void *pending = nullptr;  // the previous swap, committed one round late
  int64_t pending_total = 0;
  for (unsigned n = 0; n < kSwaps; n++) {
    SCOPED_TRACE("swap " + std::to_string(n));
    void *old_root = css_root_of(id), *to = css_counter_root(n % 2 == 0), *swap = nullptr;
    ASSERT_NE(to, nullptr);
    const int rc = css_hot_swap(id, to, kPatientUs, &swap);
    ASSERT_EQ(rc, CSS_OK) << css_strerror(rc);
    const int64_t old_total = css_root_total(old_root);
    EXPECT_EQ(css_root_of(id), to);
    EXPECT_GE(css_root_total(to), old_total) << "the transfer lost counts";
    if (pending) {
      // Calls went on meanwhile; none of them may reach the old root.
      EXPECT_EQ(css_root_total(css_old_root(pending)), pending_total)
          << "a call reached the old root after its swap completed";
      css_commit(pending);
    }
    pending = swap;
    pending_total = old_total;
    load.Progress(kCpus * 8);
  }
  const int64_t added = load.Stop();
  EXPECT_EQ(css_root_total(css_old_root(pending)), pending_total);
  css_commit(pending);
  EXPECT_EQ(cos_counter_value(id), added);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, RollbackSwapsBackCarryingTheStateTheNewRootGathered) {
  void *id = cos_counter_create_shared();
  ASSERT_NE(id, nullptr);
  void *old_root = css_root_of(id), *to = css_counter_root(1), *swap = nullptr;
  cos_counter_add(id, 40);
  ASSERT_EQ(css_hot_swap(id, to, kPatientUs, &swap), CSS_OK);
  OnEveryCpu([id](unsigned cpu) { cos_counter_add(id, cpu + 1); });  // into the new reps
  ASSERT_EQ(css_rollback(swap, kPatientUs), CSS_OK);
  EXPECT_EQ(css_root_of(id), old_root);
  EXPECT_EQ(css_root_total(old_root), 40 + 1 + 2 + 3 + 4);
  EXPECT_EQ(cos_counter_value(id), 50);
  ASSERT_EQ(cos_destroy(id), 0);
}

// ---- recursion and mutual calls -------------------------------------------

// Runs fn on a host thread that is CPU `cpu` (a daemon, as a swapper).
template <class F>
std::thread OnCpu(unsigned cpu, F fn) {
  return std::thread([cpu, fn] {
    cos_set_cpu(cpu);
    fn();
  });
}

TEST_F(CoSwap, RecursionIntoTheObjectDuringItsBlockPhaseDoesNotDeadlock) {
  void *id = css_probe_create(), *original = css_root_of(id), *to = css_probe_root();
  ASSERT_NE(id, nullptr);
  // A counted thread alive at the swap's request holds the forward phase
  // open until the recursion is inside; ending it starts the block phase.
  std::atomic<bool> hold{true}, recursion_done{false}, swap_done_first{false};
  std::thread holder = OnCpu(2, [&] {
    struct thread *t = cos_thread_begin();
    while (hold.load()) std::this_thread::yield();
    cos_thread_end(t);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // holder begun
  std::atomic<int> rc{1};
  void *swap = nullptr;
  std::thread swapper = OnCpu(0, [&] {
    rc = css_hot_swap(id, to, kPatientUs, &swap);
    swap_done_first = !recursion_done.load();
  });
  while (css_root_of(id) == original) std::this_thread::yield();  // the mediator is in
  uint64_t depth = 0;
  std::thread caller = OnCpu(1, [&] {
    struct thread *t = cos_thread_begin();
    depth = css_probe_recurse(id, id, 8, 5000);  // 8 levels, 5 ms each
    recursion_done = true;
    cos_thread_end(t);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));  // two levels in
  hold = false;
  holder.join();
  caller.join();
  swapper.join();
  ASSERT_EQ(rc.load(), CSS_OK) << css_strerror(rc.load());
  EXPECT_EQ(depth, 8u);
  EXPECT_FALSE(swap_done_first.load()) << "the swap did not wait for the recursing call";
  css_commit(swap);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, TwoObjectsCallingEachOtherSwappedAtOnceDoNotDeadlock) {
  void *a = css_probe_create(), *b = css_probe_create();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr unsigned kRounds = 20, kDepth = 6;
  std::atomic<uint64_t> wrong_depth{0};
  Load load(2, [&](unsigned cpu, uint64_t i) {
    const bool from_a = (cpu + i) % 2 == 0;
    if (css_probe_recurse(from_a ? a : b, from_a ? b : a, kDepth, 200) != kDepth)
      wrong_depth++;
    return 0;
  });
  std::array<std::atomic<int>, 2> failures{};
  std::vector<std::thread> swappers;
  for (unsigned s = 0; s < 2; s++)
    swappers.push_back(OnCpu(s, [&, s] {
      void *id = s == 0 ? a : b;
      for (unsigned n = 0; n < kRounds; n++) {
        void *to = css_probe_root(), *swap = nullptr;
        if (css_hot_swap(id, to, kPatientUs, &swap) != CSS_OK) {
          failures[s]++;
          css_root_destroy(to);
          continue;
        }
        css_commit(swap);
      }
    }));
  for (std::thread &t : swappers) t.join();
  load.Stop();
  EXPECT_EQ(failures[0].load() + failures[1].load(), 0) << "a swap timed out";
  EXPECT_EQ(wrong_depth.load(), 0u);
  ASSERT_EQ(cos_destroy(a), 0);
  ASSERT_EQ(cos_destroy(b), 0);
}

// ---- timeouts ---------------------------------------------------------------

TEST_F(CoSwap, CallsThatNeverEndAbortTheSwapByTimeoutAndNothingIsLost) {
  void *id = css_probe_create(), *original = css_root_of(id);
  ASSERT_NE(id, nullptr);
  int open = 0;
  std::atomic<struct thread *> inside{nullptr};
  // A counted thread inside since before the swap: the forward phase
  // cannot end while it is.
  std::thread stuck = OnCpu(3, [&] {
    struct thread *t = cos_thread_begin();
    inside = t;
    css_probe_gate(id, &open);
    cos_thread_end(t);
  });
  while (css_probe_value(id) == 0) std::this_thread::yield();
  Load load(
      1,
      [id](unsigned cpu, uint64_t i) {
        css_probe_add(id, Amount(cpu, i));
        return Amount(cpu, i);
      },
      3);  // CPU 3 is the stuck thread's
  void *to = css_probe_root(), *swap = nullptr;
  char blockers[256];
  EXPECT_EQ(css_hot_swap_reported(id, to, 100'000, &swap, blockers, sizeof(blockers)),
            CSS_ETIMEDOUT);
  EXPECT_EQ(css_root_of(id), original);
  // The call entered before the mediator: only its thread can be named.
  char thread[32];
  std::snprintf(thread, sizeof(thread), "thread %p", (void *)inside.load());
  const std::regex names(std::string("forward phase timed out.* cpu 3: [^;]*") + thread);
  EXPECT_TRUE(std::regex_search(blockers, names)) << blockers;
  load.Progress(kCpus * 8);  // the object keeps working
  __atomic_store_n(&open, 1, __ATOMIC_RELEASE);
  stuck.join();
  const int64_t added = load.Stop();
  EXPECT_EQ(css_probe_value(id), added + 1);
  css_root_destroy(to);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, InterposingMidSwapIsRefusedAndWorksAgainOnceTheSwapEnds) {
  void *id = css_probe_create(), *original = css_root_of(id);
  ASSERT_NE(id, nullptr);
  int open = 0;
  std::thread stuck = OnCpu(3, [&] {  // holds the forward phase open
    struct thread *t = cos_thread_begin();
    css_probe_gate(id, &open);
    cos_thread_end(t);
  });
  while (css_probe_value(id) == 0) std::this_thread::yield();
  void *to = css_probe_root(), *swap = nullptr;
  int swapped = -1;
  std::thread swapper = OnCpu(1, [&] { swapped = css_hot_swap(id, to, 200'000, &swap); });
  while (css_root_of(id) == original) std::this_thread::yield();  // mediator on
  EXPECT_EQ(css_tap_attach(id, 0), nullptr) << "a wrapper went on top of a mediator";
  swapper.join();
  EXPECT_EQ(swapped, CSS_ETIMEDOUT);
  EXPECT_EQ(css_root_of(id), original) << "the aborted swap put the object back";
  const uint64_t released0 = css_taps_released();
  void *tap = css_tap_attach(id, 0);
  ASSERT_NE(tap, nullptr);
  css_probe_add(id, 5);
  EXPECT_EQ(css_tap_precalls(tap, CSS_ADD), 1u);
  ASSERT_EQ(css_tap_detach(tap), 0);
  __atomic_store_n(&open, 1, __ATOMIC_RELEASE);
  stuck.join();  // the last thread of the detach's generation
  EXPECT_EQ(css_taps_released(), released0 + 1);
  css_tap_free(tap);
  EXPECT_EQ(css_probe_value(id), 6);
  css_root_destroy(to);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, TimeoutInTheBlockPhaseSendsTheWaitingCallsToTheOldRoot) {
  void *id = css_probe_create(), *original = css_root_of(id), *to = css_probe_root();
  ASSERT_NE(id, nullptr);
  int open = 0;
  std::atomic<bool> hold{true};
  std::thread holder = OnCpu(2, [&] {  // holds the forward phase open
    struct thread *t = cos_thread_begin();
    while (hold.load()) std::this_thread::yield();
    cos_thread_end(t);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::atomic<int> rc{1};
  void *swap = nullptr;
  std::thread swapper = OnCpu(0, [&] { rc = css_hot_swap(id, to, 300'000, &swap); });
  while (css_root_of(id) == original) std::this_thread::yield();
  // A thread begun after the swap's request, so the forward phase does
  // not wait for it, but its call is tracked: once the holder ends, the
  // block phase waits for that call in vain.
  std::thread stuck = OnCpu(3, [&] {
    struct thread *t = cos_thread_begin();
    css_probe_gate(id, &open);
    cos_thread_end(t);
  });
  while (css_probe_value(id) == 0) std::this_thread::yield();
  hold = false;
  holder.join();
  Load load(
      1,
      [id](unsigned cpu, uint64_t i) {
        css_probe_add(id, Amount(cpu, i));  // these wait in the block phase
        return Amount(cpu, i);
      },
      2);
  swapper.join();
  EXPECT_EQ(rc.load(), CSS_ETIMEDOUT) << css_strerror(rc.load());
  EXPECT_EQ(css_root_of(id), original);
  load.Progress(8);
  __atomic_store_n(&open, 1, __ATOMIC_RELEASE);
  stuck.join();
  const int64_t added = load.Stop();
  EXPECT_EQ(css_probe_value(id), added + 1);
  EXPECT_EQ(css_root_total(to), 0) << "a call reached the root of the aborted swap";
  css_root_destroy(to);
  ASSERT_EQ(cos_destroy(id), 0);
}

// ---- interposer -------------------------------------------------------------

TEST_F(CoSwap, WrapperSeesEveryCallWithItsMethodAndMayChangeArgumentAndResult) {
  void *id = css_probe_create();
  ASSERT_NE(id, nullptr);
  const uint64_t released0 = css_taps_released();
  void *tap = css_tap_attach(id, 1);
  ASSERT_NE(tap, nullptr);
  constexpr unsigned kAdds = 2000, kValues = 300;
  OnEveryCpu([id](unsigned cpu) {
    for (unsigned i = 0; i < kAdds; i++) css_probe_add(id, Amount(cpu, i));
    for (unsigned i = 0; i < kValues; i++) (void)css_probe_value(id);
  });
  int64_t sum = 0;
  for (unsigned cpu = 0; cpu < kCpus; cpu++)
    for (unsigned i = 0; i < kAdds; i++) sum += Amount(cpu, i);
  EXPECT_EQ(css_tap_precalls(tap, CSS_ADD), kCpus * kAdds);
  EXPECT_EQ(css_tap_postcalls(tap, CSS_ADD), kCpus * kAdds);
  EXPECT_EQ(css_tap_precalls(tap, CSS_VALUE), kCpus * kValues);
  EXPECT_EQ(css_tap_precalls(tap, CSS_RECURSE), 0u);
  EXPECT_EQ(css_probe_value(id), 2 * sum + 1000) << "argument doubled, result raised";
  ASSERT_EQ(css_tap_detach(tap), 0);
  EXPECT_EQ(css_taps_released(), released0 + 1);
  EXPECT_EQ(css_probe_value(id), 2 * sum) << "still wrapped after detach";
  css_tap_free(tap);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(CoSwap, AttachAndDetachUnderLoadLoseNoCall) {
  void *id = css_probe_create();
  ASSERT_NE(id, nullptr);
  const uint64_t released0 = css_taps_released();
  Load load(1, [id](unsigned cpu, uint64_t i) {
    css_probe_add(id, Amount(cpu, i));
    return Amount(cpu, i);
  });
  std::vector<void *> taps;
  for (unsigned round = 0; round < 50; round++) {
    load.Progress(kCpus * 4);
    void *tap = css_tap_attach(id, 0);
    ASSERT_NE(tap, nullptr);
    load.Progress(kCpus * 4);
    ASSERT_EQ(css_tap_detach(tap), 0);
    taps.push_back(tap);
  }
  const int64_t added = load.Stop();
  EXPECT_EQ(css_probe_value(id), added);
  uint64_t wrapped = 0;
  for (void *tap : taps) {
    wrapped += css_tap_precalls(tap, CSS_ADD);
    EXPECT_EQ(css_tap_precalls(tap, CSS_ADD), css_tap_postcalls(tap, CSS_ADD));
  }
  EXPECT_GT(wrapped, 0u);
  // Every guest thread has ended: every detached wrapper is released.
  EXPECT_EQ(css_taps_released(), released0 + taps.size());
  for (void *tap : taps) css_tap_free(tap);
  ASSERT_EQ(cos_destroy(id), 0);
}

}  // namespace
