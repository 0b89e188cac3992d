// SPDX-License-Identifier: GPL-2.0-only
// quiesce/guest_read.c: the walker reading a guest stack through page
// tables built by the page walker's own test shim, the stack's pages
// mapped to frames in reverse order, so a reader that skipped the
// translation or crossed a page in one piece would read the wrong bytes.
#include "quiesce_fixture.h"

#include <cstring>

#include "guest_read.h"
#include "page_walk_shim.h"

namespace quiesce_test {
namespace {

constexpr uint64_t kRam = 1ull << 20;
constexpr uint64_t kTables = 0x10000;
constexpr uint64_t kFrames = 0xc0000;  // page i of the stack is at kFrames - i pages

uint64_t FrameOf(uint64_t gva)
{
	uint64_t page = (gva - kStackLo) / QSS_PAGE;
	return kFrames - page * QSS_PAGE + gva % QSS_PAGE;
}

class GuestRead : public QuiesceTest {
protected:
	void SetUp() override
	{
		QuiesceTest::SetUp();
		pw = pws_guest_new(kRam, kTables);
		ASSERT_NE(pw, nullptr);
		for (uint64_t gva = kStackLo; gva < kStackHi; gva += QSS_PAGE)
			ASSERT_EQ(pws_map(pw, gva, FrameOf(gva), 1, 0), 0);
		paged = env;
		paged.read = qs_read_paged;
		paged.read_ctx = const_cast<void *>(pws_ctx64(pw));
	}
	void TearDown() override
	{
		pws_guest_free(pw);
		QuiesceTest::TearDown();
	}
	// The fake guest's stack into guest RAM, word by word.
	void CopyStack()
	{
		for (uint64_t gva = kStackLo; gva < kStackHi; gva += 8) {
			uint64_t v;
			memcpy(&v, qss_host(g, gva), sizeof(v));
			pws_write64(pw, FrameOf(gva), v);
		}
	}
	int WalkPaged(const qs_context &c)
	{
		qs_stack s = { kStackLo, kStackHi };
		return qs_walk_regs(&paged, &s, &c, &walk);
	}

	pws_guest *pw = nullptr;
	qs_walk_env paged{};
};

TEST_F(GuestRead, WalksTheSameFramesThroughPageTables)
{
	StackBuilder s(g);
	s.Call(kInEntry, QSS_PAGE);  // every frame on a page of its own
	s.Call(kInA, QSS_PAGE);
	s.Call(kInB);
	CopyStack();
	ASSERT_EQ(WalkPaged(s.At(kC.at(0x20))), 0);
	std::vector<uint64_t> paged_pcs = Pcs();
	ASSERT_EQ(Walk(s.At(kC.at(0x20))), 0);
	EXPECT_EQ(paged_pcs, Pcs());
	EXPECT_EQ(paged_pcs.size(), 4u);
}

TEST_F(GuestRead, UnmappedPageIsUnreadable)
{
	StackBuilder s(g);
	s.Call(kInEntry, 2 * QSS_PAGE);
	uint64_t a_rbp = s.rbp();
	s.Call(kInA);
	CopyStack();
	pws_write64(pw, pws_entry_addr(pw, a_rbp, 1), 0);  // the top page's PTE
	EXPECT_EQ(WalkPaged(s.At(kB.at(0x10))), -1);
	EXPECT_EQ(walk.problem.status, QS_WALK_UNREADABLE);
	EXPECT_EQ(walk.problem.addr, a_rbp);
}

TEST_F(GuestRead, ReadAcrossAPageIsTranslatedPageByPage)
{
	uint64_t gva = kStackLo + QSS_PAGE - 8;
	pws_write64(pw, FrameOf(gva), 0x1111111111111111ull);
	pws_write64(pw, FrameOf(gva + 8), 0x2222222222222222ull);
	uint64_t got[2] = {};
	ASSERT_EQ(qs_read_paged(paged.read_ctx, gva, got, sizeof(got)), 0);
	EXPECT_EQ(got[0], 0x1111111111111111ull);
	EXPECT_EQ(got[1], 0x2222222222222222ull);
}

TEST_F(GuestRead, PageOutsideRamIsUnreadable)
{
	uint64_t beyond = 0xffff800000400000ull;
	ASSERT_EQ(pws_map(pw, beyond, kRam, 1, 0), 0);  // the frame just past RAM
	uint64_t v;
	EXPECT_EQ(qs_read_paged(paged.read_ctx, beyond, &v, sizeof(v)), -1);
	EXPECT_EQ(qs_read_paged(paged.read_ctx, kStackHi, &v, sizeof(v)), -1);  // not mapped
}

// The cached reader walks each page once and reads the same bytes: the
// stack's pages are in reverse order, so a translation kept past its page
// would read the wrong frame.
TEST_F(GuestRead, TheCachedReaderWalksTheSameFramesAndCrossesPagesRight)
{
	StackBuilder s(g);
	s.Call(kInEntry, QSS_PAGE);
	s.Call(kInA, QSS_PAGE);
	s.Call(kInB);
	CopyStack();
	ASSERT_EQ(WalkPaged(s.At(kC.at(0x20))), 0);
	std::vector<uint64_t> uncached = Pcs();
	qs_cached_reader reader{};
	reader.pages = static_cast<const page_walk_ctx *>(pws_ctx64(pw));
	paged.read = qs_read_cached;
	paged.read_ctx = &reader;
	ASSERT_EQ(WalkPaged(s.At(kC.at(0x20))), 0);
	EXPECT_EQ(Pcs(), uncached);

	uint64_t gva = kStackLo + QSS_PAGE - 8;
	pws_write64(pw, FrameOf(gva), 0x1111111111111111ull);
	pws_write64(pw, FrameOf(gva + 8), 0x2222222222222222ull);
	uint64_t got[2] = {};
	ASSERT_EQ(qs_read_cached(&reader, gva, got, sizeof(got)), 0);
	EXPECT_EQ(got[0], 0x1111111111111111ull);
	EXPECT_EQ(got[1], 0x2222222222222222ull);
	uint64_t v;
	EXPECT_EQ(qs_read_cached(&reader, kStackHi, &v, sizeof(v)), -1) << "not mapped";
}

}  // namespace
}  // namespace quiesce_test
