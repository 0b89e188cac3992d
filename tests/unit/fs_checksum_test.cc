// SPDX-License-Identifier: GPL-2.0-only
// The file system's Adler-32 helper (guest/fs/fs_checksum.c), compiled on
// the host, where char is signed as in the guest: right for ASCII, and
// wrong (its known bug, kept for the checksum-fix binary patch) for bytes
// from 0x80 up, exactly as the host's model of the bug
// (tools/adler32/adler32.h, which the load generator checks answers
// against) computes it.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "adler32.h"

extern "C" {
#include <kernel/fs_checksum.h>
}

namespace {

uint32_t helper(const std::vector<uint8_t> &bytes)
{
	return fs_checksum_update(FS_CHECKSUM_INIT, bytes.data(), bytes.size());
}

uint32_t right(const std::vector<uint8_t> &bytes)
{
	return sv_adler32(bytes.data(), bytes.size());
}

uint32_t signed_char(const std::vector<uint8_t> &bytes)
{
	return sv_adler32_signed_char(bytes.data(), bytes.size());
}

std::vector<uint8_t> bytes_of(const std::string &s)
{
	return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(FsChecksum, AsciiGivesTheRightAdler32)
{
	EXPECT_EQ(helper({}), 1u);
	EXPECT_EQ(right({}), 1u);
	EXPECT_EQ(helper(bytes_of("Wikipedia")), 0x11e60398u); // the textbook example
	EXPECT_EQ(right(bytes_of("Wikipedia")), 0x11e60398u);
	std::vector<uint8_t> text;
	for (int i = 0; i < 100000; i++) // long enough for both sums to wrap mod 65521
		text.push_back((uint8_t)(' ' + i % 95));
	EXPECT_EQ(helper(text), right(text));
	EXPECT_EQ(signed_char(text), right(text)) << "ASCII has one sum, bug or not";
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
	EXPECT_EQ(right({ 0x80 }), 0x00810081u); // a = 1 + 128, b = a
	EXPECT_NE(helper({ 0x80 }), 0x00810081u);
	EXPECT_EQ(helper({ 0xff }), 0u); // 1 + (uint32_t)-1 wraps to 0
	EXPECT_EQ(signed_char({ 0xff }), 0u);
	std::vector<uint8_t> every(512);
	for (size_t i = 0; i < every.size(); i++)
		every[i] = (uint8_t)(i * 7);
	EXPECT_NE(helper(every), right(every));
	EXPECT_EQ(helper(every), signed_char(every));
}

} // namespace
