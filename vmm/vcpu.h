/* SPDX-License-Identifier: GPL-2.0-only */
/* vCPU threads and their exit loop. */
#ifndef SV_VMM_VCPU_H
#define SV_VMM_VCPU_H

#include <stdio.h>

#include "vm.h"

int vcpus_create(struct vm *vm);
int vcpus_start(struct vm *vm);
void vcpus_join(struct vm *vm);
void vcpus_destroy(struct vm *vm);

/* Makes every vCPU leave KVM_RUN soon (pause, stop). */
void vcpus_kick_all(struct vm *vm);

/* One KVM_RUN on the calling vCPU thread; returns the exit reason or -1
 * when KVM_RUN itself failed. */
int vcpu_run_once(struct vcpu *v);

/* Handles one exit; returns false when the vCPU must stop running. */
bool vcpu_handle_exit(struct vcpu *v, int reason);

void vcpu_dump(struct vcpu *v, FILE *out);
void vcpus_dump_all(struct vm *vm, FILE *out);

#endif
