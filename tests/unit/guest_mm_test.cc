// SPDX-License-Identifier: GPL-2.0-only
// The guest's page allocator and heap (guest/mm/), compiled hosted and run
// under ThreadSanitizer: a host buffer stands for guest RAM, threads for
// CPUs. Expected values are worked out here from the memory map, not read
// back from the allocator.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "guest_mm_shim.h"

namespace {

constexpr uint64_t kPage = GMM_PAGE_SIZE;
constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kRamSize = 64 * kMiB;

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
uint64_t AlignDown(uint64_t v, uint64_t a) { return v / a * a; }
uint64_t Addr(const void *p) { return reinterpret_cast<uintptr_t>(p); }
char *Ptr(uint64_t a) { return reinterpret_cast<char *>(static_cast<uintptr_t>(a)); }

std::vector<uint64_t> BlockSnapshot() {
  std::vector<uint64_t> v;
  for (unsigned k = 0; k <= GMM_ORDER_MAX; k++) v.push_back(gmm_free_blocks(k));
  return v;
}

// Page-aligned parts of the RAM regions at or above reserved_end: what the
// allocator may hand out (less its descriptor array).
std::vector<std::pair<uint64_t, uint64_t>> Managed(const std::vector<gmm_region> &regions,
                                                   uint64_t reserved_end) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const gmm_region &r : regions) {
    if (r.type != GMM_RAM) continue;
    uint64_t lo = AlignUp(std::max(r.base, reserved_end), kPage);
    uint64_t hi = AlignDown(r.base + r.size, kPage);
    if (lo < hi) out.emplace_back(lo, hi);
  }
  return out;
}

// Guest RAM for one test, and the allocator built over it.
class GuestRam : public ::testing::Test {
 protected:
  void SetUp() override {
    gmm_set_cpu(0);
    ram_ = static_cast<char *>(gmm_ram_map(kRamSize));
    ASSERT_NE(ram_, nullptr);
    base_ = Addr(ram_);
  }
  void TearDown() override { gmm_ram_unmap(ram_, kRamSize); }

  char *ram_ = nullptr;
  uint64_t base_ = 0;
};

// ---- page allocator ------------------------------------------------------

class PageAlloc : public GuestRam {
 protected:
  // Three RAM regions around boot and kernel regions, two with unaligned
  // ends, a hole above, and a reserved_end inside the first RAM region.
  void SetUp() override {
    GuestRam::SetUp();
    regions_ = {
        {base_, 1 * kMiB, GMM_BOOT},
        {base_ + 1 * kMiB, 8 * kMiB, GMM_RAM},
        {base_ + 9 * kMiB, 1 * kMiB, GMM_KERNEL},
        {base_ + 10 * kMiB + 0x800, 20 * kMiB + 0x1234 - 0x800, GMM_RAM},
        {base_ + 32 * kMiB, 16 * kMiB, GMM_RAM},
    };
    reserved_end_ = base_ + 2 * kMiB + 0x10;
    ASSERT_EQ(gmm_page_init(regions_.data(), regions_.size(), reserved_end_, 0), 0);
  }

  uint64_t ManagedPages() const {
    uint64_t n = 0;
    for (auto &r : Managed(regions_, reserved_end_)) n += (r.second - r.first) / kPage;
    return n;
  }

  bool InManaged(uint64_t a, uint64_t len) const {
    for (auto &r : Managed(regions_, reserved_end_))
      if (a >= r.first && a + len <= r.second) return true;
    return false;
  }

  std::vector<gmm_region> regions_;
  uint64_t reserved_end_ = 0;
};

TEST_F(PageAlloc, InitCountsOnlyRamAboveReservedEnd) {
  // By hand: [2M+4K, 9M) = 1791 pages, [10M+4K, 30M+4K) = 5120 pages,
  // [32M, 48M) = 4096 pages.
  EXPECT_EQ(ManagedPages(), 1791u + 5120u + 4096u);
  // One descriptor byte per page from the 4 MiB-aligned base (base_) to the
  // top of RAM (48 MiB): 12288 bytes, three pages, taken from that RAM.
  EXPECT_EQ(gmm_meta_pages(), 3u);
  EXPECT_EQ(gmm_managed_pages(), ManagedPages() - 3);
  EXPECT_EQ(gmm_pages_free_count(), ManagedPages() - 3);
}

TEST_F(PageAlloc, ExhaustionHandsOutEveryFreePageOnceThenNull) {
  const uint64_t free0 = gmm_pages_free_count();
  const std::vector<uint64_t> blocks0 = BlockSnapshot();
  std::set<uint64_t> got;

  for (;;) {
    void *p = gmm_pages_alloc(0);
    if (!p) break;
    uint64_t a = Addr(p);
    ASSERT_EQ(a % kPage, 0u);
    ASSERT_TRUE(InManaged(a, kPage)) << std::hex << a;
    ASSERT_TRUE(got.insert(a).second) << "page handed out twice: " << std::hex << a;
    // Scribble over the whole page: were it the allocator's own metadata,
    // the frees below would fail.
    std::memset(p, 0xa5, kPage);
  }
  EXPECT_EQ(got.size(), free0);
  EXPECT_EQ(gmm_pages_free_count(), 0u);
  EXPECT_EQ(gmm_pages_alloc(0), nullptr);
  EXPECT_EQ(gmm_pages_alloc(GMM_ORDER_MAX), nullptr);

  std::vector<uint64_t> order(got.begin(), got.end());
  std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
  uint64_t expect = 0;
  for (uint64_t a : order) {
    gmm_pages_free(Ptr(a), 0);
    ASSERT_EQ(gmm_pages_free_count(), ++expect);
  }
  // Every buddy pair merged again: the same blocks as right after init.
  EXPECT_EQ(BlockSnapshot(), blocks0);
}

TEST_F(PageAlloc, BlocksAreNaturallyAlignedAndCountedExactly) {
  const uint64_t free0 = gmm_pages_free_count();
  const std::vector<uint64_t> blocks0 = BlockSnapshot();
  std::vector<std::pair<void *, unsigned>> live;
  uint64_t expect = free0;

  for (unsigned round = 0; round < 3; round++) {
    for (unsigned k = 0; k <= GMM_ORDER_MAX; k++) {
      void *p = gmm_pages_alloc(k);
      ASSERT_NE(p, nullptr) << "order " << k;
      EXPECT_EQ(Addr(p) % (kPage << k), 0u) << "order " << k;
      EXPECT_TRUE(InManaged(Addr(p), kPage << k)) << "order " << k;
      expect -= 1ull << k;
      ASSERT_EQ(gmm_pages_free_count(), expect);
      live.emplace_back(p, k);
    }
  }
  EXPECT_EQ(gmm_pages_alloc(GMM_ORDER_MAX + 1), nullptr);
  EXPECT_EQ(gmm_pages_free_count(), expect);
  // Free in an order unlike the allocation order.
  std::reverse(live.begin(), live.begin() + live.size() / 2);
  for (auto &[p, k] : live) {
    gmm_pages_free(p, k);
    expect += 1ull << k;
    ASSERT_EQ(gmm_pages_free_count(), expect);
  }
  EXPECT_EQ(gmm_pages_free_count(), free0);
  EXPECT_EQ(BlockSnapshot(), blocks0);
}

TEST_F(PageAlloc, FragmentedMemoryRefusesLargerOrders) {
  const std::vector<uint64_t> blocks0 = BlockSnapshot();
  std::vector<uint64_t> even, odd;

  while (void *p = gmm_pages_alloc(0)) ((Addr(p) / kPage) % 2 ? odd : even).push_back(Addr(p));
  // A page's buddy differs from it in the lowest page-number bit, so with
  // only even pages free no two free pages are buddies.
  for (uint64_t a : even) gmm_pages_free(Ptr(a), 0);
  EXPECT_EQ(gmm_pages_free_count(), even.size());
  EXPECT_EQ(gmm_pages_alloc(1), nullptr);
  EXPECT_EQ(gmm_free_blocks(0), even.size());
  for (uint64_t a : odd) gmm_pages_free(Ptr(a), 0);
  EXPECT_EQ(BlockSnapshot(), blocks0);
}

TEST_F(PageAlloc, AdjacentRegionsMergeIntoOneBlock) {
  // Descriptors go into the small first region; the two 2 MiB regions
  // after it touch and together form one aligned 4 MiB block.
  std::vector<gmm_region> r = {
      {base_, 64 * 1024, GMM_RAM},
      {base_ + 4 * kMiB, 2 * kMiB, GMM_RAM},
      {base_ + 6 * kMiB, 2 * kMiB, GMM_RAM},
  };
  ASSERT_EQ(gmm_page_init(r.data(), r.size(), 0, 0), 0);
  EXPECT_EQ(gmm_free_blocks(GMM_ORDER_MAX), 1u);
  void *p = gmm_pages_alloc(GMM_ORDER_MAX);
  EXPECT_EQ(Addr(p), base_ + 4 * kMiB);
  gmm_pages_free(p, GMM_ORDER_MAX);
}

TEST_F(PageAlloc, RefusesBadBootInfo) {
  std::vector<gmm_region> ram = {{base_, 16 * kMiB, GMM_RAM}};
  EXPECT_EQ(gmm_page_init(ram.data(), ram.size(), 0, 1), GMM_EINVAL) << "bad magic";

  std::vector<gmm_region> many(17, gmm_region{base_, kPage, GMM_BOOT});
  EXPECT_EQ(gmm_page_init(many.data(), many.size(), 0, 0), GMM_EINVAL) << "17 regions";

  std::vector<gmm_region> overlap = {{base_, 8 * kMiB, GMM_RAM},
                                     {base_ + 4 * kMiB, 8 * kMiB, GMM_RAM}};
  EXPECT_EQ(gmm_page_init(overlap.data(), overlap.size(), 0, 0), GMM_EINVAL);

  std::vector<gmm_region> wrap = {{base_, ~0ull - base_ + 2, GMM_RAM}};
  EXPECT_EQ(gmm_page_init(wrap.data(), wrap.size(), 0, 0), GMM_EINVAL) << "base + size wraps";

  std::vector<gmm_region> no_ram = {{base_, 8 * kMiB, GMM_KERNEL}};
  EXPECT_EQ(gmm_page_init(no_ram.data(), no_ram.size(), 0, 0), GMM_ENOMEM);
  EXPECT_EQ(gmm_page_init(ram.data(), ram.size(), base_ + 16 * kMiB, 0), GMM_ENOMEM)
      << "all RAM below reserved_end";

  // 1 page at each end of 40 MiB needs 3 descriptor pages: nowhere to go.
  std::vector<gmm_region> sparse = {{base_, kPage, GMM_RAM},
                                    {base_ + 40 * kMiB, kPage, GMM_RAM}};
  EXPECT_EQ(gmm_page_init(sparse.data(), sparse.size(), 0, 0), GMM_ENOMEM);

  // After a failed init nothing may reach the half-built allocator.
  char msg[256];
  EXPECT_TRUE(gmm_pages_free_panics(ram_, 0, msg, sizeof(msg)));
  EXPECT_NE(std::string(msg).find("before page_alloc_init"), std::string::npos) << msg;
}

TEST_F(PageAlloc, MisuseOfFreePanics) {
  const uint64_t free0 = gmm_pages_free_count();
  char *p = static_cast<char *>(gmm_pages_alloc(2));
  ASSERT_NE(p, nullptr);
  alignas(4096) static char foreign[4096];  // host memory, not guest RAM
  char msg[256];

  struct Case {
    void *ptr;
    unsigned order;
    const char *says;
  } cases[] = {
      {p + 8, 2, "not page-aligned"},
      {p + kPage, 2, "not aligned to a block"},
      {p, 1, "allocated with order 2"},
      {p, 3, "not aligned to a block"},  // order-4-page block alignment
      {p + kPage, 0, "not the start of an allocated block"},
      {foreign, 0, "outside managed RAM"},
      {Ptr(base_ + kPage), 0, "outside managed RAM"},  // the boot region, below
      {Ptr(base_ + 60 * kMiB), 0, "outside managed RAM"},  // the hole, above
      {Ptr(base_ + 9 * kMiB + kPage), 0, "not managed RAM"},  // the kernel region
      {p, GMM_ORDER_MAX + 1, "order above"},
  };
  for (const Case &c : cases) {
    // p may sit at an 8-page boundary, where order 3 passes the alignment
    // check and fails on the descriptor instead: either way it panics.
    ASSERT_TRUE(gmm_pages_free_panics(c.ptr, c.order, msg, sizeof(msg))) << c.says;
    if (!(c.order == 3 && Addr(p) % (8 * kPage) == 0)) {
      EXPECT_NE(std::string(msg).find(c.says), std::string::npos) << msg;
    }
    // The lock was dropped and nothing changed.
    EXPECT_EQ(gmm_pages_free_count(), free0 - 4);
  }
  EXPECT_FALSE(gmm_pages_free_panics(p, 2, msg, sizeof(msg))) << msg;
  EXPECT_EQ(gmm_pages_free_count(), free0);
  EXPECT_TRUE(gmm_pages_free_panics(p, 2, msg, sizeof(msg)));
  EXPECT_NE(std::string(msg).find("double free"), std::string::npos) << msg;
  EXPECT_EQ(gmm_pages_free_count(), free0);

  // Still usable afterwards.
  void *q = gmm_pages_alloc(0);
  ASSERT_NE(q, nullptr);
  gmm_pages_free(q, 0);
  EXPECT_EQ(gmm_pages_free_count(), free0);
}

TEST_F(PageAlloc, CallsGoThroughTheCurrentImplementation) {
  gmm_install_counting();
  void *p = gmm_pages_alloc(1);
  ASSERT_NE(p, nullptr);
  uint64_t n = gmm_pages_free_count();
  gmm_pages_free(p, 1);
  EXPECT_EQ(gmm_pages_free_count(), n + 2);
  EXPECT_EQ(gmm_counting_calls(), 4u);
  gmm_uninstall_counting();
  p = gmm_pages_alloc(0);
  gmm_pages_free(p, 0);
  EXPECT_EQ(gmm_counting_calls(), 4u);
}

// ---- heap ------------------------------------------------------------------

constexpr uint64_t kClasses[] = {16, 32, 48, 64, 96, 128, 192, 256,
                                 384, 512, 768, 1024, 1536, 2048};

uint64_t ExpectedClass(uint64_t n) {
  for (uint64_t c : kClasses)
    if (n <= c) return c;
  return 0;
}

bool PowerOfTwo(uint64_t v) { return v && !(v & (v - 1)); }

class Heap : public GuestRam {
 protected:
  void SetUp() override {
    GuestRam::SetUp();
    gmm_region r = {base_, kRamSize, GMM_RAM};
    ASSERT_EQ(gmm_page_init(&r, 1, base_, 0), 0);
    ASSERT_EQ(gmm_heap_init(base_, base_ + kRamSize), 0);
    baseline_ = gmm_pages_free_count();
    blocks0_ = BlockSnapshot();
  }

  gmm_stats Stats() {
    gmm_stats s;
    gmm_heap_stats(&s);
    return s;
  }

  // Every cache emptied: the heap holds nothing but its page map, and the
  // page allocator is back where it was after heap_init.
  void ExpectNothingHeld(const std::vector<unsigned> &cpus) {
    for (unsigned c : cpus) {
      gmm_set_cpu(c);
      gmm_heap_drain_cpu();
    }
    gmm_set_cpu(0);
    gmm_heap_reclaim();
    gmm_stats s = Stats();
    EXPECT_EQ(s.objects_in_use, 0u);
    EXPECT_EQ(s.bytes_in_use, 0u);
    EXPECT_EQ(s.slab_pages, 0u);
    EXPECT_EQ(s.large_pages, 0u);
    EXPECT_EQ(s.magazines, 0u);
    EXPECT_EQ(gmm_pages_free_count(), baseline_);
    EXPECT_EQ(BlockSnapshot(), blocks0_);
  }

  uint64_t baseline_ = 0;
  std::vector<uint64_t> blocks0_;
};

TEST_F(Heap, PageMapIsTheOnlyFixedCost) {
  // 16384 pages of range, one byte each: four pages.
  EXPECT_EQ(Stats().map_pages, 4u);
  gmm_region r = {base_, kRamSize, GMM_RAM};
  ASSERT_EQ(gmm_page_init(&r, 1, base_, 0), 0);
  EXPECT_EQ(gmm_pages_free_count(), baseline_ + 4);
}

TEST_F(Heap, SizeClassesAndAlignment) {
  std::vector<std::pair<uint64_t, uint64_t>> live;  // address, usable size

  for (uint64_t n = 0; n <= GMM_SMALL_MAX; n++) {
    char *p = static_cast<char *>(gmm_kmalloc(n));
    ASSERT_NE(p, nullptr) << n;
    uint64_t cls = ExpectedClass(n ? n : 1);
    ASSERT_EQ(gmm_ksize(p), cls) << "size " << n;
    ASSERT_EQ(Addr(p) % 16, 0u) << "size " << n;
    if (PowerOfTwo(cls)) {
      ASSERT_EQ(Addr(p) % cls, 0u) << "size " << n;
    }
    std::memset(p, static_cast<int>(n), cls);
    live.emplace_back(Addr(p), cls);
  }
  EXPECT_EQ(Stats().objects_in_use, GMM_SMALL_MAX + 1u);
  std::sort(live.begin(), live.end());
  for (size_t i = 1; i < live.size(); i++)
    ASSERT_LE(live[i - 1].first + live[i - 1].second, live[i].first) << "blocks overlap";
  for (auto &[a, size] : live) gmm_kfree(Ptr(a));
  ExpectNothingHeld({0});
}

TEST_F(Heap, LargeBlocksAreWholePages) {
  struct {
    uint64_t size, pages;
  } cases[] = {{GMM_SMALL_MAX + 1, 1}, {4096, 1}, {4097, 2}, {8192, 2},
               {8193, 4},             {100000, 32}, {GMM_BLOCK_MAX, 1024}};
  for (auto &c : cases) {
    uint64_t before = gmm_pages_free_count();
    void *p = gmm_kmalloc(c.size);
    ASSERT_NE(p, nullptr) << c.size;
    EXPECT_EQ(Addr(p) % kPage, 0u);
    EXPECT_EQ(gmm_ksize(p), c.pages * kPage) << c.size;
    EXPECT_EQ(gmm_pages_free_count(), before - c.pages) << c.size;
    EXPECT_EQ(Stats().large_pages, c.pages);
    EXPECT_EQ(Stats().bytes_in_use, c.pages * kPage);
    std::memset(p, 0x5a, c.size);
    gmm_kfree(p);
    EXPECT_EQ(gmm_pages_free_count(), before) << c.size;
  }
  EXPECT_EQ(gmm_kmalloc(GMM_BLOCK_MAX + 1), nullptr);
  EXPECT_EQ(gmm_kmalloc(SIZE_MAX), nullptr);
  ExpectNothingHeld({0});
}

TEST_F(Heap, KzallocZeroesReusedMemory) {
  char *p = static_cast<char *>(gmm_kmalloc(200));
  ASSERT_NE(p, nullptr);
  std::memset(p, 0xaa, 200);
  gmm_kfree(p);
  char *q = static_cast<char *>(gmm_kzalloc(200));
  // The CPU's magazine is last in, first out: the same block comes back.
  ASSERT_EQ(q, p);
  for (int i = 0; i < 200; i++) ASSERT_EQ(q[i], 0) << i;
  gmm_kfree(q);

  char *big = static_cast<char *>(gmm_kmalloc(3 * kPage));
  std::memset(big, 0xaa, 3 * kPage);
  gmm_kfree(big);
  char *zbig = static_cast<char *>(gmm_kzalloc(3 * kPage));
  ASSERT_NE(zbig, nullptr);
  for (uint64_t i = 0; i < 3 * kPage; i++) ASSERT_EQ(zbig[i], 0) << i;
  gmm_kfree(zbig);
  ExpectNothingHeld({0});
}

TEST_F(Heap, ChurnLeavesNothingBehind) {
  std::mt19937_64 rng(7);
  std::vector<void *> live;

  for (int i = 0; i < 20000; i++) {
    if (live.empty() || rng() % 3) {
      uint64_t n = rng() % 4 == 0 ? 1 + rng() % 12000 : 1 + rng() % 300;
      void *p = gmm_kmalloc(n);
      ASSERT_NE(p, nullptr);
      live.push_back(p);
    } else {
      size_t k = rng() % live.size();
      gmm_kfree(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
  }
  EXPECT_EQ(Stats().objects_in_use, live.size());
  for (void *p : live) gmm_kfree(p);
  EXPECT_EQ(Stats().objects_in_use, 0u);
  ExpectNothingHeld({0});
}

TEST_F(Heap, FreeOnAnotherCpu) {
  std::vector<void *> blocks;
  gmm_set_cpu(1);
  for (int i = 0; i < 1000; i++) blocks.push_back(gmm_kmalloc(1 + (i * 37) % 3000));
  EXPECT_EQ(Stats().objects_in_use, 1000u);
  gmm_set_cpu(2);
  for (void *p : blocks) gmm_kfree(p);
  EXPECT_EQ(Stats().objects_in_use, 0u);
  ExpectNothingHeld({1, 2});
}

TEST_F(Heap, DepotHandsFullMagazinesToOtherCpus) {
  std::set<void *> freed_by_1;
  gmm_set_cpu(1);
  std::vector<void *> v;
  for (int i = 0; i < 300; i++) v.push_back(gmm_kmalloc(64));
  uint64_t slabs = Stats().slab_pages;
  for (void *p : v) {
    freed_by_1.insert(p);
    gmm_kfree(p);
  }
  // CPU 1 keeps two magazines (60 objects); the other 240 wait in the
  // depot as eight full magazines, and CPU 2 gets them all.
  gmm_set_cpu(2);
  v.clear();
  size_t reused = 0;
  for (int i = 0; i < 300; i++) {
    void *p = gmm_kmalloc(64);
    reused += freed_by_1.count(p);
    v.push_back(p);
  }
  EXPECT_GE(reused, 240u);
  EXPECT_EQ(Stats().depot_swaps, 8u);
  // The other 60 came from slabs: the 15 objects left in the fifth 63-object
  // slab, then one new slab (plus the magazines' own slab page).
  EXPECT_LE(Stats().slab_pages, slabs + 2);
  for (void *p : v) gmm_kfree(p);
  ExpectNothingHeld({1, 2});
}

TEST_F(Heap, FullDepotReturnsObjectsToSlabs) {
  gmm_set_cpu(1);
  std::vector<void *> v;
  for (int i = 0; i < 5000; i++) v.push_back(gmm_kmalloc(64));
  uint64_t peak = Stats().slab_pages;
  EXPECT_GE(peak, 5000u / 63);
  for (void *p : v) gmm_kfree(p);
  // Still cached: 16 full magazines in the depot and two on the CPU. Freed
  // in allocation order, those objects sit in about ten 63-object slabs,
  // plus two pages of magazines; the other ~70 slabs went back.
  gmm_stats s = Stats();
  EXPECT_LE(s.slab_pages, 16u) << "peak " << peak;
  EXPECT_LE(s.magazines, 2u + 16u + 16u);
  EXPECT_GT(s.depot_overflows, 0u);
  ExpectNothingHeld({1});
}

TEST_F(Heap, OutOfMemoryReturnsNull) {
  std::vector<void *> pages;
  while (void *p = gmm_pages_alloc(0)) pages.push_back(p);
  EXPECT_EQ(gmm_kmalloc(100), nullptr);
  EXPECT_EQ(gmm_kzalloc(100), nullptr);
  EXPECT_EQ(gmm_kmalloc(5000), nullptr);
  EXPECT_EQ(Stats().objects_in_use, 0u);

  // One page back: enough for a slab, not for a magazine too, so the free
  // goes straight to the slab, which is then empty and goes back.
  gmm_pages_free(pages.back(), 0);
  pages.pop_back();
  void *p = gmm_kmalloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(gmm_pages_free_count(), 0u);
  gmm_kfree(p);
  EXPECT_EQ(gmm_pages_free_count(), 1u);
  EXPECT_EQ(Stats().magazines, 0u);
  for (void *q : pages) gmm_pages_free(q, 0);
  ExpectNothingHeld({0});
}

TEST_F(Heap, MisuseOfKfreePanics) {
  char msg[256];
  char *small = static_cast<char *>(gmm_kmalloc(100));
  char *large = static_cast<char *>(gmm_kmalloc(3 * kPage));
  void *page = gmm_pages_alloc(0);
  int on_stack = 0;
  gmm_stats before = Stats();

  struct Case {
    void *ptr;
    const char *says;
  } cases[] = {
      {small + 8, "not the start of a 128-byte block"},
      {large + 16, "not the start of a large block"},
      {large + kPage, "not a kmalloc block"},
      {page, "not a kmalloc block"},
      {&on_stack, "not heap memory"},
  };
  for (const Case &c : cases) {
    ASSERT_TRUE(gmm_kfree_panics(c.ptr, msg, sizeof(msg))) << c.says;
    EXPECT_NE(std::string(msg).find(c.says), std::string::npos) << msg;
  }
  EXPECT_EQ(Stats().objects_in_use, before.objects_in_use);

  EXPECT_FALSE(gmm_kfree_panics(large, msg, sizeof(msg))) << msg;
  EXPECT_TRUE(gmm_kfree_panics(large, msg, sizeof(msg))) << "double free of a large block";
  EXPECT_NE(std::string(msg).find("double free"), std::string::npos) << msg;
  EXPECT_FALSE(gmm_kfree_panics(nullptr, msg, sizeof(msg)));
  gmm_kfree(small);
  gmm_pages_free(page, 0);
  ExpectNothingHeld({0});
}

// ---- four CPUs at once ------------------------------------------------------

constexpr unsigned kCpus = 4;
constexpr unsigned kSlots = 2048;
constexpr int kPhase = 1000; // operations per filling or draining phase
// Hosted ticket spinlocks only pause while they wait, so with more threads
// than host CPUs a waiter holding the next ticket but not scheduled stalls
// the others for a time slice; under TSan that costs about 2 ms per
// operation on a loaded 2-CPU host. GMM_STRESS_OPS raises the count.
int OpsPerCpu() {
  const char *env = std::getenv("GMM_STRESS_OPS");
  return env ? std::atoi(env) : 3000;
}

enum class Kind { kNone, kSmall, kLarge, kPages };

struct Slot {
  std::mutex mu;
  char *p = nullptr;
  uint64_t len = 0;  // bytes asked for (and filled)
  Kind kind = Kind::kNone;
  unsigned order = 0;
  uint64_t tag = 0;
  unsigned owner = 0;  // CPU that allocated it
};

void Fill(char *p, uint64_t len, uint64_t tag) {
  uint64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w = tag ^ (i * 0x9e3779b97f4a7c15ull);
    std::memcpy(p + i, &w, 8);
  }
  for (; i < len; i++) p[i] = static_cast<char>(tag >> (i % 8 * 8));
}

bool Intact(const char *p, uint64_t len, uint64_t tag) {
  uint64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w != (tag ^ (i * 0x9e3779b97f4a7c15ull))) return false;
  }
  for (; i < len; i++)
    if (p[i] != static_cast<char>(tag >> (i % 8 * 8))) return false;
  return true;
}

uint64_t Extent(const Slot &s) {
  return s.kind == Kind::kPages ? kPage << s.order : gmm_ksize(s.p);
}

void Release(Slot &s) {
  if (s.kind == Kind::kPages)
    gmm_pages_free(s.p, s.order);
  else
    gmm_kfree(s.p);
  s.p = nullptr;
  s.kind = Kind::kNone;
}

TEST_F(Heap, FourCpusShareBlocksWithoutOverlapOrLeak) {
  static Slot slots[kSlots];
  std::atomic<uint64_t> corrupt{0}, cross_cpu_frees{0}, out_of_memory{0}, ops{0}, frees{0};
  const int kOpsPerCpu = OpsPerCpu();

  auto cpu = [&](unsigned id) {
    gmm_set_cpu(id);
    std::mt19937_64 rng(1000 + id);
    uint64_t serial = 0;
    for (int i = 0; i < kOpsPerCpu; i++) {
      // Phases of mostly allocating and mostly freeing, out of step between
      // CPUs: a draining CPU frees blocks others allocated, its magazines
      // fill and go to the depot, and a filling CPU takes them from there.
      bool filling = (i / kPhase + id) % 2 == 0;
      bool want_alloc = rng() % 10 < (filling ? 8u : 2u);
      Slot &s = slots[rng() % kSlots];
      std::lock_guard<std::mutex> hold(s.mu);
      if (s.p) {
        if (want_alloc) continue;
        if (!Intact(s.p, s.len, s.tag)) corrupt++;
        if (s.owner != id) cross_cpu_frees++;
        Release(s);
        frees++;
        ops++;
        continue;
      }
      if (!want_alloc) continue;
      unsigned pick = rng() % 20;
      if (pick < 9) {  // most small blocks in the two smallest classes
        s.kind = Kind::kSmall;
        s.len = 1 + rng() % 32;
        s.p = static_cast<char *>(gmm_kmalloc(s.len));
      } else if (pick < 14) {
        s.kind = Kind::kSmall;
        s.len = 1 + rng() % GMM_SMALL_MAX;
        s.p = static_cast<char *>(gmm_kmalloc(s.len));
      } else if (pick < 17) {
        s.kind = Kind::kLarge;
        s.len = GMM_SMALL_MAX + 1 + rng() % 20000;
        s.p = static_cast<char *>(gmm_kmalloc(s.len));
      } else {
        s.kind = Kind::kPages;
        s.order = rng() % 4;
        s.len = kPage << s.order;
        s.p = static_cast<char *>(gmm_pages_alloc(s.order));
      }
      if (!s.p) {
        out_of_memory++;
        s.kind = Kind::kNone;
        continue;
      }
      s.tag = (uint64_t{id} << 56) | ++serial;
      s.owner = id;
      Fill(s.p, s.len, s.tag);
      ops++;
    }
    gmm_heap_drain_cpu();
  };

  std::vector<std::thread> threads;
  for (unsigned id = 0; id < kCpus; id++) threads.emplace_back(cpu, id);
  for (auto &t : threads) t.join();

  EXPECT_EQ(corrupt.load(), 0u) << "a live block was overwritten";
  EXPECT_EQ(out_of_memory.load(), 0u);
  // Enough really happened: about half the operations did something, and
  // most frees were of other CPUs' blocks (about 3 in 4 by chance; the
  // phases make it fewer). MagazinesFlowFromFreeingToAllocatingCpus is the
  // test that drives the depots hard.
  EXPECT_GT(ops.load(), uint64_t{kCpus} * static_cast<uint64_t>(kOpsPerCpu) / 3);
  EXPECT_GT(cross_cpu_frees.load(), frees.load() / 3);
  std::printf("stress: %llu operations, %llu frees, %llu from another CPU, %llu depot swaps\n",
              (unsigned long long)ops.load(), (unsigned long long)frees.load(),
              (unsigned long long)cross_cpu_frees.load(),
              (unsigned long long)Stats().depot_swaps);

  // What is still live must not overlap, and must still hold its pattern.
  gmm_set_cpu(0);
  std::vector<std::pair<uint64_t, uint64_t>> live;
  for (Slot &s : slots)
    if (s.p) live.emplace_back(Addr(s.p), Extent(s));
  std::sort(live.begin(), live.end());
  for (size_t i = 1; i < live.size(); i++)
    EXPECT_LE(live[i - 1].first + live[i - 1].second, live[i].first) << "live blocks overlap";
  for (Slot &s : slots) {
    if (!s.p) continue;
    EXPECT_TRUE(Intact(s.p, s.len, s.tag));
    Release(s);
  }
  ExpectNothingHeld({0, 1, 2, 3});
}

// Two CPUs only allocate, two only free what the first two allocated:
// every block crosses CPUs, and the freeing CPUs' full magazines reach the
// allocating ones through the depots.
TEST_F(Heap, MagazinesFlowFromFreeingToAllocatingCpus) {
  constexpr int kBlocksPerProducer = 3000;
  constexpr uint64_t kLen = 64;
  constexpr size_t kQueueMax = 128;
  std::mutex mu;
  std::deque<std::pair<char *, uint64_t>> queue;  // block, tag
  std::atomic<int> producers_left{2};
  std::atomic<uint64_t> corrupt{0}, freed{0}, out_of_memory{0};

  auto producer = [&](unsigned id) {
    gmm_set_cpu(id);
    for (int i = 0; i < kBlocksPerProducer; i++) {
      char *p = static_cast<char *>(gmm_kmalloc(kLen));
      if (!p) {
        out_of_memory++;
        continue;
      }
      uint64_t tag = (uint64_t{id} << 56) | static_cast<uint64_t>(i);
      Fill(p, kLen, tag);
      for (;;) {  // a bounded queue: producers cannot run ahead of the frees
        {
          std::lock_guard<std::mutex> hold(mu);
          if (queue.size() < kQueueMax) {
            queue.emplace_back(p, tag);
            break;
          }
        }
        std::this_thread::yield();
      }
    }
    gmm_heap_drain_cpu();
    producers_left--;
  };
  auto consumer = [&](unsigned id) {
    gmm_set_cpu(id);
    for (;;) {
      std::pair<char *, uint64_t> b{nullptr, 0};
      {
        std::lock_guard<std::mutex> hold(mu);
        if (!queue.empty()) {
          b = queue.front();
          queue.pop_front();
        }
      }
      if (!b.first) {
        if (producers_left.load() == 0) {
          std::lock_guard<std::mutex> hold(mu);
          if (queue.empty()) break;
        }
        std::this_thread::yield();
        continue;
      }
      if (!Intact(b.first, kLen, b.second)) corrupt++;
      gmm_kfree(b.first);
      freed++;
    }
    gmm_heap_drain_cpu();
  };

  std::vector<std::thread> threads;
  threads.emplace_back(producer, 0);
  threads.emplace_back(producer, 1);
  threads.emplace_back(consumer, 2);
  threads.emplace_back(consumer, 3);
  for (auto &t : threads) t.join();

  EXPECT_EQ(out_of_memory.load(), 0u);
  EXPECT_EQ(corrupt.load(), 0u);
  EXPECT_EQ(freed.load(), 2u * kBlocksPerProducer);
  // 6000 frees fill 200 magazines; the producers got a good share of them
  // back instead of going to the slabs for every block.
  EXPECT_GT(Stats().depot_swaps, 100u);
  std::printf("flow: %llu depot swaps\n", (unsigned long long)Stats().depot_swaps);
  ExpectNothingHeld({0, 1, 2, 3});
}

}  // namespace
