/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The patcher (bundles, signatures, linking) in plain types for
 * bundle_test.cc (which damages copies of good bundles with
 * tests/support/bundle_edit.h).
 */
#ifndef SV_TEST_BUNDLE_SHIM_H
#define SV_TEST_BUNDLE_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bundle;
struct guest_image;

#define BS_ERR 1024
#define BS_NAME 128

struct bundle *bs_open(const char *path, char *err);
struct bundle *bs_open_mem(const void *bytes, size_t size, char *err);
void bs_close(struct bundle *b);

/* The manifest's first record of each kind, and the counts. */
struct bs_manifest {
	char id[BS_NAME];
	uint32_t version;
	uint32_t build_id_len;
	size_t ndeps, nclasses, nobjects, nservices, nchecks;
	char dep_id[BS_NAME];
	uint32_t dep_min_version;
	char class_name[BS_NAME], class_impl[BS_NAME];
	uint32_t class_from, class_to;
	char object_make_root[BS_NAME], service_serve[BS_NAME];
	char check_name[BS_NAME], check_fn[BS_NAME];
};
void bs_read_manifest(const struct bundle *b, struct bs_manifest *m);

/* A binary patch's records: the counts, and the first BS_RECORDS of each. */
#define BS_RECORDS 2
struct bs_binary {
	size_t nfunctions, nmirrors, ncallers;
	char caller[BS_NAME];       /* the first */
	struct {
		char name[BS_NAME], replacement[BS_NAME];
		uint32_t flags;
	} functions[BS_RECORDS];
	struct {
		char name[BS_NAME], copy[BS_NAME];
	} mirrors[BS_RECORDS];
};
void bs_read_binary(const struct bundle *b, struct bs_binary *out);
/* Offsets within struct sv_patch_function, and its size. */
size_t bs_function_size(void);
size_t bs_function_flags_offset(void);

/* signature_verify against the public key in pub_path; its status. */
int bs_verify(const struct bundle *b, const char *pub_path, char *err);

struct guest_image *bs_guest_open(const char *path, char *err);
void bs_guest_close(struct guest_image *g);
/* guest_image_lookup: 0 found, -1 missing, -2 ambiguous. */
int bs_guest_lookup(const struct guest_image *g, const char *name, uint64_t *addr);

struct patch_image;
struct bs_linked {
	struct patch_image *img; /* free with bs_linked_free */
	uint8_t *text, *data;   /* img's */
	uint64_t text_base, text_size, data_base, data_size, module_addr;
	uint64_t header, checks, nchecks, classes, nclasses, objects, services;
};
/* patch_link with the area's two halves at base and base + half. */
int bs_link(const struct bundle *b, const struct guest_image *g, uint64_t base, uint64_t half,
	    struct bs_linked *out, char *err);
void bs_linked_free(struct bs_linked *l);
/* patch_image_symbol: 0 and the symbol's address, size and whether it is a
 * function, or -1 when the image has no (single) symbol name. */
int bs_linked_symbol(const struct bs_linked *l, const char *name, uint64_t *addr,
		     uint64_t *size, int *func);
/* Offsets of fields within the records, for reading relocated tables. */
size_t bs_check_size(void);
size_t bs_check_fn_offset(void);

/* The offset of the magic in struct sv_patch_header. */
size_t bs_header_magic_offset(void);

#ifdef __cplusplus
}
#endif

#endif
