// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the monitor has applied: list, show, and rolling a patch back by
 * hand (monitor.h).
 */
#include <stdlib.h>
#include <string.h>

#include "monitor.h"

int monitor_list(struct monitor *m, char err[MONITOR_ERR_MAX])
{
	(void)err;
	for (size_t i = 0; i < m->nrecords; i++) {
		struct patch_record *r = &m->records[i];
		json_t *b = r->begin;

		monitor_progress(m, "patch", json_pack("{s:s, s:O, s:s}", "id", patch_record_id(r),
				 "version", json_object_get(b, "version"), "state",
				 patch_state_name(r->state)),
				 "%-24s version %-3lld %-13s seq %u", patch_record_id(r),
				 json_integer_value(json_object_get(b, "version")),
				 patch_state_name(r->state), r->seq);
	}
	return 0;
}

static struct patch_record *newest_named(struct monitor *m, const char *id)
{
	for (size_t i = m->nrecords; i-- > 0;)
		if (!strcmp(patch_record_id(&m->records[i]), id))
			return &m->records[i];
	return NULL;
}

int monitor_show(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX])
{
	struct patch_record *r = newest_named(m, id);
	json_t *all;
	char *text;

	if (!r) {
		snprintf(err, MONITOR_ERR_MAX, "no patch %s in the journal", id);
		return -1;
	}
	all = json_pack("{s:s, s:s, s:O, s:O, s:O}", "id", id, "state", patch_state_name(r->state),
			"patch", r->begin, "last", r->last_state ? r->last_state : json_null(),
			"steps", r->started);
	text = json_dumps(all, JSON_INDENT(2));
	fprintf(m->out, "%s\n", text ? text : "{}");
	free(text);
	json_decref(all);
	return 0;
}

/* A live patch that depends on `r`, or NULL. */
static struct patch_record *blocker_of(struct monitor *m, const struct patch_record *r,
				       const char **why)
{
	for (size_t i = 0; i < m->nrecords; i++) {
		struct patch_record *o = &m->records[i];
		json_t *dep;
		size_t k;

		if (o == r || o->state == PATCH_ROLLED_BACK)
			continue;
		json_array_foreach(json_object_get(o->begin, "deps"), k, dep) {
			if (!strcmp(json_string_value(dep), patch_record_id(r))) {
				*why = "depends on it";
				return o;
			}
		}
	}
	return NULL;
}

int monitor_rollback(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX])
{
	struct patch_record *r = monitor_find(m, id);
	struct patch_record *blocker;
	const char *why = NULL;

	if (!r) {
		snprintf(err, MONITOR_ERR_MAX, "patch %s is not applied", id);
		return -1;
	}
	blocker = blocker_of(m, r, &why);
	if (blocker) {
		snprintf(err, MONITOR_ERR_MAX, "patch %s cannot be rolled back: applied patch %s %s "
			 "(roll %s back first)", id, patch_record_id(blocker), why,
			 patch_record_id(blocker));
		return -1;
	}
	return monitor_revert(m, r, "rolled back on request", err);
}
