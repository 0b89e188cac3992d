/* SPDX-License-Identifier: GPL-2.0-only */
/* `swapctl patch ...`: the patch monitor's commands (patcher/monitor.h). */
#ifndef SV_TOOLS_SWAPCTL_PATCH_H
#define SV_TOOLS_SWAPCTL_PATCH_H

#include <stdbool.h>

/* argv[0] is "patch". Returns swapctl's exit status. */
int swapctl_patch(const char *socket, bool json, int argc, char **argv);

#endif
