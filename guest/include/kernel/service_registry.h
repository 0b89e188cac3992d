/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Patched-in services (sv/patch.h's sv_patch_service): the request ring's
 * SV_OP_CALL reaches them by name. A patch publishes its services here
 * and takes them out again on revert or unload.
 *
 * Calls are served on ordinary (counted) threads, a thread per request, so
 * once a service is taken out, thread generations tell when no call can
 * still be in its serve: every thread alive at the removal has ended. Only
 * then may the code and record of the service go (module unload).
 */
#ifndef SV_KERNEL_SERVICE_REGISTRY_H
#define SV_KERNEL_SERVICE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>
#include <sv/ring.h>

#define SERVICE_REGISTRY_MAX 32

/* Publishes `svc` (the record itself is kept, not a copy: it must stay
 * until its removal has completed). SV_OK; SV_EINVAL for a NULL serve or
 * a name empty or not terminated within SV_PATCH_NAME_MAX; SV_EEXIST when
 * the name is taken; SV_ENOMEM when the registry is full. */
int service_registry_add(const struct sv_patch_service *svc);

/* A service built into the kernel image rather than patched in: the
 * linker gathers the records in section .sv_services (kernel.ld's
 * __sv_services_start .. __sv_services_end), and services start-up
 * publishes each. The production kernel defines none; the test kernel's
 * serve the binary-patching tests (tests/guest/hold_target.c). */
#define SV_BUILTIN_SERVICE(tag, name_, serve_)                                \
	static const struct sv_patch_service sv_builtin_service_##tag         \
		__attribute__((used, section(".sv_services"), aligned(8))) = { \
			.name = name_, .serve = (serve_)                      \
		}

/* Publishes every built-in service: SV_OK, or the first error of
 * service_registry_add after a message naming the service. */
int service_registry_add_builtins(void);

/* Takes service `name` out: calls from now on answer SV_ENOENT. Once no
 * thread can be inside its serve any more, removed(arg) runs (with
 * interrupts off, on any CPU: keep it short, e.g. wake a thread). SV_OK,
 * SV_ENOENT, or SV_ENOMEM (nothing was removed). */
int service_registry_remove(const char *name, void (*removed)(void *arg), void *arg);

/* The same, returning only once no thread can be inside the serve: for
 * daemon threads (an ordinary thread would wait for itself), SV_EINVAL
 * from any other. */
int service_registry_remove_wait(const char *name);

/* The service published as name[0 .. len), or NULL. The record stays
 * valid until the calling thread ends, if that is an ordinary thread. */
const struct sv_patch_service *service_registry_lookup(const char *name, size_t len);

/* Calls fn on each published service's name (with the registry's lock
 * held and interrupts off: fn must not block). */
void service_registry_for_each(void (*fn)(const char *name, void *arg), void *arg);

/* SV_OP_CALL: serves the request with the service its path names;
 * SV_ENOENT when none is published under that name. */
int service_registry_call(const struct sv_ring_req *req, uint8_t *data,
			  struct sv_ring_resp *resp);

#endif
