/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bundle's mirrored globals (LUCOS's mirrors): each old global of the
 * running kernel gets the bundle's new-layout copy, built from it through
 * the field map the DWARF of both sides gives (field_map.h), and the two
 * are kept in step by the VMM, which traps every write to either copy
 * (control protocol, mirror-start), until no thread that started on the
 * old code is left (the guest's QUIESCE step).
 *
 * The journal's form of a bundle's mirrors, "mirrors": [{"name", "old",
 * "new" (guest-virtual addresses), "old_size", "new_size", "copies":
 * [[old_off, new_off, len], ...]}], is all a restarted monitor needs.
 *
 * The monitor's steps:
 *   mirror      start every mirror, before the jumps send new code to the
 *               new copies; reverted by stopping them
 *   mirror-end  QUIESCE, then stop every mirror, reporting the trapped
 *               writes; reverted by mirroring again the other way, the
 *               old copy rebuilt from the new one, until the jumps are
 *               taken out
 */
#ifndef SV_PATCHER_BINARY_MIRRORS_H
#define SV_PATCHER_BINARY_MIRRORS_H

#include <jansson.h>

#include "binary_sites.h"
#include "monitor.h"

/* The journal's "mirrors" array for b, or NULL with err (a global the
 * kernel does not have, a copy the bundle does not define, a field map
 * that refuses the change). `lines` (may be NULL) gets a line each. */
json_t *binary_mirrors_plan(const struct bundle *b, const struct guest_image *g,
			    const struct patch_image *img, json_t *lines, char err[BINARY_ERR_MAX]);

/* Runs a "mirror" or "mirror-end" step (or its revert) of patch `handle`;
 * *answer like a guest step's. -1 with err when it could not be tried. */
int monitor_mirror_step(struct monitor *m, json_t *step, json_t **answer,
			char err[MONITOR_ERR_MAX]);

#endif
