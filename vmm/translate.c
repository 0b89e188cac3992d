// SPDX-License-Identifier: GPL-2.0-only
/* Guest virtual to guest physical through a paused vCPU's own page tables. */
#include <errno.h>

#include "page_walk.h"
#include "vm.h"

int vcpu_translate(struct vm *vm, unsigned cpu, uint64_t gva, uint64_t *gpa)
{
	struct kvm_sregs sregs;
	int err = vcpu_get_sregs(vm, cpu, &sregs);

	if (err)
		return err;
	struct page_walk_ctx ctx = {
		.ram = vm->ram, .ram_size = vm->ram_size,
		.cr0 = sregs.cr0, .cr3 = sregs.cr3, .cr4 = sregs.cr4, .efer = sregs.efer,
	};
	return page_walk(&ctx, gva, gpa, NULL);
}
