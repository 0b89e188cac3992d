// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>

#include "adler32.h"

#define ADLER_MOD 65521u /* the largest prime below 2^16 */

/* One loop for both: each byte widened to 32 bits either unsigned or, as
 * the kernel's bug does, through signed char; the sums then wrap in
 * uint32_t before the modulus exactly as the kernel's do. */
static uint32_t sum(const void *buf, size_t len, bool signed_bytes)
{
	const uint8_t *p = buf;
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t byte = signed_bytes ? (uint32_t)(int32_t)(signed char)p[i] : p[i];

		a = (a + byte) % ADLER_MOD;
		b = (b + a) % ADLER_MOD;
	}
	return b << 16 | a;
}

uint32_t sv_adler32(const void *buf, size_t len)
{
	return sum(buf, len, false);
}

uint32_t sv_adler32_signed_char(const void *buf, size_t len)
{
	return sum(buf, len, true);
}
