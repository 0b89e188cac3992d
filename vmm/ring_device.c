// SPDX-License-Identifier: GPL-2.0-only
/*
 * Doorbells of the request ring. Host to guest: an MSI route per queue
 * (fixed delivery to the queue's CPU, whose x2APIC id is its index) and an
 * irqfd on it. Guest to host: an ioeventfd on the queue's port, so the
 * guest's `outl` costs one exit into KVM and never reaches the exit loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ring_device.h"
#include "vm.h"

#define RING_GSI_BASE 24u /* above the IOAPIC pins KVM's default routes use */
#define MSI_ADDRESS 0xfee00000u

static unsigned queue_cpu(const struct vm *vm, unsigned q)
{
	return q < vm->ncpus ? q : 0; /* the control queue is CPU 0's */
}

static unsigned queue_vector(const struct vm *vm, unsigned q)
{
	return q < vm->ncpus ? SV_RING_VECTOR : SV_RING_CTL_VECTOR;
}

static int set_msi_routes(struct vm *vm)
{
	unsigned n = vm->ring.nqueues;
	struct kvm_irq_routing *r = calloc(1, sizeof(*r) + n * sizeof(r->entries[0]));
	int err = 0;

	if (!r)
		return -ENOMEM;
	r->nr = n;
	for (unsigned q = 0; q < n; q++) {
		r->entries[q] = (struct kvm_irq_routing_entry){
			.gsi = RING_GSI_BASE + q,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = { .address_lo = MSI_ADDRESS | queue_cpu(vm, q) << 12,
				   .data = queue_vector(vm, q) },
		};
	}
	if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, r) < 0)
		err = -errno;
	free(r);
	return err;
}

static int wire_queue(struct vm *vm, unsigned q)
{
	struct ring_device *d = &vm->ring;
	struct kvm_irqfd irqfd = { .gsi = RING_GSI_BASE + q };
	struct kvm_ioeventfd ioev = {
		.addr = SV_RING_PORT_BASE + q, .len = 4, .flags = KVM_IOEVENTFD_FLAG_PIO,
	};

	d->kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->kick_fd[q] < 0 || d->call_fd[q] < 0)
		return -errno;
	irqfd.fd = (uint32_t)d->kick_fd[q];
	ioev.fd = d->call_fd[q];
	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd) < 0 ||
	    ioctl(vm->vm_fd, KVM_IOEVENTFD, &ioev) < 0)
		return -errno;
	return 0;
}

int ring_device_setup(struct vm *vm, unsigned nqueues)
{
	struct ring_device *d = &vm->ring;
	int err;

	d->nqueues = nqueues;
	for (unsigned q = 0; q < SV_RING_QUEUES_MAX; q++)
		d->kick_fd[q] = d->call_fd[q] = -1;
	err = set_msi_routes(vm);
	if (err) {
		fprintf(stderr, "swapvisor: request ring: routing %u MSIs: %s\n",
			d->nqueues, strerror(-err));
		return err;
	}
	for (unsigned q = 0; q < d->nqueues; q++) {
		err = wire_queue(vm, q);
		if (err) {
			fprintf(stderr, "swapvisor: request ring: queue %u (port %#x): %s\n",
				q, SV_RING_PORT_BASE + q, strerror(-err));
			return err;
		}
	}
	return 0;
}

void ring_device_teardown(struct vm *vm)
{
	for (unsigned q = 0; q < vm->ring.nqueues; q++) {
		if (vm->ring.kick_fd[q] >= 0)
			close(vm->ring.kick_fd[q]);
		if (vm->ring.call_fd[q] >= 0)
			close(vm->ring.call_fd[q]);
	}
	vm->ring.nqueues = 0;
}

uint64_t ring_queue_gpa(const struct vm *vm, unsigned q)
{
	return vm->ring_base + (uint64_t)q * sizeof(struct sv_ring_queue);
}

/* Only the control thread lends and takes back, so a flag suffices. */
bool ring_device_lend(struct vm *vm)
{
	if (vm->ring.lent)
		return false;
	vm->ring.lent = true;
	return true;
}

void ring_device_return(struct vm *vm)
{
	vm->ring.lent = false;
}
