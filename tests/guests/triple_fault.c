// SPDX-License-Identifier: GPL-2.0-only
/* Loads an empty IDT and traps: no handler for the trap, the double fault
 * or the triple fault, so the CPU shuts down. rbx carries a marker the
 * host test finds in the VMM's register dump. */
#include "guest.h"

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty_idt = { 0, 0 };

	(void)bi;
	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");
	__asm__ volatile("lidt %0\n\t"
			 "movabs $0x5ca1ab1e7e57, %%rbx\n\t"
			 "ud2"
			 : : "m"(empty_idt) : "rbx");
	sv_exit(1); /* not reached */
}
