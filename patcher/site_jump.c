// SPDX-License-Identifier: GPL-2.0-only
/* The two jumps a patch site uses (site_plan.h), as bytes. */
#include "site_plan.h"

#include <string.h>

static void put_le(uint8_t *out, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

int site_jmp_rel32(uint64_t at, uint64_t to, uint8_t out[SITE_JMP_LEN])
{
	/* Modular difference read as signed: a target below the jump is negative. */
	int64_t rel = (int64_t)(to - (at + SITE_JMP_LEN));

	if (rel < INT32_MIN || rel > INT32_MAX)
		return -1;
	out[0] = 0xe9;
	put_le(out + 1, (uint64_t)rel, 4);
	return 0;
}

void site_trampoline_bytes(uint64_t to, uint8_t out[SITE_TRAMPOLINE_LEN])
{
	/* jmp *0(%rip): FF /4 with ModRM 0x25 (RIP + disp32), disp32 0, so it
	 * reads the address stored right after it. */
	static const uint8_t jmp_rip[6] = { 0xff, 0x25, 0, 0, 0, 0 };

	memcpy(out, jmp_rip, sizeof(jmp_rip));
	put_le(out + sizeof(jmp_rip), to, 8);
}
