/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linking a bundle for the guest's patch area: its code (SHF_EXECINSTR)
 * laid out in the text range, which the guest maps read-execute, all its
 * other loaded sections (data, rodata, bss, the manifest) in the data
 * range, which it maps read-write and never executable; references to the
 * guest resolved against its image, relocations applied, and a struct
 * sv_patch_module describing the relocated manifest appended to the data,
 * so the guest is handed one address.
 */
#ifndef SV_PATCHER_LINK_H
#define SV_PATCHER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>

#include "bundle.h"
#include "guest_image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A function or object the bundle defines, where the link put it: a
 * binary patch's jumps go to its replacements, mirrors to its copies. */
struct patch_symbol {
	char *name;
	uint64_t addr, size;     /* final guest address; st_size */
	bool func;               /* STT_FUNC (in the text range), else STT_OBJECT */
};

struct patch_image {
	uint8_t *text;           /* text_size bytes for guest address text_base */
	uint8_t *data;           /* data_size bytes for data_base */
	uint64_t text_base, text_size;
	uint64_t data_base, data_size;
	uint64_t module_addr;    /* of the struct sv_patch_module in the data */
	struct sv_patch_module module;
	struct patch_symbol *symbols;  /* in symbol table order */
	size_t nsymbols;
};

/* Refuses a bundle built for another guest build, naming both build-ids. */
int patch_check_target(const struct bundle *b, const struct guest_image *guest,
		       char *err, size_t errlen);

/* Checks the target (patch_check_target), then links b for text at
 * [text_base, text_base + text_cap) and data at [data_base, data_base +
 * data_cap). Returns 0 and fills out (free with patch_image_free), or -1
 * with err naming the file and the section, offset, symbol or sizes at
 * fault. */
int patch_link(const struct bundle *b, const struct guest_image *guest,
	       uint64_t text_base, uint64_t text_cap, uint64_t data_base, uint64_t data_cap,
	       struct patch_image *out, char *err, size_t errlen);
void patch_image_free(struct patch_image *img);

/* The symbol `name` the bundle defines; NULL when it defines none, or
 * several at different addresses (static functions of one name in two
 * sources), since a jump must not go to a guess. */
const struct patch_symbol *patch_image_symbol(const struct patch_image *img, const char *name);

#ifdef __cplusplus
}
#endif

#endif
