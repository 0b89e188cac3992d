/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Adler-32 on the host, both ways the guest may answer SV_OP_CHECKSUM:
 * right (RFC 1950, as zlib computes it), and with the guest kernel's
 * known signed-char bug (guest/fs/fs_checksum.c, fixed by the
 * checksum-fix binary patch). The load generator checks answers against
 * both; the tests pin the kernel's helper to them. Plain C, callable from
 * C++. The sv_ prefix keeps clear of zlib's own adler32 symbol, which
 * libraries linked beside this one may bring in.
 */
#ifndef SV_ADLER32_H
#define SV_ADLER32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Adler-32 of len bytes (1 for none). */
uint32_t sv_adler32(const void *buf, size_t len);

/* What the unpatched guest kernel answers: every byte read as signed
 * char, so bytes >= 0x80 are sign-extended before the 32-bit sum wraps.
 * Equal to sv_adler32 for bytes below 0x80 only. */
uint32_t sv_adler32_signed_char(const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
