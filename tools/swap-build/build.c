// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each source compiled with the guest's own flags, a generated source for
 * the target record (and the empty signature to be filled), all linked
 * with `ld -r` into one relocatable object; then the checks the monitor
 * will make (bundle_open, a trial link against the guest image), so a
 * bundle that cannot load fails here; then signing and an atomic write.
 */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "guest_image.h"
#include "keys.h"
#include "link.h"
#include "whole_file.h"
#include "run.h"
#include "swap_build_config.h"

static const char *const cflags[] = { SWAP_BUILD_CFLAGS };
#define NCFLAGS (sizeof(cflags) / sizeof(cflags[0]))

/* The patch area's address depends on the guest's RAM size, and the
 * monitor links again at the real one; a trial where a 256 MiB guest has
 * it fails the same ways (undefined symbols, relocations, sizes, reach). */
#define TRIAL_AREA (252ull << 20)
#define HALF_AREA (SV_PATCH_AREA_SIZE / 2)

#define DIR_LEN 1024  /* the work directory; its files' paths fit PATH_LEN */
#define PATH_LEN 4096

static int compile(const char *source, const char *object)
{
	const char *argv[NCFLAGS + 6];
	size_t n = 0;

	argv[n++] = "cc";
	for (size_t i = 0; i < NCFLAGS; i++)
		argv[n++] = cflags[i];
	argv[n++] = "-c";
	argv[n++] = source;
	argv[n++] = "-o";
	argv[n++] = object;
	argv[n] = NULL;
	if (run((char *const *)argv)) {
		fprintf(stderr, "swap-build: %s: compilation failed\n", source);
		return -1;
	}
	return 0;
}

/* The records swap-build adds: the guest's build-id, and when signing an
 * all-zero signature for signature_sign to fill in. */
static int write_manifest_source(const char *path, const struct guest_image *guest, int sign)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "#include <sv/patch.h>\n"
		   "SV__PATCH_RECORD(\".svp.target\", struct sv_patch_target, sv_patch_target) = {\n"
		   "\t.build_id_len = %u, .build_id = {", guest->build_id_len);
	for (uint32_t i = 0; i < guest->build_id_len; i++)
		fprintf(f, " 0x%02x,", guest->build_id[i]);
	fprintf(f, " } };\n");
	if (sign)
		fprintf(f, "SV__PATCH_RECORD(\".svp.sig\", struct sv_patch_signature, "
			   "sv_patch_signature) = { { 0 }, { 0 } };\n");
	return fclose(f) ? -1 : 0;
}

static int link_objects(const char *dir, int nobjects, const char *output)
{
	char **argv = calloc((size_t)nobjects + 5, sizeof(*argv));
	int n = 0, rc = -1;

	if (!argv)
		return -1;
	argv[n++] = "ld";
	argv[n++] = "-r";
	argv[n++] = "-o";
	argv[n++] = (char *)output;
	for (int i = 0; i < nobjects; i++)
		if (asprintf(&argv[n++], "%s/%d.o", dir, i) < 0)
			goto out;
	rc = run(argv);
	if (rc)
		fprintf(stderr, "swap-build: ld -r into %s failed\n", output);
out:
	for (int i = 4; i < n; i++)
		free(argv[i]);
	free(argv);
	return rc;
}

/* Compiles the sources and the manifest source to dir/0.o.. and links them
 * into dir/bundle.o. */
static int compile_and_link(const struct build_opts *o, const struct guest_image *guest,
			    const char dir[DIR_LEN], char bundle[PATH_LEN])
{
	char object[PATH_LEN], manifest[PATH_LEN];

	for (int i = 0; i < o->nsources; i++) {
		snprintf(object, sizeof(object), "%s/%d.o", dir, i);
		if (compile(o->sources[i], object))
			return -1;
	}
	snprintf(manifest, sizeof(manifest), "%s/manifest.c", dir);
	snprintf(object, sizeof(object), "%s/%d.o", dir, o->nsources);
	if (write_manifest_source(manifest, guest, o->key != NULL)) {
		fprintf(stderr, "swap-build: %s: %s\n", manifest, strerror(errno));
		return -1;
	}
	snprintf(bundle, PATH_LEN, "%s/bundle.o", dir);
	return compile(manifest, object) || link_objects(dir, o->nsources + 1, bundle) ? -1 : 0;
}

/* The monitor's own checks, a signature if asked for, the output. */
static int check_sign_write(const struct build_opts *o, const struct guest_image *guest,
			    const uint8_t *bytes, size_t size)
{
	char err[1024];
	uint8_t seed[SIGNATURE_KEY_BYTES], pub[1][SIGNATURE_KEY_BYTES];
	struct bundle *b = bundle_open_mem(o->output, bytes, size, err, sizeof(err));
	struct patch_image img;
	int rc = -1;

	if (!b)
		goto out;
	if (patch_link(b, guest, TRIAL_AREA, HALF_AREA, TRIAL_AREA + HALF_AREA, HALF_AREA, &img,
		       err, sizeof(err)))
		goto out;
	patch_image_free(&img);
	if (o->key) {
		if (key_read(o->key, seed, err, sizeof(err)) ||
		    signature_sign(b, seed, err, sizeof(err)))
			goto out;
		key_public(seed, pub[0]);
		if (signature_verify(b, pub, 1, err, sizeof(err)))
			goto out;
	}
	if (write_file_atomic(o->output, b->bytes, b->size, 0644)) {
		snprintf(err, sizeof(err), "%s: cannot write: %s", o->output, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "swap-build: %s\n", err);
	bundle_close(b);
	return rc;
}

static void remove_dir(const char dir[DIR_LEN])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_LEN];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int build_bundle(const struct build_opts *o)
{
	char err[1024], dir[DIR_LEN], bundle[PATH_LEN];
	const char *tmp = getenv("TMPDIR");
	struct guest_image guest;
	uint8_t *bytes = NULL;
	size_t size;
	int rc = -1;

	if (guest_image_open(o->guest, &guest, err, sizeof(err))) {
		fprintf(stderr, "swap-build: %s\n", err);
		return -1;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/swap-build.XXXXXX", tmp) >= sizeof(dir) ||
	    !mkdtemp(dir)) {
		fprintf(stderr, "swap-build: %s: %s\n", dir, strerror(errno));
	} else {
		if (!compile_and_link(o, &guest, dir, bundle)) {
			if (!(bytes = read_file(bundle, &size)))
				fprintf(stderr, "swap-build: %s: %s\n", bundle, strerror(errno));
			else
				rc = check_sign_write(o, &guest, bytes, size);
		}
		remove_dir(dir);
	}
	free(bytes);
	guest_image_close(&guest);
	return rc;
}
