// SPDX-License-Identifier: GPL-2.0-only
#include "cpuid.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_ENTRIES_MAX 256
#define CPUID_FEATURE_HYPERVISOR (1u << 31) /* leaf 1 ecx */

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) +
					  CPUID_ENTRIES_MAX * sizeof(cpuid->entries[0]));

	if (!cpuid)
		return NULL;
	cpuid->nent = CPUID_ENTRIES_MAX;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		fprintf(stderr, "swapvisor: KVM_GET_SUPPORTED_CPUID: %s\n", strerror(errno));
		free(cpuid);
		return NULL;
	}
	return cpuid;
}

static void set_apic_id(struct kvm_cpuid_entry2 *e, unsigned index)
{
	switch (e->function) {
	case 1:
		e->ebx = (e->ebx & 0x00ffffffu) | (index << 24);
		e->ecx |= CPUID_FEATURE_HYPERVISOR;
		break;
	case 0xb:
	case 0x1f:
		e->edx = index; /* x2APIC id */
		break;
	}
}

int cpuid_setup_vcpu(int kvm_fd, int vcpu_fd, unsigned index)
{
	struct kvm_cpuid2 *cpuid = supported_cpuid(kvm_fd);
	int err = 0;

	if (!cpuid)
		return -ENOMEM;
	for (unsigned i = 0; i < cpuid->nent; i++)
		set_apic_id(&cpuid->entries[i], index);
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		err = -errno;
		fprintf(stderr, "swapvisor: vCPU %u: KVM_SET_CPUID2: %s\n", index,
			strerror(errno));
	}
	free(cpuid);
	return err;
}
