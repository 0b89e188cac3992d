// SPDX-License-Identifier: GPL-2.0-only
// What the hosted clustered-object suites share: CPUs as host threads, a
// barrier, and the fixture that checks each test gives back every COID
// and heap block it took.
#ifndef SV_TEST_COBJ_TEST_SUPPORT_H
#define SV_TEST_COBJ_TEST_SUPPORT_H

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "cobj_shim.h"
#include "guest_mm_shim.h"

namespace cobj_test {

constexpr unsigned kCpus = COS_CPUS;

// Runs fn(cpu) on kCpus host threads at once, each being that CPU; the
// calling thread is CPU 0 again afterwards.
template <class F>
void OnEveryCpu(F fn) {
  std::vector<std::thread> threads;
  for (unsigned cpu = 0; cpu < kCpus; cpu++)
    threads.emplace_back([&fn, cpu] {
      cos_set_cpu(cpu);
      fn(cpu);
    });
  for (std::thread &t : threads) t.join();
  cos_set_cpu(0);
}

// Runs calls on CPUs first .. end - 1 until stopped, as a stream of short
// guest threads (kCallsPerThread calls each); counts what each CPU added.
// A host thread is one CPU: the other CPUs are the test's own (CPU 0 is
// the main thread, a daemon that swaps).
class Load {
 public:
  static constexpr unsigned kCallsPerThread = 32;

  template <class Call>
  Load(unsigned first, Call call, unsigned end = kCpus) {
    for (unsigned cpu = first; cpu < end; cpu++)
      workers_.emplace_back([this, call, cpu] {
        cos_set_cpu(cpu);
        for (uint64_t i = 0; !stop_.load(std::memory_order_acquire);) {
          struct thread *t = cos_thread_begin();
          for (unsigned k = 0; k < kCallsPerThread; k++, i++) added_[cpu] += call(cpu, i);
          cos_thread_end(t);
        }
      });
  }
  ~Load() { Stop(); }

  // Waits until every CPU has made at least n more calls' worth of adds.
  void Progress(int64_t n) {
    const int64_t start = Added();
    while (Added() < start + n) std::this_thread::yield();
  }

  int64_t Stop() {
    stop_.store(true, std::memory_order_release);
    for (std::thread &t : workers_)
      if (t.joinable()) t.join();
    return Added();
  }

 private:
  int64_t Added() {
    int64_t sum = 0;
    for (auto &a : added_) sum += a.load(std::memory_order_relaxed);
    return sum;
  }
  std::atomic<bool> stop_{false};
  std::array<std::atomic<int64_t>, kCpus> added_{};
  std::vector<std::thread> workers_;
};

// Releases its n threads together, as often as they come.
class Barrier {
 public:
  explicit Barrier(unsigned n) : n_(n) {}
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t round = round_;
    if (++waiting_ == n_) {
      waiting_ = 0;
      round_++;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return round_ != round; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  const unsigned n_;
  unsigned waiting_ = 0;
  uint64_t round_ = 0;
};

inline uint64_t HeapObjects() {
  gmm_stats s;
  gmm_heap_stats(&s);
  return s.objects_in_use;
}

// The core is set up once per process (co_init runs once per boot). Every
// test gives back what it took, with no guest thread left: TearDown checks
// that no COID and no heap block outlived it.
class Cobj : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(cos_init(), 0); }

  void SetUp() override {
    cos_set_cpu(0);
    alive0_ = cos_objects_alive();
    heap0_ = HeapObjects();
  }

  void TearDown() override {
    cos_set_cpu(0);
    EXPECT_EQ(cos_objects_alive(), alive0_) << "COIDs outlived the test";
    EXPECT_EQ(HeapObjects(), heap0_) << "heap blocks outlived the test";
  }

  uint64_t alive0_ = 0;
  uint64_t heap0_ = 0;
};

}  // namespace cobj_test

#endif
