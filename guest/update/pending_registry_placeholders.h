/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PLACEHOLDERS, deleted at merge: the named object registry and the
 * registry of patched-in services are being written in another branch,
 * under these names. The update engine is coded against them; these
 * minimal versions only keep this branch building and testable.
 */
#ifndef SV_UPDATE_PENDING_REGISTRY_PLACEHOLDERS_H
#define SV_UPDATE_PENDING_REGISTRY_PLACEHOLDERS_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/cobj.h>
#include <sv/patch.h>

int object_registry_add(const char *name, coid_t id, uint32_t version);
/* 0 and the object's COID and version, or SV_ENOENT. */
int object_registry_lookup(const char *name, coid_t *id, uint32_t *version);
int object_registry_set_version(const char *name, uint32_t version);
/* A JSON array of {"name","version"}: its length, or SV_ENOMEM. */
int object_registry_json(char *out, size_t cap);

int service_registry_add(const struct sv_patch_service *svc);
void service_registry_remove(const struct sv_patch_service *svc);
/* Whether no thread is still inside a removed service. */
int service_registry_idle(const struct sv_patch_service *svc);
/* Calls fn on each published service's name. */
void service_registry_for_each(void (*fn)(const char *name, void *arg), void *arg);

#endif
