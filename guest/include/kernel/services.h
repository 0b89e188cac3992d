/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's services, started once by CPU 0: the counters and the file
 * system behind the request ring, then the ring's dispatchers.
 */
#ifndef SV_KERNEL_SERVICES_H
#define SV_KERNEL_SERVICES_H

#include <sv/abi.h>
#include <sv/ring.h>

/* 0, or a negative SV_E* code after a message naming what failed. */
int services_start(const struct sv_boot_info *bi);

/* The counters served by SV_OP_COUNTER_*: distributed clustered objects. */
int counter_service_init(void);
int64_t counter_service_add(unsigned counter, int64_t n);
int64_t counter_service_value(unsigned counter);

#endif
