/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The request ring's doorbells (sv/ring.h), as KVM wires them without a
 * trip through this process: per queue, an irqfd whose eventfd a host
 * client writes to send the guest the queue's MSI, and an ioeventfd that
 * becomes readable when the guest writes the queue's doorbell port.
 *
 * The service queues (one per vCPU) are lent to one client at a time (a
 * load generator, through the control socket's ring-attach); the control
 * queue stays with the VMM.
 */
#ifndef SV_VMM_RING_DEVICE_H
#define SV_VMM_RING_DEVICE_H

#include <stdbool.h>

#include <sv/ring.h>

struct vm;
struct ring_client;

struct ring_device {
	unsigned nqueues;                /* vCPUs, then the control queue */
	int kick_fd[SV_RING_QUEUES_MAX]; /* write 1: the guest gets the MSI */
	int call_fd[SV_RING_QUEUES_MAX]; /* readable: the guest rang */
	bool lent;                       /* service queues attached to a client */
	struct ring_client *control;     /* the control queue's, once used */
};

/* Called by vm_load_kernel once it has placed the ring (vm->ring_base):
 * creates the eventfds of `nqueues` queues and registers them with KVM.
 * 0 or a negative errno, after a message. */
int ring_device_setup(struct vm *vm, unsigned nqueues);
void ring_device_teardown(struct vm *vm);

/* The guest-physical address of queue q. */
uint64_t ring_queue_gpa(const struct vm *vm, unsigned q);

/* Lends the service queues to one client: false when another has them. */
bool ring_device_lend(struct vm *vm);
void ring_device_return(struct vm *vm);

#endif
