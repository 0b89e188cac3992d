/* SPDX-License-Identifier: GPL-2.0-only */
/* Running the compiler and linker. */
#ifndef SV_SWAP_BUILD_RUN_H
#define SV_SWAP_BUILD_RUN_H

/* Runs argv (NULL-terminated, argv[0] looked up in PATH) with its output
 * going to ours. Returns 0 if it exited 0, else -1; says so itself only
 * when it could not start it (the tool's own output says why it failed). */
int run(char *const argv[]);

#endif
