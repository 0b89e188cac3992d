// SPDX-License-Identifier: GPL-2.0-only
/* The counters the ring serves: distributed, since every CPU's requests
 * add to them and reads are rare. */
#include <kernel/counter.h>
#include <kernel/services.h>

static coid_t counters[SV_COUNTERS];

int counter_service_init(void)
{
	for (unsigned i = 0; i < SV_COUNTERS; i++) {
		counters[i] = counter_create_distributed();
		if (!counters[i])
			return SV_ENOMEM;
	}
	return SV_OK;
}

int64_t counter_service_add(unsigned counter, int64_t n)
{
	counter_add(counters[counter], n);
	return counter_value(counters[counter]);
}

int64_t counter_service_value(unsigned counter)
{
	return counter_value(counters[counter]);
}
