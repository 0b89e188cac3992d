/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SV_VMM_KVM_CAPS_H
#define SV_VMM_KVM_CAPS_H

/* Checks the KVM API version and every capability swapvisor relies on;
 * names each one that is missing. */
int kvm_check_caps(int kvm_fd);

#endif
