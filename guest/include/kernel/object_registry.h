/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Named single objects (seed 004 §4.3.2: an object with one instance is
 * updated by one hot swap, without a factory). The dynamic-update engine
 * finds the object a patch's sv_patch_object names here, checks the
 * version it was built against and records the version it brought.
 *
 * Names are at most SV_PATCH_NAME_MAX - 1 bytes of [A-Za-z0-9_.-], so they
 * go into JSON as they are. Entries are never removed: a single object
 * lives as long as the kernel.
 */
#ifndef SV_KERNEL_OBJECT_REGISTRY_H
#define SV_KERNEL_OBJECT_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/cobj.h>

#define OBJECT_REGISTRY_MAX 32

/* SV_OK; SV_EINVAL for a malformed name or a NULL id, SV_EEXIST when the
 * name is taken, SV_ENOMEM when the registry is full. */
int object_registry_add(const char *name, coid_t id, uint32_t version);

/* SV_OK with *id and *version filled (either may be NULL), or SV_ENOENT. */
int object_registry_lookup(const char *name, coid_t *id, uint32_t *version);

/* SV_OK, or SV_ENOENT. */
int object_registry_set_version(const char *name, uint32_t version);

/* The objects as a JSON array, [{"name":"...","version":N},...], in out
 * (NUL-terminated): its length, or SV_ENOMEM when cap is too small. */
int object_registry_json(char *out, size_t cap);

#endif
