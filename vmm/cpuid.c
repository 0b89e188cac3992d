// SPDX-License-Identifier: GPL-2.0-only
#include "cpuid.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_ENTRIES_MAX 256
#define CPUID_FEATURE_HYPERVISOR (1u << 31)   /* leaf 1 ecx */
#define CPUID_FEATURE_TSC_DEADLINE (1u << 24) /* leaf 1 ecx */

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

/* KVM emulates the TSC-deadline timer in its LAPIC whatever the host
 * has, but leaves advertising it to user space. */
static void adjust_entry(struct kvm_cpuid_entry2 *e, unsigned index, bool tsc_deadline)
{
	switch (e->function) {
	case 1:
		e->ebx = (e->ebx & 0x00ffffffu) | (index << 24);
		e->ecx |= CPUID_FEATURE_HYPERVISOR;
		if (tsc_deadline)
			e->ecx |= CPUID_FEATURE_TSC_DEADLINE;
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
	bool tsc_deadline = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;

	for (unsigned i = 0; i < cpuid->nent; i++)
		adjust_entry(&cpuid->entries[i], index, tsc_deadline);
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		err = -errno;
		fprintf(stderr, "swapvisor: vCPU %u: KVM_SET_CPUID2: %s\n", index,
			strerror(errno));
	}
	free(cpuid);
	return err;
}
