/* SPDX-License-Identifier: GPL-2.0-only */
/* The little runtime test guests share: console, reports, barriers. */
#ifndef SV_TEST_GUEST_H
#define SV_TEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/abi.h>
#include <sv/hypercall.h>

void guest_main(const struct sv_boot_info *bi, uint32_t cpu);

size_t guest_strlen(const char *s);
void uart_puts(const char *s);
/* Reports one check to the host; returns `passed`. */
bool guest_report(const char *name, bool passed, const char *msg, unsigned line);
/* Formats an unsigned number in hex into buf (at least 19 bytes). */
char *guest_hex(char *buf, uint64_t v);

#define GUEST_CHECK(name, cond) guest_report(name, (cond), #cond, __LINE__)

static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}

/* The time-stamp counter, after every earlier instruction has finished. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif
