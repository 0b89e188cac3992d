/* SPDX-License-Identifier: GPL-2.0-only */
/* swapctl's human-readable rendering of control responses. */
#ifndef SV_TOOLS_SWAPCTL_FORMAT_H
#define SV_TOOLS_SWAPCTL_FORMAT_H

#include <jansson.h>
#include <stdio.h>

/* Prints the successful response `resp` to command `cmd` ("status",
 * "regs", ...) for a person to read. */
void swapctl_format(const char *cmd, json_t *resp, FILE *out);

#endif
