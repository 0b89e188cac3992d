// SPDX-License-Identifier: GPL-2.0-only
// The guest's clustered-object core (guest/cobj/, the counters and
// kernel/generation.c), compiled hosted and run under ThreadSanitizer: host
// threads stand for 4 CPUs, each with an LTT of its own, so one COID names
// a different entry on each, as in the guest. The default object's x86-64
// trampoline runs as is, so every first call on a CPU really goes through
// the miss path. Expected values are worked out here, not read back.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "co_swap_shim.h"
#include "cobj_shim.h"
#include "cobj_test_support.h"
#include "guest_mm_shim.h"

namespace {

using cobj_test::Barrier;
using cobj_test::Cobj;
using cobj_test::HeapObjects;
using cobj_test::kCpus;
using cobj_test::OnEveryCpu;

// How panic() prints a COID (%p), to look for it in a message.
std::string PrintedCoid(const void *id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", id);
  return buf;
}

// ---- counters ------------------------------------------------------------

constexpr unsigned kAdds = 50000;

// -100..100 in a pattern that differs per CPU.
int64_t Amount(unsigned cpu, unsigned i) {
  return static_cast<int64_t>((i * 7919u + cpu * 104729u) % 201) - 100;
}

int64_t ExpectedSum() {
  int64_t sum = 0;
  for (unsigned cpu = 0; cpu < kCpus; cpu++)
    for (unsigned i = 0; i < kAdds; i++) sum += Amount(cpu, i) + (cpu == 2 ? 3 : 0);
  return sum;
}

struct Hammered {
  std::array<bool, kCpus> missed{};     // the entry was default before the first add
  std::array<const void *, kCpus> rep{}; // DREF after the first add
  std::array<int64_t, kCpus> value{};   // counter_value read afterwards on each CPU
};

// Every CPU adds its kAdds amounts at once (CPU 2 a little more, so the
// CPUs' shares differ), then each reads the value once all are done.
Hammered Hammer(void *id) {
  Hammered h;
  Barrier done(kCpus);
  OnEveryCpu([&](unsigned cpu) {
    const int64_t extra = cpu == 2 ? 3 : 0;
    h.missed[cpu] = cos_entry_is_default(id);
    cos_counter_add(id, Amount(cpu, 0) + extra);
    h.rep[cpu] = cos_dref(id);
    for (unsigned i = 1; i < kAdds; i++) cos_counter_add(id, Amount(cpu, i) + extra);
    done.Wait();
    h.value[cpu] = cos_counter_value(id);
  });
  return h;
}

TEST_F(Cobj, SharedCounterSumsExactlyThroughOneRep) {
  void *id = cos_counter_create_shared();
  ASSERT_NE(id, nullptr);
  const Hammered h = Hammer(id);
  const int64_t want = ExpectedSum();

  ASSERT_NE(want, 0);
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    EXPECT_TRUE(h.missed[cpu]) << "CPU " << cpu << " did not start from the default object";
    EXPECT_EQ(h.rep[cpu], h.rep[0]) << "CPU " << cpu << " has a rep of its own";
    EXPECT_EQ(h.value[cpu], want) << "read on CPU " << cpu;
  }
  EXPECT_EQ(cos_counter_value(id), want);
  ASSERT_EQ(cos_destroy(id), 0);
  EXPECT_FALSE(cos_in_service(id));
}

TEST_F(Cobj, DistributedCounterSumsExactlyOverARepPerCpu) {
  void *id = cos_counter_create_distributed();
  ASSERT_NE(id, nullptr);
  const Hammered h = Hammer(id);
  const int64_t want = ExpectedSum();

  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    EXPECT_TRUE(h.missed[cpu]) << "CPU " << cpu << " did not start from the default object";
    EXPECT_EQ(h.value[cpu], want) << "read on CPU " << cpu;
    for (unsigned other = 0; other < cpu; other++)
      EXPECT_NE(h.rep[cpu], h.rep[other]) << "CPUs " << other << " and " << cpu << " share a rep";
  }
  ASSERT_EQ(cos_destroy(id), 0);
  EXPECT_FALSE(cos_in_service(id));
}

// ---- clustered distribution --------------------------------------------

// CPUs 0,1 share a rep and 2,3 another. In each round the four CPUs call a
// fresh object at once, so both CPUs of a pair miss together, and the
// probe's create() holds on until the partner's call is under way: the
// second CPU of a pair must take the first one's rep, not make its own.
TEST_F(Cobj, ClusteredRootCreatesOneRepPerPairEvenWhenBothMissAtOnce) {
  constexpr unsigned kRounds = 16;
  std::vector<void *> ids;
  for (unsigned r = 0; r < kRounds; r++) {
    ids.push_back(cos_cluster_create(2));
    ASSERT_NE(ids.back(), nullptr);
  }
  std::vector<std::array<bool, kCpus>> was_default(kRounds);
  std::vector<std::array<uint64_t, kCpus>> cluster(kRounds);
  std::vector<std::array<const void *, kCpus>> rep(kRounds);
  Barrier start(kCpus);

  cos_cluster_reset_counts();
  OnEveryCpu([&](unsigned cpu) {
    for (unsigned r = 0; r < kRounds; r++) {
      start.Wait();
      was_default[r][cpu] = cos_entry_is_default(ids[r]);
      cluster[r][cpu] = cos_cluster_call(ids[r]);
      rep[r][cpu] = cos_dref(ids[r]);
    }
  });

  // Each object needs a create per cluster; more would be a second rep.
  EXPECT_EQ(cos_cluster_creates(0), kRounds);
  EXPECT_EQ(cos_cluster_creates(1), kRounds);
  EXPECT_EQ(cos_cluster_creates(2), 0u);
  // The race really was run: every create saw its partner's call begin.
  EXPECT_EQ(cos_cluster_overlaps(), 2 * kRounds);
  for (unsigned r = 0; r < kRounds; r++) {
    for (unsigned cpu = 0; cpu < kCpus; cpu++) {
      EXPECT_TRUE(was_default[r][cpu]) << "round " << r << " CPU " << cpu;
      EXPECT_EQ(cluster[r][cpu], cpu / 2) << "round " << r << " CPU " << cpu;
    }
    EXPECT_EQ(rep[r][0], rep[r][1]) << "round " << r;
    EXPECT_EQ(rep[r][2], rep[r][3]) << "round " << r;
    EXPECT_NE(rep[r][0], rep[r][2]) << "round " << r;
    ASSERT_EQ(cos_destroy(ids[r]), 0);
  }
}

// ---- the miss path's arguments ------------------------------------------

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof(b));
  return b;
}

double FromBits(uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof(d));
  return d;
}

// Arguments no register or stack slot holds by accident: every integer
// uses all 64 bits and differs per CPU and call; the doubles include a
// NaN with a payload, -0, a subnormal and infinity, whose bits a lossy
// copy would change, and normal values that differ per CPU and call.
cos_args MakeArgs(unsigned cpu, unsigned call) {
  static const uint64_t kSpecial[4] = {0x7ff8dead0000beefull, 0x8000000000000000ull,
                                       0x0000000000000001ull, 0xfff0000000000000ull};
  cos_args a;
  for (unsigned k = 0; k < 8; k++)
    a.i[k] = (0x9e3779b97f4a7c15ull * (k + 1)) ^ (uint64_t{cpu} << 60) ^ (uint64_t{call} << 56) ^
             0x8000000000000000ull;
  for (unsigned k = 0; k < 10; k++)
    a.d[k] = k % 3 == 1 ? FromBits(kSpecial[k / 3])
                        : -1.0e300 * (k + 1) + 0.125 * cpu + 1.0e290 * call;
  return a;
}

void ExpectSameArgs(const cos_args &seen, const cos_args &sent, const char *what) {
  for (unsigned k = 0; k < 8; k++)
    EXPECT_EQ(seen.i[k], sent.i[k]) << what << ": integer argument " << k;
  for (unsigned k = 0; k < 10; k++)
    EXPECT_EQ(Bits(seen.d[k]), Bits(sent.d[k])) << what << ": double argument " << k;
}

// Every CPU's first call misses (the default object's trampoline saves the
// argument registers, resolves the rep and restarts the call); its second
// goes straight to the rep. Both must see every argument bit for bit.
TEST_F(Cobj, MissPathDeliversEveryArgumentAndTheReturnValue) {
  void *id = cos_args_create();
  ASSERT_NE(id, nullptr);
  std::array<bool, kCpus> was_default{}, still_default{};
  std::array<std::array<cos_args, 2>, kCpus> seen{};
  std::array<std::array<uint64_t, 2>, kCpus> answer{};

  OnEveryCpu([&](unsigned cpu) {
    was_default[cpu] = cos_entry_is_default(id);
    for (unsigned call = 0; call < 2; call++) {
      const cos_args in = MakeArgs(cpu, call);
      answer[cpu][call] = cos_args_take(id, &in, &seen[cpu][call]);
      if (call == 0) still_default[cpu] = cos_entry_is_default(id);
    }
  });
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    SCOPED_TRACE("CPU " + std::to_string(cpu));
    EXPECT_TRUE(was_default[cpu]) << "the first call did not go through the miss path";
    EXPECT_FALSE(still_default[cpu]) << "the miss did not install a rep";
    for (unsigned call = 0; call < 2; call++) {
      const cos_args in = MakeArgs(cpu, call);
      ExpectSameArgs(seen[cpu][call], in, call == 0 ? "missing call" : "direct call");
      EXPECT_EQ(answer[cpu][call], cos_args_mix(&in)) << (call == 0 ? "missing" : "direct");
    }
  }
  ASSERT_EQ(cos_destroy(id), 0);
}

// A variadic method reads its doubles from the xmm registers only when %al
// (the number of vector registers used) says so: the trampoline must pass
// al through, and the double result back in xmm0.
// Through an interposer whose postcall is due, the callee still finds its
// stack arguments where its caller put them (only the return address is
// swapped), and the return value comes back through the return trampoline.
TEST_F(Cobj, InterposedCallKeepsEveryArgumentAndReturnsThroughThePostcall) {
  void *id = cos_args_create();
  ASSERT_NE(id, nullptr);
  void *tap = css_tap_attach(id, 0);
  ASSERT_NE(tap, nullptr);
  std::array<std::array<cos_args, 2>, kCpus> seen{};
  std::array<std::array<uint64_t, 2>, kCpus> answer{};
  std::array<std::array<double, 2>, kCpus> vsum{};
  const double d[10] = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5};

  OnEveryCpu([&](unsigned cpu) {
    for (unsigned call = 0; call < 2; call++) {
      const cos_args in = MakeArgs(cpu, call);
      answer[cpu][call] = cos_args_take(id, &in, &seen[cpu][call]);
      vsum[cpu][call] = cos_args_vsum(id, d);
    }
  });
  for (unsigned cpu = 0; cpu < kCpus; cpu++)
    for (unsigned call = 0; call < 2; call++) {
      SCOPED_TRACE("CPU " + std::to_string(cpu) + " call " + std::to_string(call));
      const cos_args in = MakeArgs(cpu, call);
      ExpectSameArgs(seen[cpu][call], in, "interposed call");
      EXPECT_EQ(answer[cpu][call], cos_args_mix(&in));
      EXPECT_EQ(vsum[cpu][call], 50.0);
    }
  EXPECT_EQ(css_tap_precalls(tap, 0), 2 * kCpus);  // take
  EXPECT_EQ(css_tap_postcalls(tap, 0), 2 * kCpus);
  EXPECT_EQ(css_tap_postcalls(tap, 1), 2 * kCpus);  // vsum
  ASSERT_EQ(css_tap_detach(tap), 0);
  css_tap_free(tap);
  ASSERT_EQ(cos_destroy(id), 0);
}

TEST_F(Cobj, MissPathKeepsTheVarargsVectorCount) {
  void *id = cos_args_create();
  ASSERT_NE(id, nullptr);
  std::array<bool, kCpus> was_default{};
  std::array<std::array<double, 2>, kCpus> sum{};

  OnEveryCpu([&](unsigned cpu) {
    was_default[cpu] = cos_entry_is_default(id);
    for (unsigned call = 0; call < 2; call++) {
      double d[10];
      for (unsigned k = 0; k < 10; k++) d[k] = 0.25 * (k + 1) + 64.0 * cpu + 4096.0 * call;
      sum[cpu][call] = cos_args_vsum(id, d);
    }
  });
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    EXPECT_TRUE(was_default[cpu]) << "CPU " << cpu;
    for (unsigned call = 0; call < 2; call++) {
      // Exactly representable terms: the sum is exact whatever the order.
      double want = 0;
      for (unsigned k = 0; k < 10; k++) want += 0.25 * (k + 1) + 64.0 * cpu + 4096.0 * call;
      EXPECT_EQ(sum[cpu][call], want) << "CPU " << cpu << (call == 0 ? " missing" : " direct");
    }
  }
  ASSERT_EQ(cos_destroy(id), 0);
}

// xmm registers are 16 bytes, and a method may take vectors: the miss must
// keep their upper halves too, which no double argument would notice.
TEST_F(Cobj, MissPathKeepsWholeVectorRegisters) {
  void *id = cos_args_create();
  ASSERT_NE(id, nullptr);
  std::array<bool, kCpus> was_default{};
  std::array<std::array<std::array<uint64_t, 2 * COS_VECS>, 2>, kCpus> seen{};

  auto input = [](unsigned cpu, unsigned call) {
    std::array<uint64_t, 2 * COS_VECS> in;
    for (unsigned k = 0; k < in.size(); k++)
      in[k] = ~(0x0101010101010101ull * (k + 1)) ^ (uint64_t{cpu} << 40) ^ (uint64_t{call} << 32);
    return in;
  };
  OnEveryCpu([&](unsigned cpu) {
    was_default[cpu] = cos_entry_is_default(id);
    for (unsigned call = 0; call < 2; call++)
      cos_args_vec(id, input(cpu, call).data(), seen[cpu][call].data());
  });
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    EXPECT_TRUE(was_default[cpu]) << "CPU " << cpu;
    for (unsigned call = 0; call < 2; call++)
      for (unsigned k = 0; k < 2 * COS_VECS; k++)
        EXPECT_EQ(seen[cpu][call][k], input(cpu, call)[k])
            << "CPU " << cpu << (call == 0 ? " missing" : " direct") << " call: vector "
            << k / 2 << (k % 2 ? " high" : " low") << " half";
  }
  ASSERT_EQ(cos_destroy(id), 0);
}

// The trampoline restarts the method it was called for: slot 200 of a
// 201-slot interface (every other slot answers UINT64_MAX, so a wrong
// slot shows in the answer).
TEST_F(Cobj, MissRestartsTheSameMethodSlot) {
  void *id = cos_wide_create();
  ASSERT_NE(id, nullptr);
  // Each CPU starts with a different slot; CPU 3 repeats 200 (fresh entry).
  const unsigned first[kCpus] = {200, 1, 0, 200};

  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    SCOPED_TRACE("CPU " + std::to_string(cpu));
    cos_set_cpu(cpu);
    ASSERT_TRUE(cos_entry_is_default(id));
    const uint32_t x = 0xabc00 + cpu;
    EXPECT_EQ(cos_wide_call(id, first[cpu], x), uint64_t{first[cpu]} << 32 | x) << "missing call";
    EXPECT_FALSE(cos_entry_is_default(id));
    for (unsigned slot : {0u, 1u, 200u})
      EXPECT_EQ(cos_wide_call(id, slot, x + 1), uint64_t{slot} << 32 | (x + 1)) << "slot " << slot;
  }
  cos_set_cpu(0);
  ASSERT_EQ(cos_destroy(id), 0);
}

// ---- deferred destruction -----------------------------------------------

// Calls the flagged object on `cpu`: answers the panic message, or "" when
// the call returned.
std::string CallPanicsOn(unsigned cpu, void *id) {
  char msg[256];
  cos_set_cpu(cpu);
  const int panicked = cos_flagged_call_panics(id, msg, sizeof(msg));
  cos_set_cpu(0);
  return panicked ? std::string(msg) : std::string();
}

TEST_F(Cobj, DestroyWaitsForThreadsAliveAtTheCallAndRunsOnce) {
  void *id = cos_flagged_create();
  ASSERT_NE(id, nullptr);
  const uint64_t destroys0 = cos_flagged_destroys();
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    cos_set_cpu(cpu);
    EXPECT_EQ(cos_flagged_call(id), COS_FLAGGED_MAGIC);
    EXPECT_FALSE(cos_entry_is_default(id));
  }

  cos_set_cpu(1);
  struct thread *before = cos_thread_begin(); // alive when destroy is called
  cos_set_cpu(0);
  ASSERT_EQ(cos_destroy(id), 0);
  uint64_t requests_done = 0;
  ASSERT_EQ(cos_generation_request_count(&requests_done), 0);
  cos_set_cpu(1);
  struct thread *after = cos_thread_begin(); // begun after: must not delay it
  cos_set_cpu(0);

  EXPECT_EQ(cos_flagged_destroys(), destroys0) << "destroyed while a thread may hold a rep";
  EXPECT_EQ(requests_done, 0u);
  EXPECT_FALSE(cos_in_service(id));
  EXPECT_EQ(cos_objects_alive(), alive0_ + 1) << "COID free before quiescence: it could be reused";
  // Out of service at once: every CPU's entry is the default object again,
  // and a call misses into a panic that names the object.
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    cos_set_cpu(cpu);
    EXPECT_TRUE(cos_entry_is_default(id)) << "CPU " << cpu << " still calls the old rep";
  }
  const std::string early = CallPanicsOn(2, id);
  EXPECT_NE(early.find(PrintedCoid(id)), std::string::npos) << early;
  EXPECT_NE(early.find("not in service"), std::string::npos) << early;
  EXPECT_EQ(cos_flagged_destroys(), destroys0);

  cos_set_cpu(1);
  cos_thread_end(before);
  cos_set_cpu(0);
  EXPECT_EQ(cos_flagged_destroys(), destroys0 + 1) << "not destroyed exactly once at quiescence";
  EXPECT_EQ(cos_objects_alive(), alive0_);

  const std::string late = CallPanicsOn(3, id);
  EXPECT_NE(late.find(PrintedCoid(id)), std::string::npos) << late;

  // The later request asked for two more swaps than the destroy (CPU 1
  // had swapped once already), so `after` may hold it: only its end is
  // sure to complete it.
  cos_set_cpu(1);
  cos_thread_end(after);
  cos_set_cpu(0);
  EXPECT_EQ(requests_done, 1u) << "a request outlived every thread alive at it";
  EXPECT_EQ(cos_flagged_destroys(), destroys0 + 1) << "destroyed twice";
}

// co_root_of is a lock-free read: another CPU may ask while the object is
// being destroyed, and must then see it in service or not, never a torn
// or racing value (TSan checks the access pairs).
TEST_F(Cobj, InServiceMayBeAskedWhileAnotherCpuDestroys) {
  void *id = cos_flagged_create();
  ASSERT_NE(id, nullptr);
  std::atomic<bool> polling{false};
  bool first = false;
  uint64_t polls = 0;

  std::thread other([&] {
    cos_set_cpu(1);
    first = cos_in_service(id);
    polling = true;
    while (cos_in_service(id) && polls < 100000000) polls++;
  });
  while (!polling) std::this_thread::yield();
  ASSERT_EQ(cos_destroy(id), 0);
  other.join();
  cos_set_cpu(0);
  EXPECT_TRUE(first);
  EXPECT_LT(polls, 100000000u) << "CPU 1 never saw the object leave service";
  EXPECT_FALSE(cos_in_service(id));
}

// ---- COID allocation ----------------------------------------------------

uint64_t IndexOf(const void *id) {
  return (reinterpret_cast<uintptr_t>(id) - cos_ltt_base()) / cos_ltt_entry_size();
}

// co_init splits the LTT's entries, less index 0 (a list end), evenly.
uint64_t PerCpu() { return (cos_ltt_entries() - 1) / kCpus; }

using PerCpuIds = std::array<std::vector<void *>, kCpus>;

// Every CPU at once creates bare objects until its range runs out.
PerCpuIds CreateUntilExhausted() {
  PerCpuIds ids;
  OnEveryCpu([&](unsigned cpu) {
    while (void *id = cos_bare_create()) ids[cpu].push_back(id);
  });
  return ids;
}

void DestroyAll(const std::vector<void *> &ids, size_t from, size_t to) {
  for (size_t k = from; k < to; k++) ASSERT_EQ(cos_destroy(ids[k]), 0);
}

TEST_F(Cobj, CoidsAreDistinctPerCpuAndReusedAfterQuiescence) {
  ASSERT_EQ(alive0_, 0u) << "needs every COID free";
  const uint64_t destroys0 = cos_bare_destroys();
  const uint64_t per_cpu = PerCpu();

  // Exhaustion: exactly the CPU's range, each COID once, inside the LTT
  // region, aligned to an entry, from the creating CPU's own range.
  const PerCpuIds made = CreateUntilExhausted();
  std::set<void *> all;
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    SCOPED_TRACE("CPU " + std::to_string(cpu));
    EXPECT_EQ(made[cpu].size(), per_cpu);
    for (void *id : made[cpu]) {
      const uintptr_t a = reinterpret_cast<uintptr_t>(id);
      ASSERT_GT(a, cos_ltt_base());
      ASSERT_EQ((a - cos_ltt_base()) % cos_ltt_entry_size(), 0u);
      ASSERT_GE(IndexOf(id), 1 + cpu * per_cpu);
      ASSERT_LT(IndexOf(id), 1 + (cpu + 1) * per_cpu);
      ASSERT_TRUE(all.insert(id).second) << "COID handed out twice: " << id;
    }
  }
  EXPECT_EQ(cos_objects_alive(), kCpus * per_cpu);
  // An exhausted range answers NULL again, and an object type that got
  // NULL frees its root (TearDown's heap count sees a leak).
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    cos_set_cpu(cpu);
    EXPECT_EQ(cos_bare_create(), nullptr) << "CPU " << cpu;
  }
  cos_set_cpu(0);
  const uint64_t heap_full = HeapObjects();
  EXPECT_EQ(cos_counter_create_shared(), nullptr);
  EXPECT_EQ(HeapObjects(), heap_full) << "counter root leaked on exhaustion";
  EXPECT_EQ(cos_objects_alive(), kCpus * per_cpu);

  // Each CPU destroys the next CPU's objects: frees go back to the owner.
  // The first kEarly of each while a guest thread lives: nothing is freed
  // until it ends.
  constexpr size_t kEarly = 100;
  cos_set_cpu(3);
  struct thread *t = cos_thread_begin();
  OnEveryCpu([&](unsigned cpu) { DestroyAll(made[(cpu + 1) % kCpus], 0, kEarly); });
  EXPECT_EQ(cos_objects_alive(), kCpus * per_cpu);
  EXPECT_EQ(cos_bare_destroys(), destroys0);
  cos_set_cpu(3);
  cos_thread_end(t);
  cos_set_cpu(0);
  EXPECT_EQ(cos_bare_destroys(), destroys0 + kCpus * kEarly);
  EXPECT_EQ(cos_objects_alive(), kCpus * (per_cpu - kEarly));
  OnEveryCpu([&](unsigned cpu) {
    const std::vector<void *> &theirs = made[(cpu + 1) % kCpus];
    DestroyAll(theirs, kEarly, theirs.size());
  });
  EXPECT_EQ(cos_bare_destroys(), destroys0 + kCpus * per_cpu);
  EXPECT_EQ(cos_objects_alive(), 0u);

  // Creating again takes each owner's returned COIDs: the same set, none
  // lost, none twice, and then the range is exhausted again.
  const PerCpuIds again = CreateUntilExhausted();
  for (unsigned cpu = 0; cpu < kCpus; cpu++) {
    SCOPED_TRACE("CPU " + std::to_string(cpu));
    const std::set<void *> before(made[cpu].begin(), made[cpu].end());
    const std::set<void *> now(again[cpu].begin(), again[cpu].end());
    EXPECT_EQ(again[cpu].size(), per_cpu);
    EXPECT_EQ(now.size(), again[cpu].size()) << "a COID handed out twice";
    EXPECT_TRUE(now == before) << "not the CPU's own freed COIDs";
  }
  EXPECT_EQ(cos_objects_alive(), kCpus * per_cpu);
  OnEveryCpu([&](unsigned cpu) { DestroyAll(again[cpu], 0, again[cpu].size()); });
  EXPECT_EQ(cos_objects_alive(), 0u);
  EXPECT_EQ(cos_bare_destroys(), destroys0 + 2 * kCpus * per_cpu);
}

}  // namespace
