// SPDX-License-Identifier: GPL-2.0-only
/* A consistency report as JSON (report.h). */
#include "report.h"

static json_t *hex(uint64_t v)
{
	return json_sprintf("0x%llx", (unsigned long long)v);
}

/* What blocks: the function and its frame, or the walk's failure. */
static json_t *cause(const struct qs_blocker *b)
{
	char why[256];

	if (b->fn)
		return json_pack("{s:s, s:I, s:o, s:b}", "function", b->fn->name,
				 "depth", (json_int_t)b->depth, "pc", hex(b->frame.pc),
				 "return_address", b->frame.is_return);
	qs_walk_problem_text(&b->problem, why, sizeof(why));
	return json_pack("{s:s, s:s, s:o, s:I, s:s}", "unreliable",
			 qs_walk_status_name(b->problem.status), "at", b->problem.what,
			 "addr", hex(b->problem.addr), "depth", (json_int_t)b->depth, "why", why);
}

static json_t *blocker(const struct qs_blocker *b)
{
	json_t *o = cause(b);

	if (o && (json_object_set_new(o, "thread", hex(b->thread)) ||
		  json_object_set_new(o, "cpu", json_integer(b->cpu)) ||
		  json_object_set_new(o, "running", json_boolean(b->running)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *qs_report_json(const struct qs_report *r)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < r->n; i++) {
		if (json_array_append_new(list, blocker(&r->blockers[i]))) {
			json_decref(list);
			list = NULL;
		}
	}
	return json_pack("{s:b, s:I, s:o}", "clean", qs_report_clean(r),
			 "threads", (json_int_t)r->threads, "blockers", list);
}
