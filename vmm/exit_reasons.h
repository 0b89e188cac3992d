/* SPDX-License-Identifier: GPL-2.0-only */
/* The exits the VMM counts per vCPU, named for `status` and crash reports. */
#ifndef SV_VMM_EXIT_REASONS_H
#define SV_VMM_EXIT_REASONS_H

enum exit_reason {
	EXIT_IO,
	EXIT_MMIO,
	EXIT_HLT,
	EXIT_DEBUG,
	EXIT_SHUTDOWN,
	EXIT_INTR,          /* KVM_RUN interrupted by a kick (pause, stop) */
	EXIT_INTERNAL_ERROR,
	EXIT_FAIL_ENTRY,
	EXIT_OTHER,
	EXIT_REASONS
};

const char *exit_reason_name(enum exit_reason reason);

#endif
