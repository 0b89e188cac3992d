// SPDX-License-Identifier: GPL-2.0-only
// vmm/page_walk.c against page tables built independently by the shim.
// Guest RAM ends at a PROT_NONE page, so a read past RAM crashes the test.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>

#include "page_walk_shim.h"

namespace {

constexpr uint64_t kRam = 1ull << 20;      // 1 MiB is room for every table
constexpr uint64_t kTables = 0x10000;
constexpr uint64_t k2M = 2ull << 20;
constexpr uint64_t k1G = 1ull << 30;

class PageWalk : public ::testing::Test {
protected:
	void SetUp() override
	{
		g = pws_guest_new(kRam, kTables);
		ASSERT_NE(g, nullptr);
		ASSERT_EQ(pws_cr3(g), kTables);
	}
	void TearDown() override { pws_guest_free(g); }

	pws_guest *g = nullptr;
	uint64_t gpa = 0;
	int level = 0;
};

TEST_F(PageWalk, FourKiBPageKeepsTheOffsetWithinThePage)
{
	ASSERT_EQ(pws_map(g, 0x00007f1234567000ull, 0x5000, 1, 0), 0);
	ASSERT_EQ(pws_walk64(g, 0x00007f1234567abcull, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x5abcull);
	ASSERT_EQ(pws_walk64(g, 0x00007f1234567000ull, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x5000ull);
	ASSERT_EQ(pws_walk64(g, 0x00007f1234567fffull, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x5fffull);
}

TEST_F(PageWalk, NeighbouringFourKiBPagesTranslateIndependently)
{
	// Same PT, consecutive indexes, physical pages in reverse order: a
	// walker using the wrong index bits would swap them.
	ASSERT_EQ(pws_map(g, 0x400000, 0x9000, 1, 0), 0);
	ASSERT_EQ(pws_map(g, 0x401000, 0x3000, 1, 0), 0);
	ASSERT_EQ(pws_walk64(g, 0x400010, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x9010ull);
	ASSERT_EQ(pws_walk64(g, 0x401010, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x3010ull);
}

TEST_F(PageWalk, TwoMiBPageInTheHigherHalfKeepsA21BitOffset)
{
	const uint64_t va = 0xffff800000200000ull;
	ASSERT_EQ(pws_map(g, va, 0x400000, 2, 0), 0);
	ASSERT_EQ(pws_walk64(g, va + 0x12345, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x412345ull);
	ASSERT_EQ(pws_walk64(g, va + k2M - 1, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x400000ull + k2M - 1);
}

TEST_F(PageWalk, OneGiBPageKeepsA30BitOffset)
{
	ASSERT_EQ(pws_map(g, 3 * k1G, 2 * k1G, 3, 0), 0);
	ASSERT_EQ(pws_walk64(g, 3 * k1G + 0x1234567, &gpa, &level), 0);
	EXPECT_EQ(gpa, 2 * k1G + 0x1234567);
	ASSERT_EQ(pws_walk64(g, 4 * k1G - 1, &gpa, &level), 0);
	EXPECT_EQ(gpa, 3 * k1G - 1);
}

TEST_F(PageWalk, FlagBitsOfTheLeafAreNotPartOfTheAddress)
{
	// NX (bit 63) and available bits 52..62 lie above the address field;
	// in a 2 MiB entry bit 12 is PAT, not an address bit.
	const uint64_t high = 0x000ffffc00000000ull; // bit 51 down to 34
	ASSERT_EQ(pws_map(g, 0x40000000ull + k2M, high, 2,
			  PWS_PTE_NX | (0x7ffull << 52) | PWS_PTE_PAT_LARGE),
		  0);
	ASSERT_EQ(pws_walk64(g, 0x40000000ull + k2M + 0x1abcd, &gpa, &level), 0);
	EXPECT_EQ(gpa, high + 0x1abcd);

	// In a 4 KiB PTE bit 7 is PAT and must not be taken for a large page.
	ASSERT_EQ(pws_map(g, 0x7000, 0x8000, 1, PWS_PTE_PS | PWS_PTE_NX), 0);
	ASSERT_EQ(pws_walk64(g, 0x7123, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0x8123ull);
}

TEST_F(PageWalk, NotPresentEntryAtEachLevelFaultsThere)
{
	const uint64_t va = 0x0000123456789000ull;
	for (int fault = 4; fault >= 1; fault--) {
		SCOPED_TRACE(fault);
		ASSERT_EQ(pws_map(g, va, 0x6000, 1, 0), 0);
		uint64_t slot = pws_entry_addr(g, va, fault);
		ASSERT_NE(slot, 0u);
		// Clear only P: the rest of the entry still looks like a
		// valid pointer, so only the present bit can stop the walk.
		uint64_t e = pws_read64(g, slot);
		pws_write64(g, slot, e & ~PWS_PTE_P);
		gpa = 0xdead;
		EXPECT_EQ(pws_walk64(g, va + 0x10, &gpa, &level), -EFAULT);
		EXPECT_EQ(level, fault);
		EXPECT_EQ(gpa, 0xdeadull) << "no translation on a fault";
		pws_write64(g, slot, e);
		ASSERT_EQ(pws_walk64(g, va + 0x10, &gpa, &level), 0);
		EXPECT_EQ(gpa, 0x6010ull);
	}
}

TEST_F(PageWalk, EmptyTablesFaultAtThePml4)
{
	EXPECT_EQ(pws_walk64(g, 0x1000, &gpa, &level), -EFAULT);
	EXPECT_EQ(level, 4);
}

TEST_F(PageWalk, NotPresentLargePageFaultsAtItsLevel)
{
	ASSERT_EQ(pws_map(g, 5 * k1G, 0, 3, 0), 0);
	ASSERT_EQ(pws_map(g, 6 * k1G, 0, 2, 0), 0);
	uint64_t s3 = pws_entry_addr(g, 5 * k1G, 3), s2 = pws_entry_addr(g, 6 * k1G, 2);
	ASSERT_NE(s3, 0u);
	ASSERT_NE(s2, 0u);
	pws_write64(g, s3, pws_read64(g, s3) & ~PWS_PTE_P);
	pws_write64(g, s2, pws_read64(g, s2) & ~PWS_PTE_P);
	EXPECT_EQ(pws_walk64(g, 5 * k1G + 8, &gpa, &level), -EFAULT);
	EXPECT_EQ(level, 3);
	EXPECT_EQ(pws_walk64(g, 6 * k1G + 8, &gpa, &level), -EFAULT);
	EXPECT_EQ(level, 2);
}

TEST_F(PageWalk, NonCanonicalAddressesAreInvalid)
{
	// Map the PML4 slots these would index if bits 63..48 were ignored,
	// so -EINVAL cannot come from a fault.
	ASSERT_EQ(pws_map(g, 0xffff800000000000ull, 4 * k1G, 3, 0), 0);
	ASSERT_EQ(pws_map(g, 0x00007fffc0000000ull, 4 * k1G, 3, 0), 0);
	for (uint64_t va : std::initializer_list<uint64_t>{0x0000800000000000ull, 0xffff7fffffffffffull,
			    0x8000000000000000ull, 0x0001000000000000ull,
			    0x7fff800000000000ull}) {
		SCOPED_TRACE(va);
		EXPECT_EQ(pws_walk64(g, va, &gpa, &level), -EINVAL);
	}
	// The canonical edges on both sides translate.
	ASSERT_EQ(pws_walk64(g, 0xffff800000000000ull, &gpa, &level), 0);
	EXPECT_EQ(gpa, 4 * k1G);
	ASSERT_EQ(pws_walk64(g, 0x00007fffffffffffull, &gpa, &level), 0);
	EXPECT_EQ(gpa, 5 * k1G - 1);
}

TEST_F(PageWalk, PagingOffIsIdentityWhateverTheTables)
{
	// CR3 beyond RAM and LA57 set: neither matters without CR0.PG.
	for (uint64_t va : std::initializer_list<uint64_t>{0ull, 0x1234ull, 0xdeadbeef1234ull, 0xffffffffffffffffull}) {
		SCOPED_TRACE(va);
		gpa = 0;
		ASSERT_EQ(pws_walk(g, PWS_CR0_PE, 0x7ffff000ull, PWS_CR4_PAE | PWS_CR4_LA57,
				   PWS_EFER_LME, va, &gpa, &level),
			  0);
		EXPECT_EQ(gpa, va);
	}
}

TEST_F(PageWalk, FiveLevelPagingIsNotSupported)
{
	ASSERT_EQ(pws_map(g, 0x1000, 0x2000, 1, 0), 0);
	ASSERT_EQ(pws_walk64(g, 0x1000, &gpa, &level), 0) << "the same tables with 4 levels";
	EXPECT_EQ(pws_walk(g, PWS_CR0_PE | PWS_CR0_PG, pws_cr3(g),
			   PWS_CR4_PAE | PWS_CR4_LA57, PWS_EFER_LME | PWS_EFER_LMA,
			   0x1000, &gpa, &level),
		  -ENOTSUP);
}

TEST_F(PageWalk, RootTableBeyondRamIsOutOfRange)
{
	for (uint64_t cr3 : std::initializer_list<uint64_t>{kRam, kRam + 0x1000ull, 0x000ffffffffff000ull}) {
		SCOPED_TRACE(cr3);
		EXPECT_EQ(pws_walk(g, PWS_CR0_PE | PWS_CR0_PG, cr3, PWS_CR4_PAE,
				   PWS_EFER_LME | PWS_EFER_LMA, 0x1000, &gpa, &level),
			  -ERANGE);
	}
}

TEST_F(PageWalk, LowerTableBeyondRamIsOutOfRangeAtEveryLevel)
{
	const uint64_t va = 0x0000000080601000ull;
	for (int bad = 4; bad >= 2; bad--) {
		SCOPED_TRACE(bad);
		ASSERT_EQ(pws_map(g, va, 0x6000, 1, 0), 0);
		uint64_t slot = pws_entry_addr(g, va, bad);
		ASSERT_NE(slot, 0u);
		uint64_t e = pws_read64(g, slot);
		// Points at the last page of RAM (fine) and then just past it.
		pws_write64(g, slot, (kRam - 0x1000) | PWS_PTE_P);
		EXPECT_NE(pws_walk64(g, va, &gpa, &level), -ERANGE);
		pws_write64(g, slot, kRam | PWS_PTE_P);
		EXPECT_EQ(pws_walk64(g, va, &gpa, &level), -ERANGE);
		pws_write64(g, slot, e);
	}
}

TEST_F(PageWalk, LastEntryOfRamIsReadable)
{
	// A PT in RAM's last page, used through its index 511: the walker
	// reads RAM's last 8 bytes, right up against the guard page.
	const uint64_t va = 0x00000000001ff000ull; // PT index 511
	ASSERT_EQ(pws_map(g, va, 0x6000, 1, 0), 0);
	uint64_t pde = pws_entry_addr(g, va, 2);
	ASSERT_NE(pde, 0u);
	pws_write64(g, pde, (kRam - 0x1000) | PWS_PTE_P | PWS_PTE_W);
	pws_write64(g, kRam - 8, 0x00000000abcde000ull | PWS_PTE_P);
	ASSERT_EQ(pws_walk64(g, va + 0x42, &gpa, &level), 0);
	EXPECT_EQ(gpa, 0xabcde042ull);
}

TEST(PageWalkSmallRam, TableStraddlingTheEndOfRamIsOutOfRange)
{
	// RAM ends 0x100 bytes into the root table: entries 0..31 are in RAM,
	// entry 32 on would be read from past its end. With 0x104 bytes,
	// entry 32 is half in RAM and still must not be read.
	for (uint64_t tail : std::initializer_list<uint64_t>{0x100, 0x104}) {
		SCOPED_TRACE(tail);
		pws_guest *g = pws_guest_new(0x10000 + tail, 0x10000);
		ASSERT_NE(g, nullptr);
		ASSERT_EQ(pws_cr3(g), 0u) << "the root cannot fit as a whole page";
		uint64_t gpa = 0;
		int level = 0;
		const uint64_t cr0 = PWS_CR0_PE | PWS_CR0_PG, efer = PWS_EFER_LME | PWS_EFER_LMA;
		// PML4 index 31 (entry at 0x100f8) is in RAM and not present.
		EXPECT_EQ(pws_walk(g, cr0, 0x10000, PWS_CR4_PAE, efer, 31ull << 39, &gpa, &level),
			  -EFAULT);
		EXPECT_EQ(level, 4);
		EXPECT_EQ(pws_walk(g, cr0, 0x10000, PWS_CR4_PAE, efer, 32ull << 39, &gpa, &level),
			  -ERANGE);
		pws_guest_free(g);
	}
}

TEST(PageWalkSmallRam, RamSmallerThanOneEntryIsNeverRead)
{
	for (uint64_t size : std::initializer_list<uint64_t>{0ull, 1ull, 4ull, 7ull}) {
		SCOPED_TRACE(size);
		pws_guest *g = pws_guest_new(size, 0x1000);
		ASSERT_NE(g, nullptr);
		uint64_t gpa = 0;
		int level = 0;
		EXPECT_EQ(pws_walk(g, PWS_CR0_PE | PWS_CR0_PG, 0, PWS_CR4_PAE,
				   PWS_EFER_LME | PWS_EFER_LMA, 0, &gpa, &level),
			  -ERANGE);
		pws_guest_free(g);
	}
}

} // namespace
