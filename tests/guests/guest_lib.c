// SPDX-License-Identifier: GPL-2.0-only
#include "guest.h"

#define UART_THR 0x3f8
#define UART_LSR 0x3fd
#define UART_LSR_THR_EMPTY 0x20

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

size_t guest_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void uart_puts(const char *s)
{
	for (; *s; s++) {
		while (!(inb(UART_LSR) & UART_LSR_THR_EMPTY))
			cpu_relax();
		outb(UART_THR, (uint8_t)*s);
	}
}

bool guest_report(const char *name, bool passed, const char *msg, unsigned line)
{
	struct sv_hc_test_report r = {
		.name = (uintptr_t)name, .name_len = guest_strlen(name),
		.msg = (uintptr_t)msg, .msg_len = msg ? guest_strlen(msg) : 0,
		.passed = passed ? SV_TEST_PASSED : SV_TEST_FAILED,
		.line = passed ? 0 : line,
	};
	sv_hypercall(SV_HC_TEST_REPORT, &r);
	return passed;
}

char *guest_hex(char *buf, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";

	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 0; i < 16; i++)
		buf[2 + i] = digits[(v >> (60 - 4 * i)) & 15];
	buf[18] = '\0';
	return buf;
}
