// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stop the world. The pauser raises pause_wanted and kicks every vCPU out
 * of KVM_RUN; each vCPU re-enters KVM_RUN once with immediate_exit set, as
 * the KVM API requires, so that an I/O or MMIO exit it was handling is
 * completed and its registers are architecturally consistent; then it
 * parks and is counted. The pause is complete when all are counted.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "clock.h"
#include "pause.h"
#include "singlestep.h"
#include "vcpu.h"

static void complete_pending_exit(struct vcpu *v)
{
	v->run->immediate_exit = 1;
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	ioctl(v->fd, KVM_RUN, 0); /* returns EINTR once the exit is completed */
	atomic_store(&v->last_rip, v->run->s.regs.regs.rip); /* exact while parked */
}

void vcpu_park(struct vcpu *v)
{
	struct vm *vm = v->vm;

	complete_pending_exit(v);
	pthread_mutex_lock(&vm->lock);
	atomic_store(&v->state, VCPU_PAUSED);
	vm->parked++;
	pthread_cond_broadcast(&vm->cond);
	while (atomic_load(&vm->pause_wanted) && !atomic_load(&vm->stopping)) {
		if (v->step_request) {
			pthread_mutex_unlock(&vm->lock);
			singlestep_service(v);
			pthread_mutex_lock(&vm->lock);
			pthread_cond_broadcast(&vm->cond);
			continue;
		}
		pthread_cond_wait(&vm->cond, &vm->lock);
	}
	vm->parked--;
	atomic_store(&v->state, VCPU_RUNNING);
	/* Cleared before the loop looks at pause_wanted again, so a kick
	 * that comes after this point is never lost. */
	v->run->immediate_exit = 0;
	pthread_mutex_unlock(&vm->lock);
}

int vm_pause(struct vm *vm, uint64_t *pause_ns)
{
	uint64_t start = monotonic_ns();
	int err = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_depth++ == 0) {
		vm->stop_began_ns = start;
		atomic_store(&vm->pause_wanted, true);
		vcpus_kick_all(vm);
	}
	while (vm->parked < vm->ncpus && !atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->cond, &vm->lock);
	if (atomic_load(&vm->stopping)) {
		vm->pause_depth--; /* a failed pause leaves nothing to resume */
		err = -ESHUTDOWN;
	}
	pthread_mutex_unlock(&vm->lock);
	if (pause_ns)
		*pause_ns = monotonic_ns() - start;
	return err;
}

int vm_resume_timed(struct vm *vm, uint64_t *stopped_ns)
{
	uint64_t stopped = 0;
	int err = 0;

	pthread_mutex_lock(&vm->lock);
	if (vm->pause_depth == 0) {
		err = -EINVAL; /* resume without a pause */
	} else if (--vm->pause_depth == 0) {
		stopped = monotonic_ns() - vm->stop_began_ns;
		atomic_store(&vm->pause_wanted, false);
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
	if (stopped_ns)
		*stopped_ns = stopped;
	return err;
}

int vm_resume(struct vm *vm)
{
	return vm_resume_timed(vm, NULL);
}

bool vm_pause_held(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	bool held = vm->pause_depth > 0;
	pthread_mutex_unlock(&vm->lock);
	return held;
}

bool vm_is_paused(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	bool paused = vm->pause_depth > 0 && vm->parked == vm->ncpus;
	pthread_mutex_unlock(&vm->lock);
	return paused;
}

int vcpu_check_parked(struct vm *vm, unsigned cpu)
{
	if (cpu >= vm->ncpus)
		return -EINVAL;
	if (vm->pause_depth == 0)
		return -EBUSY;
	while (atomic_load(&vm->vcpus[cpu].state) != VCPU_PAUSED &&
	       !atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->cond, &vm->lock);
	return atomic_load(&vm->stopping) ? -ESHUTDOWN : 0;
}
