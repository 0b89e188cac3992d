/* SPDX-License-Identifier: GPL-2.0-only */
/* Building one bundle from patch sources (see swap-build's usage). */
#ifndef SV_SWAP_BUILD_BUILD_H
#define SV_SWAP_BUILD_BUILD_H

struct build_opts {
	const char *guest;          /* the guest kernel ELF the patch is for */
	const char *key;            /* secret key file; NULL: leave unsigned */
	const char *output;         /* the .svp to write */
	char *const *sources;
	int nsources;
};

/* Returns 0, or -1 after saying on stderr what failed, naming the file. */
int build_bundle(const struct build_opts *o);

#endif
