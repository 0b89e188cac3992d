// SPDX-License-Identifier: GPL-2.0-only
/* Writes one byte into every third page of dirty_buffer and exits; the host
 * enabled dirty logging before the guest ran and checks exactly those
 * pages of the buffer are dirty. */
#include "guest.h"

#define DIRTY_PAGES 64

uint8_t dirty_buffer[DIRTY_PAGES][4096] __attribute__((aligned(4096)));

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	(void)bi;
	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");
	for (int i = 0; i < DIRTY_PAGES; i += 3)
		((volatile uint8_t *)dirty_buffer[i])[100] = 1;
	sv_exit(0);
}
