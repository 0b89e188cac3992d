// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adler-32's byte loop (kernel/fs_checksum.h).
 *
 * KNOWN BUG, kept on purpose as the binary-patching example: the bytes are
 * read through `const char *`, and char is signed on x86-64, so every byte
 * from 0x80 up is sign-extended and summed as a negative number. The
 * checksum is right for ASCII and wrong for any file holding a byte >=
 * 0x80. The fix is not made here: it is the binary patch `checksum-fix`
 * (tests/patches/checksum_fix.c), which jumps from this function's entry
 * to a replacement that reads the bytes unsigned. No translation table
 * leads here (the file system calls it directly), so only a binary patch
 * can replace it in a running guest; tests/unit/fs_checksum_test.cc pins
 * the bug. noipa keeps every caller going through this entry (no inlined
 * copy, no clone the patch would miss).
 */
#include <kernel/fs_checksum.h>

#define ADLER_MOD 65521u /* the largest prime below 2^16 */

__attribute__((noipa)) uint32_t fs_checksum_update(uint32_t adler, const void *buf, size_t len)
{
	const char *p = buf; /* the bug: should be const unsigned char * */
	uint32_t a = adler & 0xffff, b = adler >> 16;

	for (size_t i = 0; i < len; i++) {
		a = (a + p[i]) % ADLER_MOD;
		b = (b + a) % ADLER_MOD;
	}
	return b << 16 | a;
}
