// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host protects protected_page before this guest runs, with a hook that
 * lets every write through except the value REFUSED. The guest writes one
 * value of each size, reads them back, writes REFUSED, checks memory kept
 * the old value, then reads the page READS times (native: no exits).
 * Exit status: 0, or the number of the first check that failed.
 */
#include "guest.h"

#define REFUSED 0xdeadbeefu
#define READS 1000

uint8_t protected_page[4096] __attribute__((aligned(4096)));

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	volatile uint8_t *p = protected_page;

	(void)bi;
	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");
	*(volatile uint8_t *)(p + 0) = 0x11;
	*(volatile uint16_t *)(p + 2) = 0x2233;
	*(volatile uint32_t *)(p + 4) = 0x44556677;
	*(volatile uint64_t *)(p + 8) = 0x8899aabbccddeeffull;
	if (*(volatile uint8_t *)(p + 0) != 0x11 || *(volatile uint16_t *)(p + 2) != 0x2233 ||
	    *(volatile uint32_t *)(p + 4) != 0x44556677 ||
	    *(volatile uint64_t *)(p + 8) != 0x8899aabbccddeeffull)
		sv_exit(1);
	*(volatile uint32_t *)(p + 16) = REFUSED;
	if (*(volatile uint32_t *)(p + 16) != 0)
		sv_exit(2);
	for (int i = 0; i < READS; i++)
		if (*(volatile uint64_t *)(p + 8) != 0x8899aabbccddeeffull)
			sv_exit(3);
	sv_exit(0);
}
