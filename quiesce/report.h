/* SPDX-License-Identifier: GPL-2.0-only */
/* A consistency report (consistency.h) in words and as JSON. */
#ifndef SV_QUIESCE_REPORT_H
#define SV_QUIESCE_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "consistency.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One blocker in one line:
 *   thread 0x1000 (running on CPU 1) is in f() (frame 0, pc 0x401005)
 *   thread 0x2000 (switched out, CPU 0) has f() on its stack (frame 3, return address 0x401020)
 *   thread 0x3000 (switched out, CPU 0) has a stack that cannot be walked after 2 frames: WHY */
void qs_blocker_line(const struct qs_blocker *b, char *buf, size_t len);

/* Why the monitor is still waiting, after `waits` waits over elapsed_ns:
 * "waited 7 times over 1.9 s for threads 0x1000, 0x2000 to leave f();
 * thread 0x3000 to have a walkable stack". */
void qs_waited_line(const struct qs_report *r, unsigned waits, uint64_t elapsed_ns,
		    char *buf, size_t len);

/* {"clean", "threads", "blockers": [...]}, addresses as "0x..." strings
 * (the control protocol's convention: kernel addresses exceed 2^63); NULL
 * when out of memory. */
json_t *qs_report_json(const struct qs_report *r);

#ifdef __cplusplus
}
#endif

#endif
