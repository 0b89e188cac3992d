/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_TEST_SMOKE_H
#define SV_TEST_SMOKE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct smoke_result {
	int error;          /* 0, or -errno of the step that failed */
	const char *step;   /* the failing step, for the message */
	uint32_t exit_reason;
	uint16_t port;
	uint8_t value;
	uint32_t size;
};

/* Creates a VM with one vCPU in real mode, runs `mov al, value; out port,
 * al; hlt` and reports the first exit. No swapvisor code involved: this
 * proves the machine (or the sandbox) gives a working /dev/kvm. */
void smoke_run_out(uint16_t port, uint8_t value, struct smoke_result *res);

#ifdef __cplusplus
}
#endif

#endif
