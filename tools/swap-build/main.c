// SPDX-License-Identifier: GPL-2.0-only
/* swap-build: patch sources to a signed bundle (docs/patch-bundles.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "build.h"
#include "keys.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: swap-build --guest KERNEL.elf [--sign KEY] -o OUT.svp SOURCE...\n"
		"       swap-build --keygen PREFIX\n"
		"Compiles the patch sources with the guest kernel's own flags and headers,\n"
		"links them into one bundle for KERNEL.elf's build-id, checks that it would\n"
		"load (manifest, symbols, relocations) and, with --sign, signs it with the\n"
		"secret key file KEY. --keygen writes PREFIX.key (secret, mode 0600) and\n"
		"PREFIX.pub.\n");
}

static int keygen(const char *prefix)
{
	char err[1024];

	if (key_generate(prefix, err, sizeof(err))) {
		fprintf(stderr, "swap-build: %s\n", err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "guest", required_argument, NULL, 'g' },
		{ "sign", required_argument, NULL, 's' },
		{ "keygen", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct build_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'g': o.guest = optarg; break;
		case 's': o.key = optarg; break;
		case 'o': o.output = optarg; break;
		case 'k': return optind == argc ? keygen(optarg) : (usage(stderr), 2);
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	o.sources = argv + optind;
	o.nsources = argc - optind;
	if (!o.guest || !o.output || !o.nsources) {
		usage(stderr);
		return 2;
	}
	return build_bundle(&o) ? 1 : 0;
}
