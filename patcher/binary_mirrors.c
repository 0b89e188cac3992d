// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mirrored globals: their plan from DWARF and the monitor's mirror steps
 * (binary_mirrors.h).
 */
#include <stdio.h>
#include <string.h>

#include <sv/abi.h>

#include "binary_mirrors.h"
#include "control_client.h"
#include "field_map.h"

#define PAGE 4096ull
#define MIRROR_QUIESCE_TIMEOUT_MS 10000u

static json_t *hex_addr(uint64_t v)
{
	return json_sprintf("0x%llx", (unsigned long long)v);
}

static json_t *copies_of(const struct field_map *map)
{
	json_t *copies = json_array();

	for (size_t i = 0; i < map->ncopies; i++)
		json_array_append_new(copies, json_pack("[I, I, I]", (json_int_t)map->copies[i].old_off,
							(json_int_t)map->copies[i].new_off,
							(json_int_t)map->copies[i].size));
	return copies;
}

/* The field map of one mirror, from the kernel's DWARF and the bundle's. */
static int derive(const struct bundle *b, const struct guest_image *g,
		  const struct bundle_mirror *mr, struct field_map *map, char err[BINARY_ERR_MAX])
{
	struct field_layout old_layout = { 0 }, new_layout = { 0 };
	int ret = -1;

	*map = (struct field_map){ 0 };
	if (!field_layout_of_variable(g->path, mr->rec.name, &old_layout, err, BINARY_ERR_MAX) &&
	    !field_layout_of_variable(b->path, mr->copy, &new_layout, err, BINARY_ERR_MAX)) {
		ret = field_map_derive(&old_layout, &new_layout, map);
		if (ret)
			snprintf(err, BINARY_ERR_MAX, "mirror of %s: %s", mr->rec.name, map->reason);
	}
	field_layout_free(&old_layout);
	field_layout_free(&new_layout);
	return ret;
}

static json_t *plan_one(const struct bundle *b, const struct guest_image *g,
			const struct patch_image *img, const struct bundle_mirror *mr,
			json_t *lines, char err[BINARY_ERR_MAX])
{
	const struct patch_symbol *copy = patch_image_symbol(img, mr->copy);
	struct field_map map = { 0 };
	char summary[FIELD_REASON_MAX];
	uint64_t old_addr;
	json_t *rec = NULL;

	if (guest_image_lookup(g, mr->rec.name, &old_addr) != GUEST_SYMBOL_FOUND)
		snprintf(err, BINARY_ERR_MAX, "%s: the kernel has no single global %s to mirror",
			 g->path, mr->rec.name);
	else if (!copy || copy->func)
		snprintf(err, BINARY_ERR_MAX, "%s: the new copy of %s, %s, is not a variable of the "
			 "bundle", b->path, mr->rec.name, mr->copy);
	else if (!derive(b, g, mr, &map, err)) {
		if (copy->size < map.new_size)
			snprintf(err, BINARY_ERR_MAX, "%s: %s has %llu bytes, its layout %llu", b->path,
				 mr->copy, (unsigned long long)copy->size,
				 (unsigned long long)map.new_size);
		else
			rec = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:o}", "name", mr->rec.name,
					"copy", mr->copy, "old", hex_addr(old_addr),
					"new", hex_addr(copy->addr), "old_size", (json_int_t)map.old_size,
					"new_size", (json_int_t)map.new_size, "copies", copies_of(&map));
		field_map_summary(&map, summary, sizeof(summary));
		if (rec && lines)
			json_array_append_new(lines, json_string(summary));
	}
	field_map_free(&map);
	return rec;
}

json_t *binary_mirrors_plan(const struct bundle *b, const struct guest_image *g,
			    const struct patch_image *img, json_t *lines, char err[BINARY_ERR_MAX])
{
	json_t *mirrors = json_array();

	for (size_t i = 0; i < b->nmirrors; i++) {
		json_t *rec = plan_one(b, g, img, &b->mirrors[i], lines, err);

		if (!rec) {
			json_decref(mirrors);
			return NULL;
		}
		json_array_append_new(mirrors, rec);
	}
	return mirrors;
}

/* ---- the steps ------------------------------------------------------ */

static int translate(struct monitor *m, uint64_t gva, uint64_t *gpa, char err[MONITOR_ERR_MAX])
{
	json_t *answer;
	unsigned long long paddr;
	int ret;

	if (vmm_request(&m->vmm, json_pack("{s:s, s:i, s:o}", "cmd", "translate", "cpu", 0,
					   "vaddr", hex_addr(gva)), &answer, err))
		return -1;
	ret = control_answer_hex(answer, "paddr", &paddr);
	json_decref(answer);
	if (ret)
		snprintf(err, MONITOR_ERR_MAX, "translate of 0x%llx answered no paddr",
			 (unsigned long long)gva);
	*gpa = paddr;
	return ret;
}

/* The VMM mirrors guest-physical ranges: each copy must be one. */
static int physical(struct monitor *m, const char *name, uint64_t gva, uint64_t size,
		    uint64_t *gpa, char err[MONITOR_ERR_MAX])
{
	if (translate(m, gva, gpa, err))
		return -1;
	for (uint64_t page = (gva & ~(PAGE - 1)) + PAGE; page < gva + size; page += PAGE) {
		uint64_t at;

		if (translate(m, page, &at, err))
			return -1;
		if (at != *gpa + (page - gva)) {
			snprintf(err, MONITOR_ERR_MAX, "%s [0x%llx, +%llu) is not contiguous in guest "
				 "RAM (page 0x%llx is at 0x%llx): the VMM cannot mirror it", name,
				 (unsigned long long)gva, (unsigned long long)size,
				 (unsigned long long)page, (unsigned long long)at);
			return -1;
		}
	}
	return 0;
}

struct ends {
	uint64_t old_gpa, new_gpa;
	json_int_t old_size, new_size;
};

static int ends_of(struct monitor *m, json_t *mirror, struct ends *e, char err[MONITOR_ERR_MAX])
{
	const char *name = json_string_value(json_object_get(mirror, "name"));
	unsigned long long old_gva, new_gva;

	e->old_size = json_integer_value(json_object_get(mirror, "old_size"));
	e->new_size = json_integer_value(json_object_get(mirror, "new_size"));
	if (!name || control_answer_hex(mirror, "old", &old_gva) ||
	    control_answer_hex(mirror, "new", &new_gva) || e->old_size <= 0 || e->new_size <= 0) {
		snprintf(err, MONITOR_ERR_MAX, "the journal's mirror record is malformed");
		return -1;
	}
	return physical(m, name, old_gva, (uint64_t)e->old_size, &e->old_gpa, err) ||
	       physical(m, name, new_gva, (uint64_t)e->new_size, &e->new_gpa, err) ? -1 : 0;
}

/* Whether a mirror of the copy at gpa runs already (a repeated step). */
static bool mirrored(struct monitor *m, uint64_t gpa)
{
	char ignored[MONITOR_ERR_MAX];

	return !vmm_request(&m->vmm, json_pack("{s:s, s:o}", "cmd", "mirror-stats", "addr",
					       hex_addr(gpa)), NULL, ignored);
}

/* Starts one mirror; `reverse` rebuilds the old copy from the new. */
static int start_one(struct monitor *m, json_t *mirror, bool reverse, char err[MONITOR_ERR_MAX])
{
	json_t *copies = json_array(), *c;
	struct ends e;
	size_t i;

	if (ends_of(m, mirror, &e, err)) {
		json_decref(copies);
		return -1;
	}
	if (mirrored(m, e.old_gpa)) {
		json_decref(copies);
		return 0;
	}
	json_array_foreach(json_object_get(mirror, "copies"), i, c)
		json_array_append_new(copies, json_pack("[O, O, O]", json_array_get(c, reverse),
							json_array_get(c, !reverse), json_array_get(c, 2)));
	return vmm_request(&m->vmm, json_pack("{s:s, s:o, s:o, s:I, s:I, s:o}", "cmd",
			   "mirror-start", "old", hex_addr(reverse ? e.new_gpa : e.old_gpa),
			   "new", hex_addr(reverse ? e.old_gpa : e.new_gpa),
			   "old_size", reverse ? e.new_size : e.old_size,
			   "new_size", reverse ? e.old_size : e.new_size, "copies", copies),
			   NULL, err);
}

/* Stops one mirror, adding its counts to `sums`; one already stopped is
 * left as it is. */
static int stop_one(struct monitor *m, json_t *mirror, json_t *sums, char err[MONITOR_ERR_MAX])
{
	static const char *const counts[] = { "trapped", "passed", "mirrored_bytes", "trap_ns" };
	json_t *answer;
	struct ends e;

	if (ends_of(m, mirror, &e, err))
		return -1;
	if (!mirrored(m, e.old_gpa))
		return 0;
	if (vmm_request(&m->vmm, json_pack("{s:s, s:o}", "cmd", "mirror-stop", "addr",
					   hex_addr(e.old_gpa)), &answer, err))
		return -1;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		json_object_set_new(sums, counts[i], json_integer(
			json_integer_value(json_object_get(sums, counts[i])) +
			json_integer_value(json_object_get(answer, counts[i]))));
	json_decref(answer);
	return 0;
}

/* No thread that started on the old code is left: the guest's QUIESCE. */
static int quiesce(struct monitor *m, json_t **answer, char err[MONITOR_ERR_MAX])
{
	json_t *req = json_pack("{s:s, s:I}", "step", "quiesce",
				"timeout_ms", (json_int_t)(m->opt->timeout_ms ? m->opt->timeout_ms
							      : MIRROR_QUIESCE_TIMEOUT_MS));
	int ret = vmm_patch_step(&m->vmm, req, answer, err);

	json_decref(req);
	return ret;
}

static json_t *done(json_t *sums)
{
	json_object_set_new(sums, "status", json_integer(0));
	json_object_set_new(sums, "status_name", json_string("SV_OK"));
	json_object_set_new(sums, "detail", json_string(""));
	return sums;
}

int monitor_mirror_step(struct monitor *m, json_t *step, json_t **answer,
			char err[MONITOR_ERR_MAX])
{
	bool revert = json_is_true(json_object_get(step, "revert"));
	bool end = !strcmp(json_string_value(json_object_get(step, "step")), "mirror-end");
	json_t *mirrors = json_object_get(step, "mirrors"), *mirror, *sums = json_object();
	size_t i;

	*answer = NULL;
	if (end && !revert) {
		if (quiesce(m, answer, err))
			goto fail;
		if (json_integer_value(json_object_get(*answer, "status")))
			return 0; /* the guest's answer says who never left */
		json_decref(*answer);
		*answer = NULL;
	}
	json_array_foreach(mirrors, i, mirror) {
		/* mirror and the revert of mirror-end start; the others stop */
		if (end == revert ? start_one(m, mirror, end, err) : stop_one(m, mirror, sums, err))
			goto fail;
	}
	*answer = done(sums);
	return 0;
fail:
	json_decref(sums);
	return -1;
}
