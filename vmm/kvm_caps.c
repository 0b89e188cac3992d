// SPDX-License-Identifier: GPL-2.0-only
#include "kvm_caps.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <sys/ioctl.h>

static const struct {
	int cap;
	const char *name;
	const char *needed_for;
} required[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "guest RAM" },
	{ KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM", "write-protected ranges" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", "LAPIC timer and IPIs" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE", "starting every vCPU at once" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", "CPUID with per-vCPU APIC ids" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "pausing vCPUs" },
	{ KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS", "hypercall results in rax" },
	{ KVM_CAP_SET_GUEST_DEBUG, "KVM_CAP_SET_GUEST_DEBUG", "single-stepping" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", "x86 setup" },
};

int kvm_check_caps(int kvm_fd)
{
	int version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	int missing = 0;

	if (version != KVM_API_VERSION) {
		fprintf(stderr, "swapvisor: KVM API version %d, need %d\n",
			version, KVM_API_VERSION);
		return -ENOTSUP;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, required[i].cap) > 0)
			continue;
		fprintf(stderr, "swapvisor: KVM lacks %s (needed for %s)\n",
			required[i].name, required[i].needed_for);
		missing++;
	}
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) > 0 &&
	    !(ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) & KVM_SYNC_X86_REGS)) {
		fprintf(stderr, "swapvisor: KVM_CAP_SYNC_REGS lacks KVM_SYNC_X86_REGS\n");
		missing++;
	}
	return missing ? -ENOTSUP : 0;
}
