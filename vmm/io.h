/* SPDX-License-Identifier: GPL-2.0-only */
/* Port I/O: the 8250 console and the hypercall ports. */
#ifndef SV_VMM_IO_H
#define SV_VMM_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* Handles a KVM_EXIT_IO; returns false when the vCPU must stop. */
bool io_handle_exit(struct vcpu *v);

/* The 8250 UART (uart.c); one per VM, output to vm->console. */
#define UART_BASE 0x3f8
#define UART_PORTS 8
void uart_io(struct vm *vm, uint16_t offset, bool out, uint8_t *data);

/* Hypercalls (hypercall.c): returns the value for the guest's rax. */
int64_t hypercall(struct vcpu *v, unsigned nr, uint32_t arg_gpa);

#endif
