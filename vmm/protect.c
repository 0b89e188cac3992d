// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write-protected guest-physical ranges. Each range becomes a read-only
 * memslot: reads run natively, writes exit as MMIO with the address, the
 * length and the data, and the range's hook decides whether the write
 * reaches memory. Changing memslots happens with the world stopped.
 */
#include <errno.h>
#include <string.h>

#include "memory.h"
#include "protect.h"

static int free_range_slot(struct vm *vm, uint64_t gpa, uint64_t size)
{
	int free_id = -ENOSPC;

	for (int i = 0; i < VM_PROTECTED_MAX; i++) {
		struct protected_range *r = &vm->protected[i];
		if (!r->in_use) {
			if (free_id < 0)
				free_id = i;
		} else if (gpa < r->gpa + r->size && r->gpa < gpa + size) {
			return -EEXIST;
		}
	}
	return free_id;
}

int vm_protect(struct vm *vm, uint64_t gpa, uint64_t size, vm_write_hook hook,
	       void *opaque)
{
	int id, err;

	if (!hook || size == 0 || (gpa | size) % VM_PAGE_SIZE ||
	    !vm_phys_ptr(vm, gpa, size)) {
		fprintf(stderr, "swapvisor: cannot protect [%#llx, +%#llx): not page-aligned RAM\n",
			(unsigned long long)gpa, (unsigned long long)size);
		return -EINVAL;
	}
	err = vm_pause(vm, NULL);
	if (err)
		return err;
	pthread_mutex_lock(&vm->lock);
	id = free_range_slot(vm, gpa, size);
	if (id >= 0) {
		vm->protected[id] = (struct protected_range){ gpa, size, hook, opaque, true };
		err = vm_memslots_update(vm);
		if (err) {
			vm->protected[id].in_use = false;
			vm_memslots_update(vm);
			id = err;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	vm_resume(vm);
	return id;
}

int vm_unprotect(struct vm *vm, int id)
{
	int err;

	if (id < 0 || id >= VM_PROTECTED_MAX)
		return -EINVAL;
	err = vm_pause(vm, NULL);
	if (err)
		return err;
	pthread_mutex_lock(&vm->lock);
	if (!vm->protected[id].in_use) {
		err = -ENOENT;
	} else {
		vm->protected[id].in_use = false;
		err = vm_memslots_update(vm);
	}
	pthread_mutex_unlock(&vm->lock);
	vm_resume(vm);
	return err;
}

static struct protected_range *find_range(struct vm *vm, uint64_t gpa, unsigned len)
{
	for (unsigned i = 0; i < VM_PROTECTED_MAX; i++) {
		struct protected_range *r = &vm->protected[i];
		if (r->in_use && gpa >= r->gpa && gpa + len <= r->gpa + r->size)
			return r;
	}
	return NULL;
}

void protect_handle_mmio(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint64_t gpa = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	struct protected_range *r;

	if (!run->mmio.is_write) {
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
		return;
	}
	/* The table only changes with every vCPU parked, so no lock here. */
	r = find_range(v->vm, gpa, len);
	if (r && r->hook(r->opaque, v->index, gpa, run->mmio.data, len))
		guest_store(v->vm->ram + gpa, run->mmio.data, len);
}
