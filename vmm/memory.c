// SPDX-License-Identifier: GPL-2.0-only
/* Checked access to guest-physical memory: the one place that turns a
 * guest-supplied address and length into a host pointer. */
#include <errno.h>
#include <string.h>

#include "memory.h"

void *vm_phys_ptr(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

int vm_read_phys(struct vm *vm, uint64_t gpa, void *buf, uint64_t len)
{
	const void *src = vm_phys_ptr(vm, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(buf, src, len);
	return 0;
}

int vm_write_phys(struct vm *vm, uint64_t gpa, const void *buf, uint64_t len)
{
	void *dst = vm_phys_ptr(vm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, buf, len);
	return 0;
}

#define STORE_WHOLE(type, dst, src)                                     \
	do {                                                            \
		type v_;                                                \
		memcpy(&v_, (src), sizeof(v_));                         \
		__atomic_store_n((type *)(dst), v_, __ATOMIC_RELAXED);  \
	} while (0)

void guest_store(void *dst, const void *src, unsigned len)
{
	if ((uintptr_t)dst % len == 0) {
		switch (len) {
		case 1: STORE_WHOLE(uint8_t, dst, src); return;
		case 2: STORE_WHOLE(uint16_t, dst, src); return;
		case 4: STORE_WHOLE(uint32_t, dst, src); return;
		case 8: STORE_WHOLE(uint64_t, dst, src); return;
		}
	}
	memcpy(dst, src, len); /* unaligned or odd-sized: the guest tears it too */
}

int vm_memslots_update(struct vm *vm)
{
	struct gpa_range ranges[VM_PROTECTED_MAX];
	struct memslot_table next;
	unsigned n = 0;
	int err;

	for (unsigned i = 0; i < VM_PROTECTED_MAX; i++)
		if (vm->protected[i].in_use)
			ranges[n++] = (struct gpa_range){ vm->protected[i].gpa,
							  vm->protected[i].size };
	err = memslots_plan(&next, vm->ram_size, ranges, n, vm->ram_slot_flags);
	return err ? err : memslots_install(vm->vm_fd, vm->ram, &vm->slots, &next);
}
