// SPDX-License-Identifier: GPL-2.0-only
#include "smoke.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SMOKE_CODE_GPA 0x1000

static int fail(struct smoke_result *res, const char *step)
{
	res->error = -errno;
	res->step = step;
	return -1;
}

static int run_guest(int kvm, int vm, const uint8_t *code, size_t len,
		     struct smoke_result *res)
{
	uint8_t *mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = 0x10000,
		.userspace_addr = (uint64_t)(uintptr_t)mem,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = SMOKE_CODE_GPA, .rflags = 2 };
	struct kvm_run *run;
	int vcpu, run_size;

	if (mem == MAP_FAILED)
		return fail(res, "mmap guest memory");
	memcpy(mem + SMOKE_CODE_GPA, code, len);
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return fail(res, "KVM_SET_USER_MEMORY_REGION");
	if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		return fail(res, "KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail(res, "mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail(res, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail(res, "setting registers");
	if (ioctl(vcpu, KVM_RUN, 0) < 0)
		return fail(res, "KVM_RUN");
	res->exit_reason = run->exit_reason;
	if (run->exit_reason == KVM_EXIT_IO) {
		res->port = run->io.port;
		res->size = run->io.size;
		res->value = *((uint8_t *)run + run->io.data_offset);
	}
	munmap(run, (size_t)run_size);
	close(vcpu);
	munmap(mem, 0x10000);
	return 0;
}

void smoke_run_out(uint16_t port, uint8_t value, struct smoke_result *res)
{
	/* mov al, value; mov dx, port; out dx, al; hlt */
	const uint8_t code[] = { 0xb0, value, 0xba, (uint8_t)port, (uint8_t)(port >> 8),
				 0xee, 0xf4 };
	int kvm, vm;

	memset(res, 0, sizeof(*res));
	if ((kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0) {
		fail(res, "open /dev/kvm");
		return;
	}
	if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
		fail(res, "KVM_CREATE_VM");
	else
		run_guest(kvm, vm, code, sizeof(code), res);
	if (vm >= 0)
		close(vm);
	close(kvm);
}
