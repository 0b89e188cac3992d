/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bundle's function replacements as patch sites, and the journal's form
 * of them: each site's entry, its 5 old and new bytes, the old function's
 * range and its replacement's, so that a monitor restarted from the
 * journal alone can check and undo the jumps.
 */
#ifndef SV_PATCHER_BINARY_SITES_H
#define SV_PATCHER_BINARY_SITES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "bundle.h"
#include "guest_image.h"
#include "link.h"
#include "world_stop.h"

#define BINARY_ERR_MAX 1024

/* Plans every function of b (linked as img) against the guest image:
 * the journal's "sites" array, or NULL with err naming the function and
 * why its entry cannot take the jump. `lines` (may be NULL) gets one
 * site_plan_line per function, for the plan the user sees. */
json_t *binary_sites_plan(const struct bundle *b, const struct guest_image *g,
			  const struct patch_image *img, json_t *lines, char err[BINARY_ERR_MAX]);

/* Adds b's callers (.svp.callers) to `sites`: a function no thread may
 * be inside while the jumps go in or out, with no bytes of its own to
 * write. 0, or -1 with err when the kernel has no such function. */
int binary_callers_plan(const struct bundle *b, const struct guest_image *g, json_t *sites,
			json_t *lines, char err[BINARY_ERR_MAX]);

/* What one stop of the world checks and writes for the sites: applying,
 * no thread may be in an old function (unless the bundle lets it finish)
 * and the jumps go in; reverting, no thread may be in a replacement and
 * the original bytes go back. Arrays are the caller's, sized to the
 * number of sites; -1 with err when a site's record is malformed. */
struct binary_stop {
	struct qs_function *fns;
	struct world_write *writes;
	size_t nfns, nwrites;
};
int binary_stop_of(json_t *sites, bool revert, struct binary_stop *out, char err[BINARY_ERR_MAX]);
void binary_stop_free(struct binary_stop *s);

#endif
