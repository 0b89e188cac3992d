/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal to the monitor: the parts of an apply (monitor_apply.c). */
#ifndef SV_PATCHER_MONITOR_APPLY_H
#define SV_PATCHER_MONITOR_APPLY_H

#include "bundle.h"
#include "guest_image.h"
#include "link.h"
#include "monitor.h"

/* Signature, target build-id, dependencies, versions (monitor_verify.c). */
int monitor_verify(struct monitor *m, const struct bundle *b, const struct guest_image *g,
		   json_t *info, char err[MONITOR_ERR_MAX]);

/* Links b into free patch-area space (monitor_place.c). */
int monitor_place(struct monitor *m, const struct bundle *b, const struct guest_image *g,
		  struct patch_image *img, char err[MONITOR_ERR_MAX]);

#endif
