/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_KERNEL_KERNEL_H
#define SV_KERNEL_KERNEL_H

#include <sv/abi.h>

/* Where every CPU goes once the arch layer has brought it up. */
void kernel_main(const struct sv_boot_info *bi, unsigned cpu) __attribute__((noreturn));

/* CPU 0's TSC when it entered the kernel's C code. */
extern uint64_t boot_tsc;

/* The TSC frequency the VMM reported (kHz), for turning time into ticks. */
uint64_t tsc_khz(void);

#endif
