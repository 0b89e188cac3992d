/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_PAUSE_H
#define SV_VMM_PAUSE_H

#include "vm.h"

/* Called on a vCPU thread when a pause is wanted: completes any pending
 * I/O, acknowledges, and waits (serving single-step requests) until the
 * world resumes or stops. */
void vcpu_park(struct vcpu *v);

/* Waits until vcpu `cpu` is parked and not stepping; -EBUSY if the VM is not paused, -EINVAL
 * for a CPU index it does not have. Called with vm->lock held. */
int vcpu_check_parked(struct vm *vm, unsigned cpu);

#endif
