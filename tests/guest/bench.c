// SPDX-License-Identifier: GPL-2.0-only
#include <arch/cpu.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/printf.h>
#include <kernel/smp.h>

#include "bench.h"

void bench_ratio(char *buf, size_t size, uint64_t x, uint64_t unit)
{
	snprintf(buf, size, "%llu.%04llu", (unsigned long long)(x / unit),
		 (unsigned long long)(x % unit * 10000 / unit));
}

void bench_us(char *buf, size_t size, uint64_t cycles)
{
	/* cycles / (kHz / 1000): a kHz of TSC is a thousand cycles per ms. */
	bench_ratio(buf, size, cycles * 1000, tsc_khz());
}

unsigned bench_other_cpu(void)
{
	return cpus_online() > 1 ? 1 : 0;
}

static void nothing(void *arg)
{
	(void)arg;
}

uint64_t bench_ipi_round_trip(unsigned rounds)
{
	uint64_t start = rdtsc();

	for (unsigned i = 0; i < rounds; i++)
		smp_call_by_ipi(bench_other_cpu(), nothing, NULL);
	return (rdtsc() - start) / rounds;
}

/* Insertion sort: benchmarks keep a few hundred samples at most. */
static void sort_samples(uint64_t *samples, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t v = samples[i];
		unsigned j = i;

		for (; j > 0 && samples[j - 1] > v; j--)
			samples[j] = samples[j - 1];
		samples[j] = v;
	}
}

struct bench_spread bench_spread_of(uint64_t *samples, unsigned n)
{
	sort_samples(samples, n);
	return (struct bench_spread){
		.median = samples[n / 2],
		.p99 = samples[(99 * n + 99) / 100 - 1], /* rank ceil(0.99 n) */
		.max = samples[n - 1],
	};
}
