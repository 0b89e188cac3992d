/* SPDX-License-Identifier: GPL-2.0-only */
/* Hosted arch layer (tests): each "CPU" (host thread) has an LTT array of
 * its own; COIDs are addresses in a range nothing maps, converted to the
 * calling thread's array, so the same COID names a different entry on each
 * CPU, as the LTT region does in the guest. */
#ifndef SV_ARCH_COBJ_H
#define SV_ARCH_COBJ_H

#define ARCH_LTT_BASE ((struct co_ltt_entry *)0x100000000000ull)
#define ARCH_LTT_ENTRIES 16384ull

extern _Thread_local struct co_ltt_entry *hosted_ltt;

static inline struct co_ltt_entry *arch_ltt_local(void)
{
	return hosted_ltt;
}

/* `cpu`'s LTT array (the tests define it). */
struct co_ltt_entry *arch_ltt_of(unsigned cpu);

/* Where `cpu` itself sees its LTT: its own array. */
static inline struct co_ltt_entry *arch_ltt_view(unsigned cpu)
{
	return arch_ltt_of(cpu);
}

#endif
