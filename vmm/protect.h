/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_PROTECT_H
#define SV_VMM_PROTECT_H

#include "vm.h"

/* Handles a KVM_EXIT_MMIO: a write into a protected range goes to its hook;
 * anything else (a guest touching an address with no RAM) reads as ones
 * and writes nowhere. */
void protect_handle_mmio(struct vcpu *v);

#endif
