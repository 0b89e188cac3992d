/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_PANIC_H
#define SV_KERNEL_PANIC_H

#include <stdint.h>

/* Prints the message and a frame-pointer backtrace, then ends the VM
 * through the panic hypercall (the VMM names each frame's function and
 * exits with its panic status). Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* The same, starting the backtrace at a given frame (trap handlers). */
void panic_at(uint64_t rbp, uint64_t rip, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (cond)                                                     \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
