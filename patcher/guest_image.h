/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest kernel image a patch is built for and linked against: its GNU
 * build-id, the symbols a patch module may refer to, and the code of the
 * functions a binary patch replaces. */
#ifndef SV_PATCHER_GUEST_IMAGE_H
#define SV_PATCHER_GUEST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>

#ifdef __cplusplus
extern "C" {
#endif

struct guest_symbol {
	char *name;
	uint64_t addr;
	int ambiguous;   /* several local definitions, no global one */
};

struct guest_image {
	char *path;
	uint32_t build_id_len;
	uint8_t build_id[SV_PATCH_BUILD_ID_MAX];
	struct guest_symbol *syms; /* sorted by name, one per name */
	size_t nsyms;
};

/* Reads the ELF executable at path. Returns 0, or -1 with err naming the
 * file and what is missing (no build-id note, no symbol table). */
int guest_image_open(const char *path, struct guest_image *img, char *err, size_t errlen);
void guest_image_close(struct guest_image *img);

/* A build-id as lowercase hex into buf (2 * len + 1 bytes). */
void build_id_hex(const uint8_t *bytes, uint32_t len, char *buf);

enum guest_lookup {
	GUEST_SYMBOL_FOUND = 0,
	GUEST_SYMBOL_MISSING = -1,
	GUEST_SYMBOL_AMBIGUOUS = -2,
};

/* The address a module's reference to `name` binds to: the global
 * definition, else the only local one. */
enum guest_lookup guest_image_lookup(const struct guest_image *img, const char *name,
				     uint64_t *addr);

/* A function's code as the file holds it, for planning a patch site. */
struct guest_function {
	uint64_t addr;
	size_t size;        /* st_size */
	uint8_t *bytes;     /* a copy of [addr, addr + size) */
};

/* Reads function `name`, bound as guest_image_lookup binds it, from img's
 * file (again: it must still have img's build-id). Returns 0 (free with
 * guest_function_free), or -1 with err: no such symbol, ambiguous, not a
 * function with a size (e.g. an assembly label), or not in an executable
 * section. */
int guest_image_function(const struct guest_image *img, const char *name,
			 struct guest_function *fn, char *err, size_t errlen);
void guest_function_free(struct guest_function *fn);

/* A named symbol in an executable section, as the code classifier
 * (code_index.h) reads every one of them. */
struct guest_code {
	const char *name;
	uint64_t addr, size;      /* st_value, st_size (0 for an assembly label) */
	bool func;                /* STT_FUNC */
	const uint8_t *bytes;     /* the file's bytes from addr ... */
	uint64_t avail;           /* ... to the end of its section */
};

/* Calls visit for every named symbol of the ELF executable at path whose
 * address lies in an executable section, until it returns nonzero; the
 * strings and bytes are valid during the call only. Returns 0, visit's
 * value, or -1 with err when path cannot be read as ELF. */
typedef int (*guest_code_visitor)(void *ctx, const struct guest_code *code);
int guest_image_visit_code(const char *path, guest_code_visitor visit, void *ctx, char *err,
			   size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
