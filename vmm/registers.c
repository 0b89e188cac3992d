// SPDX-License-Identifier: GPL-2.0-only
/* Register access for paused vCPUs: KVM serialises these ioctls against
 * KVM_RUN, so touching a running vCPU would block until its next exit and
 * read a state that is already stale. */
#include <errno.h>
#include <sys/ioctl.h>

#include "pause.h"

static int vcpu_ioctl(struct vm *vm, unsigned cpu, unsigned long request, void *arg)
{
	int err;

	pthread_mutex_lock(&vm->lock);
	err = vcpu_check_parked(vm, cpu);
	if (!err && ioctl(vm->vcpus[cpu].fd, request, arg) < 0)
		err = -errno;
	pthread_mutex_unlock(&vm->lock);
	return err;
}

int vcpu_get_regs(struct vm *vm, unsigned cpu, struct kvm_regs *regs)
{
	return vcpu_ioctl(vm, cpu, KVM_GET_REGS, regs);
}

int vcpu_set_regs(struct vm *vm, unsigned cpu, const struct kvm_regs *regs)
{
	return vcpu_ioctl(vm, cpu, KVM_SET_REGS, (void *)regs);
}

int vcpu_get_sregs(struct vm *vm, unsigned cpu, struct kvm_sregs *sregs)
{
	return vcpu_ioctl(vm, cpu, KVM_GET_SREGS, sregs);
}

int vcpu_set_sregs(struct vm *vm, unsigned cpu, const struct kvm_sregs *sregs)
{
	return vcpu_ioctl(vm, cpu, KVM_SET_SREGS, (void *)sregs);
}
