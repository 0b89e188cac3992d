// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include <sv/abi.h>

#include "io.h"

/* Reads from ports nobody owns float high, as on real hardware. */
static void unowned_port(uint8_t *data, unsigned size, bool out)
{
	if (!out)
		memset(data, 0xff, size);
}

static bool hypercall_port(struct vcpu *v, unsigned nr, bool out,
			   uint8_t *data, unsigned size)
{
	struct kvm_run *run = v->run;
	int64_t ret;
	uint32_t arg;

	if (!out || size != 4) {
		atomic_fetch_add(&v->vm->bad_hypercalls, 1);
		unowned_port(data, size, out);
		return true;
	}
	memcpy(&arg, data, sizeof(arg));
	ret = hypercall(v, nr, arg);
	run->s.regs.regs.rax = (uint64_t)ret;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return !atomic_load(&v->vm->stopping);
}

bool io_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint16_t port = run->io.port;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	bool keep_running = true;

	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		if (port >= UART_BASE && port < UART_BASE + UART_PORTS && run->io.size == 1)
			uart_io(v->vm, port - UART_BASE, out, data);
		else if (port >= SV_HC_BASE && port < SV_HC_BASE + SV_HC_PORTS)
			keep_running = hypercall_port(v, port - SV_HC_BASE, out, data,
						      run->io.size);
		else
			unowned_port(data, run->io.size, out);
	}
	return keep_running;
}
