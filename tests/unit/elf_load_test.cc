// SPDX-License-Identifier: GPL-2.0-only
// vmm/elf_load.c on ELF files written by libelf (elf_fixture.c) into a
// temporary directory: what a good kernel image loads as, and that every
// refusal fails and names the file and, where there is one, the segment.
#include <gtest/gtest.h>

#include <elf.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "elf_fixture.h"

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kRam = 4 * kMiB;
constexpr uint64_t kLoadMin = 1 * kMiB;
constexpr uint64_t kLoadMax = 3 * kMiB; // RAM above it must stay untouched
constexpr uint64_t kHigherHalf = 0xffffffff80000000ull;
constexpr uint8_t kPoison = 0xaa;

elff_segment load_seg(uint32_t flags, uint64_t vaddr, uint64_t paddr,
		      uint64_t filesz, uint64_t memsz, uint8_t seed)
{
	return elff_segment{PT_LOAD, flags, vaddr, paddr, filesz, memsz, seed, 0};
}

// A small kernel: text at 1 MiB, data plus bss at 2 MiB, identity-linked.
elff_spec good_spec()
{
	elff_spec s{};
	s.elf_class = ELFCLASS64;
	s.machine = EM_X86_64;
	s.type = ET_EXEC;
	s.entry = 0x100040;
	s.nsegments = 2;
	s.seg[0] = load_seg(PF_R | PF_X, 0x100000, 0x100000, 0x1234, 0x1234, 1);
	s.seg[1] = load_seg(PF_R | PF_W, 0x200000, 0x200000, 0x800, 0x3000, 2);
	return s;
}

class ElfLoad : public ::testing::Test {
protected:
	void SetUp() override
	{
		std::string tmpl = ::testing::TempDir() + "elf_load_test.XXXXXX";
		ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
		dir = tmpl;
		ram.assign(kRam, kPoison);
	}
	void TearDown() override { fs::remove_all(dir); }

	std::string write(const char *name, const elff_spec &spec)
	{
		std::string path = (dir / name).string();
		EXPECT_EQ(elff_write(path.c_str(), &spec), 0) << "fixture could not write " << path;
		return path;
	}

	int load(const std::string &path)
	{
		char buf[4096];
		int err = elff_load(path.c_str(), ram.data(), kRam, kLoadMin, kLoadMax, &img,
				    buf, sizeof(buf));
		msg = buf;
		return err;
	}

	// A refusal: an error, and one message that starts by naming the
	// file and contains every one of `words`.
	void expect_refused(const std::string &path, int want_err,
			    std::initializer_list<const char *> words)
	{
		EXPECT_EQ(load(path), want_err);
		EXPECT_EQ(msg.rfind("swapvisor: " + path + ": ", 0), 0u) << msg;
		for (const char *w : words)
			EXPECT_NE(msg.find(w), std::string::npos) << "want \"" << w << "\" in: " << msg;
		EXPECT_EQ(msg.back(), '\n');
		EXPECT_EQ(msg.find('\n'), msg.size() - 1) << "one line: " << msg;
	}

	bool untouched(uint64_t from, uint64_t to) const
	{
		for (uint64_t a = from; a < to; a++)
			if (ram[a] != kPoison)
				return false;
		return true;
	}

	fs::path dir;
	std::vector<uint8_t> ram;
	elff_image img{};
	std::string msg;
};

// [paddr, +filesz) holds the segment's file bytes, the rest up to memsz
// is zero, and the bytes just around it are untouched.
void expect_loaded(const std::vector<uint8_t> &ram, const elff_segment &s)
{
	SCOPED_TRACE(s.paddr);
	size_t bad_data = 0, bad_bss = 0;
	for (uint64_t i = 0; i < s.filesz; i++)
		bad_data += ram[s.paddr + i] != elff_byte(s.seed, i);
	for (uint64_t i = s.filesz; i < s.memsz; i++)
		bad_bss += ram[s.paddr + i] != 0;
	EXPECT_EQ(bad_data, 0u) << "file bytes copied wrongly";
	EXPECT_EQ(bad_bss, 0u) << "bss not zero-filled";
	EXPECT_EQ(ram[s.paddr - 1], kPoison);
	EXPECT_EQ(ram[s.paddr + s.memsz], kPoison);
}

TEST_F(ElfLoad, GoodImageLoadsAtPhysicalAddressesWithZeroedBss)
{
	elff_spec s = good_spec();
	std::string path = write("kernel", s);
	ASSERT_EQ(load(path), 0) << msg;
	EXPECT_EQ(msg, "") << "a good image loads silently";
	expect_loaded(ram, s.seg[0]);
	expect_loaded(ram, s.seg[1]);
	EXPECT_EQ(img.entry, 0x100040u);
	EXPECT_EQ(img.phys_start, 0x100000u);
	EXPECT_EQ(img.phys_end, 0x203000u);
	ASSERT_EQ(img.nlink_offsets, 1u);
	EXPECT_EQ(img.link_offsets[0], 0u);
	EXPECT_TRUE(untouched(0x100000 + 0x1234, 0x200000));
	EXPECT_TRUE(untouched(0, kLoadMin));
}

TEST_F(ElfLoad, SegmentOrderDoesNotChangeTheExtent)
{
	elff_spec s = good_spec();
	std::swap(s.seg[0], s.seg[1]);
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	EXPECT_EQ(img.phys_start, 0x100000u);
	EXPECT_EQ(img.phys_end, 0x203000u);
	expect_loaded(ram, s.seg[0]);
	expect_loaded(ram, s.seg[1]);
}

TEST_F(ElfLoad, HigherHalfKernelReportsBothLinkOffsets)
{
	// A boot stub linked at its physical address and the kernel proper
	// at -2 GiB: two offsets, each reported once however many segments
	// share it.
	elff_spec s = good_spec();
	s.nsegments = 3;
	s.seg[0] = load_seg(PF_R | PF_X, 0x100000, 0x100000, 0x200, 0x200, 3);
	s.seg[1] = load_seg(PF_R | PF_X, kHigherHalf + 0x200000, 0x200000, 0x1800, 0x1800, 4);
	s.seg[2] = load_seg(PF_R | PF_W, kHigherHalf + 0x204000, 0x204000, 0x100, 0x2000, 5);
	s.entry = 0x100000;
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	for (unsigned i = 0; i < 3; i++)
		expect_loaded(ram, s.seg[i]);
	EXPECT_EQ(img.phys_start, 0x100000u);
	EXPECT_EQ(img.phys_end, 0x206000u);
	ASSERT_EQ(img.nlink_offsets, 2u);
	EXPECT_EQ(img.link_offsets[0], 0u);
	EXPECT_EQ(img.link_offsets[1], kHigherHalf);
}

TEST_F(ElfLoad, EntryMayBeAHigherHalfVirtualAddress)
{
	elff_spec s = good_spec();
	s.seg[0].vaddr += kHigherHalf;
	s.seg[1].vaddr += kHigherHalf;
	s.entry = kHigherHalf + 0x101000;
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	EXPECT_EQ(img.entry, kHigherHalf + 0x101000);
	ASSERT_EQ(img.nlink_offsets, 1u);
	EXPECT_EQ(img.link_offsets[0], kHigherHalf);
	expect_loaded(ram, s.seg[0]);
}

TEST_F(ElfLoad, OtherProgramHeadersAndEmptyLoadsAreSkipped)
{
	elff_spec s = good_spec();
	s.nsegments = 5;
	s.seg[2] = elff_segment{PT_NOTE, PF_R, 0, 0x5000, 0x24, 0x24, 6, 0};
	s.seg[3] = elff_segment{PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0};
	// An empty PT_LOAD has nothing to load: not even where it says.
	s.seg[4] = load_seg(PF_R, 0x7fff000, 0x7fff000, 0, 0, 7);
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	EXPECT_EQ(img.phys_start, 0x100000u);
	EXPECT_EQ(img.phys_end, 0x203000u);
	EXPECT_TRUE(untouched(0x5000, 0x5100)) << "PT_NOTE was loaded";
}

TEST_F(ElfLoad, EmptyLoadInsideAnotherSegmentIsNotAnOverlap)
{
	// Linkers can emit a PT_LOAD with nothing in it; the loader skips it,
	// so it must not count when looking for overlaps either.
	// It comes first: segments are checked against the earlier ones.
	elff_spec s = good_spec();
	s.nsegments = 3;
	s.seg[2] = s.seg[1];
	s.seg[1] = s.seg[0];
	s.seg[0] = load_seg(PF_R, 0x100400, 0x100400, 0, 0, 7);
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	expect_loaded(ram, s.seg[1]);
	expect_loaded(ram, s.seg[2]);
}

// ---- refusals of the file as a whole ----

TEST_F(ElfLoad, RandomBytesAreNotAnElf)
{
	std::string path = (dir / "random").string();
	std::mt19937 rng(42);
	std::vector<char> bytes(4096);
	for (auto &b : bytes)
		b = (char)rng();
	ASSERT_NE(std::string(bytes.data(), 4), "\x7f" "ELF");
	std::ofstream(path, std::ios::binary).write(bytes.data(), (std::streamsize)bytes.size());
	expect_refused(path, -ENOEXEC, {"not an ELF"});
	EXPECT_TRUE(untouched(0, kRam));
}

TEST_F(ElfLoad, EmptyFileIsRefused)
{
	std::string path = (dir / "empty").string();
	std::ofstream(path).close();
	expect_refused(path, -ENOEXEC, {});
	EXPECT_TRUE(untouched(0, kRam));
}

TEST_F(ElfLoad, FileCutInsideTheHeadersIsRefused)
{
	elff_spec s = good_spec();
	std::string path = write("kernel", s);
	// Inside the ELF header, right after it (no program headers), then
	// inside the second program header.
	for (uint64_t size : std::initializer_list<uint64_t>{
		     20, 40, sizeof(Elf64_Ehdr), sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 8}) {
		SCOPED_TRACE(size);
		fs::resize_file(path, size);
		expect_refused(path, -ENOEXEC, {});
		EXPECT_TRUE(untouched(0, kRam));
	}
}

TEST_F(ElfLoad, FileCutInsideASegmentIsRefusedNamingIt)
{
	elff_spec s = good_spec();
	std::string path = write("kernel", s);
	fs::resize_file(path, elff_segment_offset(&s, 1) + 0x100);
	expect_refused(path, -ENOEXEC, {"segment 1", "beyond the file's end"});
	EXPECT_TRUE(untouched(0x200000, 0x203000));
}

TEST_F(ElfLoad, ThirtyTwoBitElfIsRefused)
{
	elff_spec s = good_spec();
	s.elf_class = ELFCLASS32;
	expect_refused(write("kernel32", s), -ENOEXEC, {"64-bit"});
	EXPECT_TRUE(untouched(0, kRam));
}

TEST_F(ElfLoad, WrongMachineIsRefused)
{
	elff_spec s = good_spec();
	s.machine = EM_AARCH64;
	expect_refused(write("kernel-arm64", s), -ENOEXEC, {"machine 183", "x86-64"});
	EXPECT_TRUE(untouched(0, kRam));
}

TEST_F(ElfLoad, SharedObjectsAndRelocatablesAreRefused)
{
	for (uint16_t type : {(uint16_t)ET_DYN, (uint16_t)ET_REL}) {
		SCOPED_TRACE(type);
		elff_spec s = good_spec();
		s.type = type;
		std::string want = "ELF type " + std::to_string(type);
		expect_refused(write("not-exec", s), -ENOEXEC, {want.c_str(), "ET_EXEC"});
		EXPECT_TRUE(untouched(0, kRam));
	}
}

TEST_F(ElfLoad, NoLoadableSegmentIsRefused)
{
	elff_spec s = good_spec();
	s.seg[0] = elff_segment{PT_NOTE, PF_R, 0, 0, 0x20, 0x20, 1, 0};
	s.seg[1] = elff_segment{PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 0};
	expect_refused(write("no-load", s), -ENOEXEC, {"no loadable segment"});
	s.nsegments = 0;
	expect_refused(write("no-phdrs", s), -ENOEXEC, {"no loadable segment"});
	EXPECT_TRUE(untouched(0, kRam));
}

TEST_F(ElfLoad, MissingFileIsRefusedWithErrno)
{
	std::string path = (dir / "no-such-kernel").string();
	expect_refused(path, -ENOENT, {"No such file"});
}

// ---- refusals of one segment: the message names it ----

TEST_F(ElfLoad, SegmentOutsideTheLoadWindowIsRefused)
{
	struct Case {
		const char *name;
		uint64_t paddr, filesz, memsz;
	};
	for (const Case &c : {Case{"below", kLoadMin - 0x1000, 0x100, 0x100},
			      Case{"at-max", kLoadMax, 0x100, 0x100},
			      Case{"data-crosses-max", kLoadMax - 0x80, 0x100, 0x100},
			      Case{"bss-crosses-max", kLoadMax - 0x1000, 0x100, 0x2000},
			      Case{"beyond-ram", kRam + kMiB, 0x100, 0x100},
			      Case{"wraps", 0xfffffffffffff000ull, 0x100, 0x2000}}) {
		SCOPED_TRACE(c.name);
		ram.assign(kRam, kPoison);
		elff_spec s = good_spec();
		s.seg[1] = load_seg(PF_R | PF_W, c.paddr, c.paddr, c.filesz, c.memsz, 2);
		expect_refused(write(c.name, s), -ENOEXEC, {"segment 1", "outside"});
		EXPECT_TRUE(untouched(kLoadMax, kRam)) << "wrote beyond load_max";
		EXPECT_TRUE(untouched(0, kLoadMin)) << "wrote below load_min";
	}
}

TEST_F(ElfLoad, SegmentEndingExactlyAtLoadMaxLoads)
{
	elff_spec s = good_spec();
	s.seg[1] = load_seg(PF_R | PF_W, kLoadMax - 0x2000, kLoadMax - 0x2000, 0x100, 0x2000, 2);
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	EXPECT_EQ(img.phys_end, kLoadMax);
	EXPECT_TRUE(untouched(kLoadMax, kRam));
}

TEST_F(ElfLoad, SegmentBytesPastTheEndOfTheFileAreRefused)
{
	elff_spec s = good_spec();
	s.seg[1].offset_override = elff_segment_offset(&s, 1) + 0x100000;
	expect_refused(write("offset", s), -ENOEXEC, {"segment 1", "beyond the file's end"});
	// p_offset + p_filesz wrapping past 2^64 must not slip through.
	s.seg[1].offset_override = 0xffffffffffffff00ull;
	expect_refused(write("offset-wrap", s), -ENOEXEC, {"segment 1", "beyond the file's end"});
	EXPECT_TRUE(untouched(0x200000, 0x203000));
}

TEST_F(ElfLoad, FileSizeAboveMemorySizeIsRefused)
{
	elff_spec s = good_spec();
	s.seg[1].filesz = 0x3001;
	expect_refused(write("filesz", s), -ENOEXEC, {"segment 1", "exceeds memory size"});
	EXPECT_TRUE(untouched(0x200000, 0x204000));
}

TEST_F(ElfLoad, OverlappingSegmentsAreRefusedNamingBoth)
{
	// Physically overlapping, though their virtual ranges are apart.
	elff_spec s = good_spec();
	s.seg[1] = load_seg(PF_R | PF_W, 0x301000, 0x101000, 0x100, 0x1000, 2);
	expect_refused(write("overlap", s), -ENOEXEC, {"segment 1", "overlaps segment 0"});
	// The bss of segment 0 overlapping the start of segment 1.
	s = good_spec();
	s.seg[0].memsz = 0x100001;
	expect_refused(write("overlap-bss", s), -ENOEXEC, {"segment 1", "overlaps segment 0"});
}

TEST_F(ElfLoad, TouchingSegmentsDoNotOverlap)
{
	elff_spec s = good_spec();
	s.seg[1] = load_seg(PF_R | PF_W, 0x101234, 0x101234, 0x10, 0x100, 2);
	ASSERT_EQ(load(write("kernel", s)), 0) << msg;
	EXPECT_EQ(ram[0x101233], elff_byte(1, 0x1233)) << "end of segment 0";
	EXPECT_EQ(ram[0x101234], elff_byte(2, 0)) << "start of segment 1";
	EXPECT_EQ(ram[0x101244], 0) << "bss of segment 1";
	EXPECT_EQ(ram[0x101334], kPoison) << "past segment 1";
}

TEST_F(ElfLoad, LinkOffsetNotTwoMiBAlignedIsRefused)
{
	// Boot page tables map the kernel with 2 MiB pages: an offset of
	// 1 MiB or 4 KiB cannot be mapped.
	for (uint64_t off : std::initializer_list<uint64_t>{0x1000ull, kMiB, kHigherHalf + 0x1000}) {
		SCOPED_TRACE(off);
		elff_spec s = good_spec();
		s.seg[1].vaddr += off;
		expect_refused(write("misaligned", s), -ENOEXEC, {"segment 1", "2 MiB aligned"});
	}
}

TEST_F(ElfLoad, EntryOutsideEveryExecutableSegmentIsRefused)
{
	for (uint64_t entry : std::initializer_list<uint64_t>{0x200010ull,              // in the data segment (not PF_X)
			       0x100000ull + 0x1234,     // one past the text segment
			       0x0ffff0ull,              // before it
			       kHigherHalf + 0x100040}) { // alias that is not linked
		SCOPED_TRACE(entry);
		elff_spec s = good_spec();
		s.entry = entry;
		expect_refused(write("entry", s), -ENOEXEC, {"entry point", "executable segment"});
	}
}

} // namespace
