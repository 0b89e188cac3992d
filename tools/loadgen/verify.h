/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks one answer against what its task's step says it must be. */
#ifndef SV_LOADGEN_VERIFY_H
#define SV_LOADGEN_VERIFY_H

#include <stddef.h>

#include "shadow.h"
#include "task.h"
#include "verdict.h"

#define LG_WHY_MAX 256

/* Whether resp and its data (resp->len bytes, already within bounds) are
 * right for step s of t (a checksum's verdict says which sum it was); if
 * wrong, why says what differs, naming the file. */
enum lg_verdict lg_verify(const struct lg_shadow *sh, const struct lg_task *t,
			  const struct lg_step *s, const struct sv_ring_resp *resp,
			  const uint8_t *data, char why[LG_WHY_MAX]);

#endif
