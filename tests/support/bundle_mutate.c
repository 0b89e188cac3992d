// SPDX-License-Identifier: GPL-2.0-only
/*
 * bundle-mutate: a bundle damaged in exactly one way, for the tests of
 * what the monitor refuses (tests/patches/meson.build makes them at build
 * time). swap-build refuses to write a bundle the patcher would refuse,
 * so these can only be made from a good one afterwards:
 *
 *   bundle-mutate [--sign KEY] IN OUT EDIT [ARG...]
 *
 *   flip SECTION        one byte of SECTION's contents inverted
 *   truncate            only the first half of the file kept
 *   reloc SECTION TYPE  the first relocation of SECTION (a .rela section)
 *                       given relocation type TYPE (a number)
 *   offset SECTION OFF  SECTION's header says its contents are at OFF
 *
 * --sign KEY signs the result again (KEY a swap-build secret key), so
 * that what the edit broke is the only thing wrong with it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "bundle_edit.h"
#include "keys.h"
#include "signature.h"
#include "whole_file.h"

#define ERR_MAX 1024

static int usage(void)
{
	fputs("usage: bundle-mutate [--sign KEY] IN OUT flip SECTION | truncate | "
	      "reloc SECTION TYPE | offset SECTION OFF\n", stderr);
	return 2;
}

static uint64_t number(const char *text, int *bad)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(text, &end, 0);
	*bad |= errno || *end || end == text;
	return v;
}

static int flip(uint8_t *bytes, size_t size, const char *section)
{
	uint64_t off, len;

	if (bundle_edit_section(bytes, size, section, &off, &len) || !len ||
	    off + len / 2 >= size)
		return -1;
	bytes[off + len / 2] ^= 0xff;
	return 0;
}

/* The edit named by argv[0] with its arguments, in place; *size may
 * shrink. 0, or -1 (with a message). */
static int edit(int argc, char **argv, uint8_t *bytes, size_t *size)
{
	int bad = 0, rc = -1;

	if (argc == 2 && !strcmp(argv[0], "flip"))
		rc = flip(bytes, *size, argv[1]);
	else if (argc == 1 && !strcmp(argv[0], "truncate"))
		rc = (*size /= 2) ? 0 : -1;
	else if (argc == 3 && !strcmp(argv[0], "reloc"))
		rc = bundle_edit_reloc_type(bytes, *size, argv[1], (uint32_t)number(argv[2], &bad));
	else if (argc == 3 && !strcmp(argv[0], "offset"))
		rc = bundle_edit_section_offset(bytes, *size, argv[1], number(argv[2], &bad));
	else
		return usage(), -1;
	if (bad)
		return usage(), -1;
	if (rc)
		fprintf(stderr, "bundle-mutate: %s %s: no such section, or nothing in it to edit\n",
			argv[0], argc > 1 ? argv[1] : "");
	return rc;
}

/* Signs the edited bytes with the secret key in key_path: 0 or -1. */
static int sign(const char *out, uint8_t *bytes, size_t size, const char *key_path)
{
	char err[ERR_MAX];
	uint8_t seed[SIGNATURE_KEY_BYTES];
	struct bundle *b = bundle_open_mem(out, bytes, size, err, sizeof(err));
	int rc = -1;

	if (b && !key_read(key_path, seed, err, sizeof(err)) &&
	    !signature_sign(b, seed, err, sizeof(err))) {
		memcpy(bytes, b->bytes, size);
		rc = 0;
	}
	if (rc)
		fprintf(stderr, "bundle-mutate: cannot sign: %s\n", err);
	bundle_close(b);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "sign", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL;
	uint8_t *bytes;
	size_t size;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		if (opt != 's')
			return usage();
		key = optarg;
	}
	if (argc - optind < 3)
		return usage();
	bytes = read_file(argv[optind], &size);
	if (!bytes) {
		fprintf(stderr, "bundle-mutate: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	rc = edit(argc - optind - 2, argv + optind + 2, bytes, &size) ||
	     (key && sign(argv[optind + 1], bytes, size, key));
	if (!rc && write_file_atomic(argv[optind + 1], bytes, size, 0644)) {
		fprintf(stderr, "bundle-mutate: %s: %s\n", argv[optind + 1], strerror(errno));
		rc = 1;
	}
	free(bytes);
	return rc ? 1 : 0;
}
