/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_KERNEL_H
#define SV_KERNEL_KERNEL_H

#include <sv/abi.h>

/* Where every CPU goes once the arch layer has brought it up. */
void kernel_main(const struct sv_boot_info *bi, unsigned cpu) __attribute__((noreturn));

/* The TSC frequency the VMM reported (kHz), for turning time into ticks. */
uint64_t tsc_khz(void);

#endif
