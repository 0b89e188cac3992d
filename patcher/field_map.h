/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Field maps for mirrored data structures: when a patch changes the layout
 * of a global, the new code gets a new copy of it, built from the old one
 * by copying each field to where the new layout puts the field of the same
 * name. Both layouts are read from DWARF with libdw (the old from the guest
 * kernel, the new from the patch bundle), so no offset is guessed. A field
 * whose type changed in kind or size refuses the map: the bundle must then
 * bring a transfer function. The rules and messages are in
 * docs/binary-patching.md, "Field maps".
 */
#ifndef SV_PATCHER_FIELD_MAP_H
#define SV_PATCHER_FIELD_MAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FIELD_TYPE_MAX 160   /* a type as the source spells it: "struct conn *[4]" */
#define FIELD_PATH_MAX 256   /* "conns.slots[0].owner" */
#define FIELD_REASON_MAX 768

/* What a type is once typedefs and qualifiers are peeled. */
enum field_class {
	FIELD_BASE,     /* integers, chars, _Bool, floating point */
	FIELD_ENUM,
	FIELD_POINTER,
	FIELD_STRUCT,
	FIELD_UNION,
	FIELD_ARRAY,
};

struct field_member;

struct field_type {
	enum field_class cls;
	char name[FIELD_TYPE_MAX];     /* as written, typedefs kept: what messages show */
	uint64_t size;
	int encoding;                  /* FIELD_BASE: DW_ATE_*, chars as their integers */
	char pointee[FIELD_TYPE_MAX];  /* FIELD_POINTER: its target, typedefs peeled */
	struct field_member *members;  /* FIELD_STRUCT, FIELD_UNION */
	size_t nmembers;
	struct field_type *elem;       /* FIELD_ARRAY: one dimension each */
	uint64_t count;
	int unbounded;                 /* FIELD_ARRAY without a bound: `x[]` */
};

struct field_member {
	char *name;                    /* NULL for an anonymous struct or union */
	uint64_t offset;               /* DW_AT_data_member_location */
	unsigned bit_size;             /* a bitfield's width, else 0 */
	struct field_type *type;
};

/* A global variable's (or a struct type's) layout and where it was read. */
struct field_layout {
	char *path;
	char *name;                    /* the variable, or "struct TAG" */
	struct field_type *type;
};

/* Reads the type of global variable `variable` from the DWARF of the ELF
 * file at path (an executable, or a relocatable object such as a patch
 * bundle, whose debug sections are relocated first). The variable is bound
 * as links bind: its global definition, else its only local one. Returns
 * 0 (free with field_layout_free), or -1 with err naming the file: no
 * DWARF, no such variable, defined locally more than once, or a type the
 * reader does not know. */
int field_layout_of_variable(const char *path, const char *variable,
			     struct field_layout *out, char *err, size_t errlen);

/* The same for the definition of `struct tag`. */
int field_layout_of_struct(const char *path, const char *tag,
			   struct field_layout *out, char *err, size_t errlen);

void field_layout_free(struct field_layout *layout);

/* One byte range of the old copy and where it goes in the new. */
struct field_copy {
	uint64_t old_off, new_off, size;
};

enum field_fate {
	FIELD_COPIED,    /* same name, compatible type: its bytes copied */
	FIELD_NEW,       /* not in the old layout: zero */
	FIELD_DROPPED,   /* not in the new layout: left behind */
	FIELD_ELEMENTS,  /* an array whose length or element layout changed */
};

/* One field of the new layout (or a dropped one of the old), for the plan. */
struct field_entry {
	enum field_fate fate;
	char path[FIELD_PATH_MAX];
	char old_type[FIELD_TYPE_MAX], new_type[FIELD_TYPE_MAX];
	uint64_t old_off, new_off, old_size, new_size;
	uint64_t old_count, new_count;   /* FIELD_ELEMENTS: the lengths */
};

struct field_map {
	int refused;
	char reason[FIELD_REASON_MAX];   /* names the field and both types */
	char name[FIELD_PATH_MAX];       /* the new layout's variable */
	uint64_t old_size, new_size;
	struct field_copy *copies;       /* in the new layout's order, adjacent ones merged */
	size_t ncopies;
	struct field_entry *fields;
	size_t nfields;
};

/* Derives the map from old to new: fields matched by name, recursively
 * through nested structs and arrays. Returns 0, or -1 with refused set and
 * the reason (an incompatible type change, a bitfield, a member with no
 * name, an array with no bound, a changed union; or no memory). Free with
 * field_map_free either way. */
int field_map_derive(const struct field_layout *old_layout, const struct field_layout *new_layout,
		     struct field_map *map);
void field_map_free(struct field_map *map);

/* Builds the new copy (new_size bytes) from the old (old_size bytes):
 * everything zero but the copies. */
void field_map_apply(const struct field_map *map, const void *old_copy, void *new_copy);

/* The other way, for the fields that map: the old copy's mapped bytes
 * taken from the new, the rest of it (dropped fields) left as it is. */
void field_map_reverse(const struct field_map *map, const void *new_copy, void *old_copy);

enum field_side { FIELD_OLD_SIDE, FIELD_NEW_SIDE };

/* A write to [off, off + len) of one copy (`written`), as the byte ranges
 * the other copy must take from it: the parts of the map's copies the
 * write overlaps, in out[0..max). Returns how many there are, which may
 * exceed max; 0 when the write touches only unmapped bytes (padding, a
 * dropped or new field). */
size_t field_map_write(const struct field_map *map, enum field_side written, uint64_t off,
		       uint64_t len, struct field_copy *out, size_t max);

/* The map in one line ("global conns: 48 -> 72 bytes, 3 copies, ..."),
 * or the reason it was refused. */
void field_map_summary(const struct field_map *map, char *buf, size_t len);

/* fields[i] in one line, for the monitor's --dry-run. */
void field_map_line(const struct field_map *map, size_t i, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
