// SPDX-License-Identifier: GPL-2.0-only
// The file system's Adler-32 helper (guest/fs/fs_checksum.c), compiled on
// the host, where char is signed as in the guest: right for ASCII, and
// wrong (its known bug, kept for the checksum-fix binary patch) for bytes
// from 0x80 up, exactly as sign extension makes it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include <kernel/fs_checksum.h>
}

namespace {

constexpr uint32_t kMod = 65521;

// Adler-32 as RFC 1950 (zlib) defines it, summing each byte as `as`
// converts it: unsigned for the definition, signed char for the bug.
template <typename Byte> uint32_t adler32_as(const std::vector<uint8_t> &bytes)
{
	uint32_t a = 1, b = 0;
	for (uint8_t byte : bytes) {
		a = (a + (uint32_t)(int32_t)(Byte)byte) % kMod;
		b = (b + a) % kMod;
	}
	return b << 16 | a;
}

uint32_t helper(const std::vector<uint8_t> &bytes)
{
	return fs_checksum_update(FS_CHECKSUM_INIT, bytes.data(), bytes.size());
}

std::vector<uint8_t> bytes_of(const std::string &s)
{
	return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(FsChecksum, AsciiGivesTheRightAdler32)
{
	EXPECT_EQ(helper({}), 1u);
	EXPECT_EQ(helper(bytes_of("Wikipedia")), 0x11e60398u); // the textbook example
	std::vector<uint8_t> text;
	for (int i = 0; i < 100000; i++) // long enough for both sums to wrap mod 65521
		text.push_back((uint8_t)(' ' + i % 95));
	EXPECT_EQ(helper(text), adler32_as<uint8_t>(text));
}

TEST(FsChecksum, ChunksChainLikeOneCall)
{
	std::vector<uint8_t> text = bytes_of("the quick brown fox jumps over the lazy dog");
	uint32_t adler = fs_checksum_update(FS_CHECKSUM_INIT, text.data(), 10);
	adler = fs_checksum_update(adler, text.data() + 10, text.size() - 10);
	EXPECT_EQ(adler, helper(text));
}

TEST(FsChecksum, HighBytesGiveTheSignExtendedWrongSum)
{
	EXPECT_EQ(adler32_as<uint8_t>({ 0x80 }), 0x00810081u); // a = 1 + 128, b = a
	EXPECT_NE(helper({ 0x80 }), 0x00810081u);
	EXPECT_EQ(helper({ 0xff }), 0u); // 1 + (uint32_t)-1 wraps to 0
	std::vector<uint8_t> every(512);
	for (size_t i = 0; i < every.size(); i++)
		every[i] = (uint8_t)(i * 7);
	EXPECT_NE(helper(every), adler32_as<uint8_t>(every));
	EXPECT_EQ(helper(every), adler32_as<signed char>(every));
}

} // namespace
