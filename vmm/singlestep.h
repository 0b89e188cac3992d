/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_SINGLESTEP_H
#define SV_VMM_SINGLESTEP_H

#include "vm.h"

/* Runs on a parked vCPU's own thread: steps v->step_request instructions. */
void singlestep_service(struct vcpu *v);

#endif
