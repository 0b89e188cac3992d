// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every vCPU adds 1 to one shared counter a million times with lock xadd;
 * the last to finish checks the total is exactly ncpus million. A lost
 * update (a VMM that ran vCPUs without coherent memory, or lost a vCPU)
 * shows up as a wrong total.
 */
#include "guest.h"

#define ADDS_PER_CPU 1000000u

static volatile uint64_t counter;
static volatile uint32_t finished;

static uint64_t atomic_add(volatile uint64_t *p, uint64_t v)
{
	__asm__ volatile("lock xaddq %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	uint64_t expected = (uint64_t)bi->ncpus * ADDS_PER_CPU;
	char buf[19];

	(void)cpu;
	for (uint32_t i = 0; i < ADDS_PER_CPU; i++)
		atomic_add(&counter, 1);
	if (__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST) != bi->ncpus)
		for (;;)
			__asm__ volatile("hlt");
	uart_puts("counter total ");
	uart_puts(guest_hex(buf, counter));
	uart_puts(" expected ");
	uart_puts(guest_hex(buf, expected));
	uart_puts("\n");
	sv_exit(counter == expected ? 0 : 1);
}
