// SPDX-License-Identifier: GPL-2.0-only
// The file cache managers (guest/fs/fcm_*.c), hosted under ThreadSanitizer
// with host threads as CPUs: every CPU writes and reads back its own pages
// while the main thread (a daemon) hot-swaps the FCM round the three kinds;
// no write may be lost, across the swaps or to the backing after fsync.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "co_swap_shim.h"
#include "cobj_shim.h"
#include "cobj_test_support.h"
#include "fcm_shim.h"

namespace {

using cobj_test::Cobj;
using cobj_test::kCpus;
using cobj_test::Load;

using Fcm = Cobj;

constexpr uint64_t kPatientUs = 20'000'000;
constexpr unsigned kPagesPerCpu = 6;
constexpr unsigned kSwaps = 24;

TEST_F(Fcm, SwapsRoundEveryKindUnderReadersAndWritersLoseNoWrite) {
  fcs_file *file = fcs_create(FCS_SHARED, kCpus * kPagesPerCpu);
  ASSERT_NE(file, nullptr);
  // The generation each page last got; a page is only ever written by its
  // own CPU, so that CPU alone touches its entries.
  std::array<std::atomic<uint64_t>, kCpus * kPagesPerCpu> last{};
  std::atomic<uint64_t> wrong{0};
  Load load(1, [&](unsigned cpu, uint64_t i) {
    const unsigned page = cpu * kPagesPerCpu + i % kPagesPerCpu;
    const uint64_t gen = i + 1;
    if (fcs_write_page(file, page, gen) != 0 || !fcs_page_is(file, page, gen))
      wrong.fetch_add(1);
    last[page].store(gen, std::memory_order_relaxed);
    return 1;
  });
  void *pending = nullptr;
  for (unsigned n = 0; n < kSwaps; n++) {
    SCOPED_TRACE("swap " + std::to_string(n));
    void *to = fcs_root(file, static_cast<int>((n + 1) % FCS_KINDS)), *swap = nullptr;
    ASSERT_NE(to, nullptr);
    const int rc = css_hot_swap(fcs_id(file), to, kPatientUs, &swap);
    ASSERT_EQ(rc, CSS_OK) << css_strerror(rc);
    if (pending)
      css_commit(pending);
    pending = swap;
    load.Progress(kCpus * 16);
  }
  load.Stop();
  css_commit(pending);
  EXPECT_EQ(wrong.load(), 0u) << "a CPU read back something other than it wrote";
  ASSERT_EQ(fcs_fsync(file), 0);
  for (unsigned page = kPagesPerCpu; page < kCpus * kPagesPerCpu; page++) {
    const uint64_t gen = last[page].load();
    EXPECT_TRUE(fcs_page_is(file, page, gen)) << "page " << page << " gen " << gen;
    EXPECT_TRUE(fcs_backing_is(file, page, gen)) << "page " << page << " gen " << gen;
  }
  ASSERT_EQ(fcs_destroy(file), 0);
}

}  // namespace
