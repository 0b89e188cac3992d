// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit round trips timed with the guest's TSC, for tools/bench-vmm: a port
 * write nobody owns (the cheapest exit to the VMM's user space) and a
 * hypercall (the same exit plus argument checking and a result in rax).
 * Results go to bench_results, which the host reads after the exit.
 */
#include "guest.h"

#define ROUNDS 2000
#define UNOWNED_PORT 0x600

struct bench_results {
	uint64_t rounds;
	uint64_t io_cycles;        /* total over ROUNDS */
	uint64_t hypercall_cycles; /* total over ROUNDS */
};

struct bench_results bench_results;

static uint64_t time_io(void)
{
	uint64_t start = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		__asm__ volatile("outb %%al, %w0" : : "Nd"((uint16_t)UNOWNED_PORT), "a"(0));
	return rdtsc() - start;
}

static uint64_t time_hypercalls(void)
{
	uint64_t start = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		sv_time_ns();
	return rdtsc() - start;
}

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	(void)bi;
	if (cpu != 0)
		for (;;)
			__asm__ volatile("hlt");
	time_io(); /* warm up */
	bench_results.io_cycles = time_io();
	bench_results.hypercall_cycles = time_hypercalls();
	bench_results.rounds = ROUNDS;
	sv_exit(0);
}
