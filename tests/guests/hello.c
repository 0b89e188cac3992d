// SPDX-License-Identifier: GPL-2.0-only
/* Greets on the console from CPU 0 and exits 0; the other CPUs idle. */
#include "guest.h"

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	char ncpus[] = "0";

	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");
	ncpus[0] = (char)('0' + bi->ncpus % 10);
	uart_puts("Hello from a swapvisor guest on ");
	uart_puts(ncpus);
	uart_puts(bi->ncpus == 1 ? " vCPU\n" : " vCPUs\n");
	sv_exit(0);
}
