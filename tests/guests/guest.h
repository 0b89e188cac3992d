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

#endif
