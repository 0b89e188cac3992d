/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stand-in for swapvisor's control socket as far as the patch monitor
 * uses it (patch-area, update-info, patch-step: docs/control-protocol.md),
 * with a guest update engine reduced to bookkeeping: it reads each
 * module's manifest from the patch area the monitor wrote, and keeps
 * which of its changes are applied, so that a test can run swapctl
 * against it, kill it anywhere, and ask what the guest was left holding.
 * Every step answers SV_OK, except UNLOAD of a module with changes
 * applied (SV_EBUSY, as the guest answers) and steps for unknown handles.
 */
#ifndef SV_TEST_FAKE_VMM_H
#define SV_TEST_FAKE_VMM_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fake_vmm;

/* Serves `socket` on a thread of its own. `kernel` and `key` are what
 * patch-area names (the guest ELF, one trusted public key file);
 * `guest_info` is update-info's starting point (classes, objects and
 * services at their versions); FACTORY answers `tracked` instances. NULL
 * if the socket cannot be served. */
struct fake_vmm *fake_vmm_start(const char *socket, const char *kernel, const char *key,
				const char *guest_info, uint64_t tracked);
void fake_vmm_stop(struct fake_vmm *f);

/* The guest restarted: every module and change gone. */
void fake_vmm_restart(struct fake_vmm *f);

unsigned fake_vmm_modules(struct fake_vmm *f);
/* Changes applied (a class's factory and each instances batch count
 * apart), over every loaded module. */
unsigned fake_vmm_applied(struct fake_vmm *f);
/* "timeout_ms" of the last step named `step` received (0 if it had none). */
uint64_t fake_vmm_last_timeout_ms(struct fake_vmm *f, const char *step);

#ifdef __cplusplus
}
#endif

#endif
