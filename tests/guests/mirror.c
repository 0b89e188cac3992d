// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest for mirrors: every CPU writes its own record of the old copy
 * (struct old_rec) forever with plain stores: seq, a, b, c = n in that
 * order, then `back` = n through the new copy (struct new_rec), and now
 * and then a neighbour word that shares the old copy's page. The host
 * mirrors old_copy and new_copy (tests/kvm/mirror_test.cc) and, pausing,
 * finds every mapped byte equal and each record a prefix of n followed by
 * n - 1.
 */
#include "guest.h"
#include "mirror_layout.h"

struct old_page old_copy __attribute__((aligned(4096)));
struct new_rec new_copy[MIRROR_SLOTS] __attribute__((aligned(4096)));
struct mirror_guest_stats guest_stats[MIRROR_SLOTS] __attribute__((aligned(4096)));
volatile uint64_t ready;

void guest_main(const struct sv_boot_info *bi, uint32_t cpu)
{
	volatile struct old_rec *old = &old_copy.rec[cpu % MIRROR_SLOTS];
	volatile struct new_rec *new_ = &new_copy[cpu % MIRROR_SLOTS];
	volatile struct mirror_guest_stats *st = &guest_stats[cpu % MIRROR_SLOTS];

	(void)bi;
	if (cpu == 0)
		ready = 1;
	for (uint64_t n = 1;; n++) {
		old->seq = n;
		old->a = (uint32_t)n;
		old->b = (uint16_t)n;
		old->c = (uint8_t)n;
		new_->back = (uint32_t)n;
		if (n % 16 == 0)
			old_copy.neighbour[cpu % MIRROR_SLOTS] = n;
		st->iterations = n;
	}
}
