// SPDX-License-Identifier: GPL-2.0-only
#include <kernel/printf.h>

#include "bench.h"

void bench_ratio(char *buf, size_t size, uint64_t x, uint64_t unit)
{
	snprintf(buf, size, "%llu.%04llu", (unsigned long long)(x / unit),
		 (unsigned long long)(x % unit * 10000 / unit));
}
