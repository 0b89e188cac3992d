// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest for resume's writes: every CPU spins reading `flag` and counting
 * in progress[cpu]; when flag no longer holds FLAG_INITIAL, CPU 0 exits
 * with its low 7 bits as the status. So the VM's exit status proves that
 * a write the host made while the VM was paused reached memory and was
 * seen once the VM ran again.
 */
#include "guest.h"

#define FLAG_INITIAL 0x1111111111111111ull

volatile uint64_t flag = FLAG_INITIAL;
volatile uint64_t progress[64];
volatile uint64_t ready;

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	(void)bi;
	if (cpu == 0)
		ready = 1;
	for (;;) {
		uint64_t f = flag;

		if (f != FLAG_INITIAL && cpu == 0)
			sv_exit((uint32_t)(f & 0x7f));
		progress[cpu]++;
	}
}
