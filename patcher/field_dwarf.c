// SPDX-License-Identifier: GPL-2.0-only
/*
 * A global's layout from an ELF file's DWARF (field_map.h). The file is
 * opened through libdwfl's offline mode because a relocatable object (a
 * patch bundle) has its debug sections unrelocated: libdw alone would read
 * every string offset of a bundle as 0, hence every name as the first
 * string, and each later unit's abbreviations from the first's. libdwfl
 * applies those relocations; for an executable it changes nothing.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "field_internal.h"

/* Only the file's own DWARF counts: no separate debuginfo, no debuginfod. */
static int own_dwarf_only(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks offline = {
	.find_debuginfo = own_dwarf_only,
	.section_address = dwfl_offline_section_address,
};

static Dwarf *open_dwarf(Dwfl **dwfl, const char *path, char *err, size_t errlen)
{
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;

	*dwfl = dwfl_begin(&offline);
	if (!*dwfl) {
		patcher_fail(err, errlen, path, "libdwfl: %s", dwfl_errmsg(-1));
		return NULL;
	}
	mod = dwfl_report_offline(*dwfl, path, path, -1);
	if (!mod || dwfl_report_end(*dwfl, NULL, NULL)) {
		patcher_fail(err, errlen, path, "cannot read: %s", dwfl_errmsg(-1));
		return NULL;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	if (!dw)
		patcher_fail(err, errlen, path, "no DWARF debugging information (built without -g?)");
	return dw;
}

/* A top-level entry of one tag and name, bound as links bind names: the
 * global definition, else the only local one. Declarations (`extern`,
 * `struct x;`) are not definitions. Struct tags have no linkage: each
 * unit that includes the header has the same definition, the first is
 * taken. */
struct wanted {
	int tag;
	const char *name;
	Dwarf_Die found;
	int done;          /* a global definition, or a struct's first: look no further */
	unsigned locals;   /* local definitions seen, the first kept in found */
};

static int named(Dwarf_Die *die, const char *name)
{
	Dwarf_Attribute a;
	const char *s = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));

	return s && !strcmp(s, name);
}

static void consider(struct wanted *w, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	bool external = false;

	if (w->done || dwarf_tag(die) != w->tag || dwarf_hasattr(die, DW_AT_declaration) ||
	    !named(die, w->name))
		return;
	dwarf_formflag(dwarf_attr_integrate(die, DW_AT_external, &a), &external);
	if (external || w->tag != DW_TAG_variable)
		w->done = 1;
	else if (w->locals++)
		return;
	w->found = *die;
}

static void search(Dwarf *dw, struct wanted *w)
{
	Dwarf_Off off = 0, next;
	size_t header;
	Dwarf_Die cu, die;

	for (; !w->done && !dwarf_nextcu(dw, off, &next, &header, NULL, NULL, NULL); off = next) {
		if (!dwarf_offdie(dw, off + header, &cu))
			continue;
		for (int rc = dwarf_child(&cu, &die); !rc; rc = dwarf_siblingof(&die, &die))
			consider(w, &die);
	}
}

static int not_found(const struct wanted *w, const char *path, char *err, size_t errlen)
{
	if (w->tag != DW_TAG_variable)
		return patcher_fail(err, errlen, path, "no definition of struct %s in its DWARF",
				    w->name);
	if (w->locals > 1)
		return patcher_fail(err, errlen, path,
				    "variable %s is defined locally in %u compilation units and "
				    "never globally", w->name, w->locals);
	return patcher_fail(err, errlen, path, "no definition of variable %s in its DWARF", w->name);
}

/* The type of the entry found: a variable's DW_AT_type, a struct itself. */
static int read_found(struct wanted *w, struct field_layout *out, char *err, size_t errlen)
{
	struct field_reader r = { out->path, err, errlen, 0 };
	Dwarf_Attribute a;
	Dwarf_Die type;

	if (w->tag == DW_TAG_structure_type)
		type = w->found;
	else if (!dwarf_formref_die(dwarf_attr_integrate(&w->found, DW_AT_type, &a), &type))
		return patcher_fail(err, errlen, out->path, "variable %s has no type", w->name);
	out->type = field_read_type(&r, &type);
	return out->type ? 0 : -1;
}

static int find_and_read(Dwarf *dw, const char *path, struct wanted *w, const char *label,
			 struct field_layout *out, char *err, size_t errlen)
{
	search(dw, w);
	if (!w->done && w->locals != 1)
		return not_found(w, path, err, errlen);
	out->path = strdup(path);
	out->name = strdup(label);
	if (!out->path || !out->name)
		return patcher_fail(err, errlen, path, "out of memory");
	return read_found(w, out, err, errlen);
}

/* The layout is a tree of its own: nothing in it points into libdw's
 * data, which goes with dwfl_end. */
static int read_layout(const char *path, struct wanted *w, const char *label,
		       struct field_layout *out, char *err, size_t errlen)
{
	Dwfl *dwfl;
	Dwarf *dw;
	int rc = -1;

	*out = (struct field_layout){ 0 };
	dw = open_dwarf(&dwfl, path, err, errlen);
	if (dw)
		rc = find_and_read(dw, path, w, label, out, err, errlen);
	dwfl_end(dwfl);
	if (rc)
		field_layout_free(out);
	return rc;
}

int field_layout_of_variable(const char *path, const char *variable,
			     struct field_layout *out, char *err, size_t errlen)
{
	struct wanted w = { .tag = DW_TAG_variable, .name = variable };

	return read_layout(path, &w, variable, out, err, errlen);
}

int field_layout_of_struct(const char *path, const char *tag,
			   struct field_layout *out, char *err, size_t errlen)
{
	struct wanted w = { .tag = DW_TAG_structure_type, .name = tag };
	char label[FIELD_PATH_MAX];

	snprintf(label, sizeof(label), "struct %s", tag);
	return read_layout(path, &w, label, out, err, errlen);
}

void field_layout_free(struct field_layout *layout)
{
	field_type_free(layout->type);
	free(layout->path);
	free(layout->name);
	*layout = (struct field_layout){ 0 };
}
