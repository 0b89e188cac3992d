// SPDX-License-Identifier: GPL-2.0-only
/*
 * Single-stepping a paused vCPU. The request is handed to the vCPU's own
 * thread (KVM_RUN must run there); it enables KVM's single-step with
 * interrupts blocked, so a step is one guest instruction and never a trip
 * into an interrupt handler, and counts one debug exit per instruction.
 * Exits in between (a hypercall, a protected write) are handled as usual.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "pause.h"
#include "singlestep.h"
#include "vcpu.h"

static int set_stepping(struct vcpu *v, bool on)
{
	struct kvm_guest_debug dbg = { 0 };

	if (on)
		dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP |
			      KVM_GUESTDBG_BLOCKIRQ;
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		fprintf(stderr, "swapvisor: vCPU %u: KVM_SET_GUEST_DEBUG: %s\n",
			v->index, strerror(errno));
		return -errno;
	}
	return 0;
}

static int step(struct vcpu *v, unsigned n)
{
	unsigned done = 0;

	while (done < n) {
		int reason = vcpu_run_once(v);

		if (reason < 0)
			return -EIO;
		if (atomic_load(&v->vm->stopping))
			return -ESHUTDOWN;
		if (reason == EXIT_DEBUG)
			done++;
		else if (!vcpu_handle_exit(v, reason))
			return -ESHUTDOWN;
	}
	return 0;
}

void singlestep_service(struct vcpu *v)
{
	int err;

	atomic_store(&v->state, VCPU_STEPPING);
	v->run->immediate_exit = 0;
	err = set_stepping(v, true);
	if (!err)
		err = step(v, v->step_request);
	set_stepping(v, false);

	pthread_mutex_lock(&v->vm->lock);
	v->step_result = err;
	v->step_request = 0;
	atomic_store(&v->state, VCPU_PAUSED);
	pthread_mutex_unlock(&v->vm->lock);
}

int vcpu_single_step(struct vm *vm, unsigned cpu, unsigned n, uint64_t *rip)
{
	struct vcpu *v;
	int err;

	if (n == 0)
		return -EINVAL;
	pthread_mutex_lock(&vm->lock);
	err = vcpu_check_parked(vm, cpu);
	if (!err) {
		v = &vm->vcpus[cpu];
		v->step_request = n;
		pthread_cond_broadcast(&vm->cond);
		while (v->step_request && !atomic_load(&vm->stopping))
			pthread_cond_wait(&vm->cond, &vm->lock);
		err = v->step_request ? -ESHUTDOWN : v->step_result;
		if (rip)
			*rip = atomic_load(&v->last_rip);
	}
	pthread_mutex_unlock(&vm->lock);
	return err;
}
