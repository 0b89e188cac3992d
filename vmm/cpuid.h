/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_CPUID_H
#define SV_VMM_CPUID_H

/* Gives a vCPU the host's supported CPUID with its own APIC id. */
int cpuid_setup_vcpu(int kvm_fd, int vcpu_fd, unsigned index);

#endif
