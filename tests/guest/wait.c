// SPDX-License-Identifier: GPL-2.0-only
#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/thread.h>

#include "wait.h"

bool wait_for(volatile uint64_t *flag, uint64_t want, uint64_t ms)
{
	uint64_t start = rdtsc();

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < want)
		if (rdtsc() - start > ms * tsc_khz())
			return false;
		else
			thread_sleep_until(rdtsc() + tsc_khz() / 4);
	return true;
}
