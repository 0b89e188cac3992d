/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the guest benchmarks (SV_BENCH). */
#ifndef SV_TESTS_GUEST_BENCH_H
#define SV_TESTS_GUEST_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* x / unit as a decimal with four places (printk has no floating point). */
void bench_ratio(char *buf, size_t size, uint64_t x, uint64_t unit);

/* TSC cycles as microseconds with four places (tsc_khz() must be known). */
void bench_us(char *buf, size_t size, uint64_t cycles);

/* The CPU the benchmarks send IPIs to: CPU 1, or CPU 0 itself on a
 * 1-vCPU guest (then every IPI is a self-IPI). */
unsigned bench_other_cpu(void);

/* One IPI round trip in TSC cycles (smp_call_by_ipi of an empty function
 * to bench_other_cpu()), averaged over `rounds`: the unit the benchmarks
 * express kernel costs in. */
uint64_t bench_ipi_round_trip(unsigned rounds);

/* Order statistics of a set of samples (nearest rank). */
struct bench_spread {
	uint64_t median, p99, max;
};

/* Sorts samples[0 .. n-1] (n > 0) in place and reads off the spread. */
struct bench_spread bench_spread_of(uint64_t *samples, unsigned n);

#endif
