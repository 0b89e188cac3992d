// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest for mirrors: every CPU writes its own record of the old copy
 * (struct old_rec) forever with plain stores: seq, a, b, c = n in that
 * order, then `back` = n through the new copy (struct new_rec), and now
 * and then a neighbour word that shares the old copy's page. The host
 * mirrors old_copy and new_copy (tests/kvm/mirror_test.cc) and, pausing,
 * finds every mapped byte equal and each record a prefix of n followed by
 * n - 1. CPU 0 first times writes to an address with no RAM (a bare MMIO
 * exit) so the host can compare a trapped write's cost with it.
 */
#include "guest.h"
#include "mirror_layout.h"

#define UNBACKED_GPA 0xd0000000ull /* below the 4 GiB boot map, above RAM */
#define MMIO_ROUNDS 256

struct old_page old_copy __attribute__((aligned(4096)));
struct new_rec new_copy[MIRROR_SLOTS] __attribute__((aligned(4096)));
struct mirror_guest_stats guest_stats[MIRROR_SLOTS] __attribute__((aligned(4096)));
volatile uint64_t mmio_cycles; /* MMIO_ROUNDS bare MMIO exits, summed */
volatile uint64_t mmio_rounds;
volatile uint64_t ready;

static void time_mmio(void)
{
	volatile uint64_t *unbacked = (volatile uint64_t *)UNBACKED_GPA;
	uint64_t start = rdtsc();

	for (int i = 0; i < MMIO_ROUNDS; i++)
		*unbacked = (uint64_t)i;
	mmio_cycles = rdtsc() - start;
	mmio_rounds = MMIO_ROUNDS;
}

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	volatile struct old_rec *old = &old_copy.rec[cpu % MIRROR_SLOTS];
	volatile struct new_rec *new_ = &new_copy[cpu % MIRROR_SLOTS];
	volatile struct mirror_guest_stats *st = &guest_stats[cpu % MIRROR_SLOTS];

	(void)bi;
	if (cpu == 0) {
		time_mmio();
		ready = 1;
	}
	for (uint64_t n = 1;; n++) {
		uint64_t t = rdtsc();

		old->seq = n;
		st->seq_cycles += rdtsc() - t;
		st->seq_writes++;
		old->a = (uint32_t)n;
		old->b = (uint16_t)n;
		old->c = (uint8_t)n;
		new_->back = (uint32_t)n;
		if (n % 16 == 0)
			old_copy.neighbour[cpu % MIRROR_SLOTS] = n;
		st->iterations = n;
	}
}
