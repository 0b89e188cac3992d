// SPDX-License-Identifier: GPL-2.0-only
#include "memslots_shim.h"

#include <linux/kvm.h>
#include <stddef.h>

#include "memslots.h"

uint32_t mss_flag_readonly(void)
{
	return KVM_MEM_READONLY;
}

uint32_t mss_flag_log_dirty(void)
{
	return KVM_MEM_LOG_DIRTY_PAGES;
}

unsigned mss_slots_max(void)
{
	return MEMSLOTS_MAX;
}

int mss_plan(uint64_t ram_size, const struct mss_range *ranges,
	     unsigned nranges, uint32_t ram_flags, struct mss_slot *out,
	     unsigned *count)
{
	struct gpa_range in[64];
	struct memslot_table t;
	int err;

	/* Copy at most the array's size: larger counts only matter for the
	 * -ENOSPC check, which looks at the count, not the contents. */
	for (unsigned i = 0; i < nranges && i < 64; i++)
		in[i] = (struct gpa_range){ ranges[i].gpa, ranges[i].size };
	err = memslots_plan(&t, ram_size, nranges ? in : NULL, nranges, ram_flags);
	*count = 0;
	if (err)
		return err;
	for (unsigned i = 0; i < t.count; i++)
		out[i] = (struct mss_slot){ t.slot[i].gpa, t.slot[i].size,
					    t.slot[i].flags };
	*count = t.count;
	return 0;
}
