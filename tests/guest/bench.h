/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the guest benchmarks (SV_BENCH). */
#ifndef SV_TESTS_GUEST_BENCH_H
#define SV_TESTS_GUEST_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* x / unit as a decimal with four places (printk has no floating point). */
void bench_ratio(char *buf, size_t size, uint64_t x, uint64_t unit);

#endif
