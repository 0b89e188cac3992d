/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The patcher (bundles, signatures, linking) in plain types for
 * bundle_test.cc, and the byte surgery its refusal tests do on copies of
 * good bundles (done with libelf, so the damage is exactly where asked).
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

/* signature_verify against the public key in pub_path; its status. */
int bs_verify(const struct bundle *b, const char *pub_path, char *err);

struct guest_image *bs_guest_open(const char *path, char *err);
void bs_guest_close(struct guest_image *g);
/* guest_image_lookup: 0 found, -1 missing, -2 ambiguous. */
int bs_guest_lookup(const struct guest_image *g, const char *name, uint64_t *addr);

struct bs_linked {
	uint8_t *text, *data;   /* copies; free with bs_linked_free */
	uint64_t text_base, text_size, data_base, data_size, module_addr;
	uint64_t header, checks, nchecks, classes, nclasses, objects, services;
};
/* patch_link with the area's two halves at base and base + half. */
int bs_link(const struct bundle *b, const struct guest_image *g, uint64_t base, uint64_t half,
	    struct bs_linked *out, char *err);
void bs_linked_free(struct bs_linked *l);
/* Offsets of fields within the records, for reading relocated tables. */
size_t bs_check_size(void);
size_t bs_check_fn_offset(void);

/* In bytes (an ELF file), section name's file offset and size: 0, or -1. */
int bs_section(const uint8_t *bytes, size_t size, const char *name, uint64_t *offset,
	       uint64_t *len);
/* Where the section header table is, and how big. 0 or -1. */
int bs_section_headers(const uint8_t *bytes, size_t size, uint64_t *offset, uint64_t *len);
/* Rewrites, in bytes, the type of the first relocation in section rela
 * (e.g. ".rela.text"), or the file offset of section name. 0 or -1. */
int bs_set_reloc_type(uint8_t *bytes, size_t size, const char *rela, uint32_t type);
int bs_set_section_offset(uint8_t *bytes, size_t size, const char *name, uint64_t offset);
/* Rewrites the ELF header's e_type. */
void bs_set_elf_type(uint8_t *bytes, uint16_t type);
/* The offset of the magic in struct sv_patch_header. */
size_t bs_header_magic_offset(void);

#ifdef __cplusplus
}
#endif

#endif
