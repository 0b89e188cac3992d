// SPDX-License-Identifier: GPL-2.0-only
/* Names of the counted exits. They are keys of the control protocol's
 * status response, so they are stable identifiers, not prose. */
#include "exit_reasons.h"

static const char *const names[EXIT_REASONS] = {
	[EXIT_IO] = "io",
	[EXIT_MMIO] = "mmio",
	[EXIT_HLT] = "hlt",
	[EXIT_DEBUG] = "debug",
	[EXIT_SHUTDOWN] = "shutdown",
	[EXIT_INTR] = "intr",
	[EXIT_INTERNAL_ERROR] = "internal_error",
	[EXIT_FAIL_ENTRY] = "fail_entry",
	[EXIT_OTHER] = "other",
};

const char *exit_reason_name(enum exit_reason reason)
{
	if ((unsigned)reason >= EXIT_REASONS || !names[reason])
		return "unknown";
	return names[reason];
}
