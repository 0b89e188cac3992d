/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest side of the hypercall ABI (x86-64). See sv/abi.h. */
#ifndef SV_HYPERCALL_H
#define SV_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* Boot code runs on the identity map, so a kernel pointer below 4 GiB is
 * its guest-physical address. Later layers translate their own. */
static inline int64_t sv_hypercall(unsigned nr, const void *arg)
{
	uint64_t ret = (uint32_t)(uintptr_t)arg;

	__asm__ volatile("outl %k0, %w1"
			 : "+a"(ret)
			 : "Nd"((uint16_t)(SV_HC_BASE + nr))
			 : "memory");
	return (int64_t)ret;
}

static inline int64_t sv_puts(const char *s, size_t len)
{
	struct sv_hc_puts a = { .data = (uintptr_t)s, .len = len };
	return sv_hypercall(SV_HC_PUTS, &a);
}

static inline __attribute__((noreturn)) void sv_exit(uint32_t status)
{
	struct sv_hc_exit a = { .status = status };

	sv_hypercall(SV_HC_EXIT, &a);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static inline uint64_t sv_time_ns(void)
{
	struct sv_hc_time a = { 0 };

	sv_hypercall(SV_HC_TIME, &a);
	return a.ns;
}

#endif
