/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_MEMORY_H
#define SV_VMM_MEMORY_H

#include "vm.h"

/* Re-lays out the memslots from the protected ranges and ram_slot_flags.
 * Called with vm->lock held and every vCPU parked. */
int vm_memslots_update(struct vm *vm);

/* Stores len bytes into guest RAM as the guest's own store would land: a
 * naturally aligned 1, 2, 4 or 8 bytes in one access, so a vCPU reading
 * them natively at the same time never sees half of an emulated write. */
void guest_store(void *dst, const void *src, unsigned len);

#endif
