// SPDX-License-Identifier: GPL-2.0-only
/*
 * Patch: the file system's Adler-32 helper (guest/fs/fs_checksum.c) reads
 * the file's bytes through a plain `char`, which is signed on x86-64, so
 * every byte from 0x80 up is summed as a negative number and SV_OP_CHECKSUM
 * answers a wrong checksum for any file holding one. The helper is a plain
 * function the file system calls directly: no translation-table entry
 * leads to it, so the fix is a binary patch, a jump at its entry to this
 * replacement, which reads the bytes unsigned. fs_checksum sums a file in
 * pieces, one call each: it is named as a caller, so that no thread is
 * inside it when the jump goes in or out and no checksum mixes sums of
 * both bodies.
 */
#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>

SV_PATCH("checksum-fix", 1, "fs_checksum_update: bytes summed unsigned");

#define ADLER_MOD 65521u

static uint32_t fs_checksum_update_fixed(uint32_t adler, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t a = adler & 0xffff, b = adler >> 16;

	for (size_t i = 0; i < len; i++) {
		a = (a + p[i]) % ADLER_MOD;
		b = (b + a) % ADLER_MOD;
	}
	return b << 16 | a;
}

SV_PATCH_FUNCTION(checksum, "fs_checksum_update", fs_checksum_update_fixed, 0);
SV_PATCH_CALLER(sum, "fs_checksum");
