/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_MEMORY_H
#define SV_VMM_MEMORY_H

#include "vm.h"

/* Re-lays out the memslots from the protected ranges and ram_slot_flags.
 * Called with vm->lock held and every vCPU parked. */
int vm_memslots_update(struct vm *vm);

#endif
