// SPDX-License-Identifier: GPL-2.0-only
/*
 * All-or-nothing writes of guest memory while the world is stopped. A
 * patcher decides what to write from what it read during the pause; if
 * anything changed since (another tool, a stale plan), writing part of a
 * patch would leave the guest half-patched, so every write is checked
 * before the first is made. vm->lock is held throughout, so no resume can
 * let a vCPU run between the check and the writes.
 */
#include <errno.h>
#include <string.h>

#include "memory.h"

/* Paused, and no vCPU single-stepping (a stepping vCPU counts as parked
 * but runs guest code). Called with vm->lock held. */
static bool world_stopped(struct vm *vm)
{
	if (vm->pause_depth == 0 || vm->parked < vm->ncpus || atomic_load(&vm->stopping))
		return false;
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (atomic_load(&vm->vcpus[i].state) != VCPU_PAUSED)
			return false;
	return true;
}

static int check_all(struct vm *vm, const struct phys_write *writes, unsigned n,
		     unsigned *bad)
{
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *at = vm_phys_ptr(vm, writes[i].gpa, writes[i].len);

		*bad = i;
		if (!at)
			return -EFAULT;
		if (memcmp(at, writes[i].old_bytes, writes[i].len))
			return -ESTALE;
	}
	return 0;
}

int vm_write_if_unchanged(struct vm *vm, const struct phys_write *writes, unsigned n,
			  unsigned *bad)
{
	int err = -EBUSY;

	*bad = 0;
	pthread_mutex_lock(&vm->lock);
	if (world_stopped(vm))
		err = check_all(vm, writes, n, bad);
	for (unsigned i = 0; !err && i < n; i++)
		memcpy(vm->ram + writes[i].gpa, writes[i].new_bytes, writes[i].len);
	pthread_mutex_unlock(&vm->lock);
	return err;
}
