/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A patch bundle (*.svp): an ELF64 x86-64 relocatable object holding a
 * patch module's code and data and its manifest (sv/patch.h). Opening one
 * checks its structure and copies the manifest out; the records' code
 * pointers are reported as the names of the symbols they relocate to, so
 * a plan can say "class fcm 0 -> 1: impl fcm_v1_class" before anything is
 * linked.
 */
#ifndef SV_PATCHER_BUNDLE_H
#define SV_PATCHER_BUNDLE_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include <sv/patch.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BUNDLE_SYMBOL_MAX 128

struct bundle_class {
	struct sv_patch_class rec;
	char impl[BUNDLE_SYMBOL_MAX];
};

struct bundle_object {
	struct sv_patch_object rec;
	char make_root[BUNDLE_SYMBOL_MAX];
};

struct bundle_service {
	struct sv_patch_service rec;
	char serve[BUNDLE_SYMBOL_MAX];
};

struct bundle_check {
	struct sv_patch_check rec;
	char check[BUNDLE_SYMBOL_MAX];
};

/* A binary patch's records: the replacement's and the copy's symbols. */
struct bundle_function {
	struct sv_patch_function rec;
	char replacement[BUNDLE_SYMBOL_MAX];
};

struct bundle_mirror {
	struct sv_patch_mirror rec;
	char copy[BUNDLE_SYMBOL_MAX];
};

struct bundle {
	char *path;               /* for messages */
	uint8_t *bytes;           /* the whole file, which elf reads */
	size_t size;
	Elf *elf;
	size_t shnum;
	size_t symtab;            /* section index of the symbol table */
	size_t nsyms;
	/* File offset and size of .svp.sig, 0 and 0 when there is none. */
	uint64_t sig_offset, sig_size;

	struct sv_patch_header header;
	struct sv_patch_target target;
	struct sv_patch_dep *deps;
	size_t ndeps;
	struct bundle_class *classes;
	size_t nclasses;
	struct bundle_object *objects;
	size_t nobjects;
	struct bundle_service *services;
	size_t nservices;
	struct bundle_check *checks;
	size_t nchecks;
	struct bundle_function *functions;
	size_t nfunctions;
	struct bundle_mirror *mirrors;
	size_t nmirrors;
	struct sv_patch_caller *callers;
	size_t ncallers;
};

/* Reads and checks the bundle at path, or the size bytes at bytes (copied;
 * path then only names them in messages). Returns a bundle to free with
 * bundle_close, or NULL with err saying what is wrong, naming the file and
 * the section, record or symbol at fault. */
struct bundle *bundle_open(const char *path, char *err, size_t errlen);
struct bundle *bundle_open_mem(const char *path, const void *bytes, size_t size,
			       char *err, size_t errlen);
void bundle_close(struct bundle *b);

/* Section idx's name, "?" if it has none; its header (0, or -1). */
const char *bundle_section_name(const struct bundle *b, size_t idx);
int bundle_section(const struct bundle *b, size_t idx, GElf_Shdr *shdr);

/* The index of the only section called name: 0 if none, -1 if several. */
long bundle_find_section(const struct bundle *b, const char *name);

/* Symbol idx of the symbol table and its name ("" if none); 0 or -1. */
int bundle_symbol(const struct bundle *b, size_t idx, GElf_Sym *sym, const char **name);

/* What a relocation against symbol idx with this addend points at, for
 * messages and plans: the symbol's name, or for a section symbol the
 * function or object at that offset ("section+0xoff" if none). */
void bundle_describe_target(const struct bundle *b, size_t idx, int64_t addend,
			    char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
