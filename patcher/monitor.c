// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor's session, its steps, rollback and recovery (monitor.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "binary_mirrors.h"
#include "monitor.h"

void monitor_progress(struct monitor *m, const char *event, json_t *fields, const char *fmt, ...)
{
	va_list ap;

	if (m->opt->json) {
		json_t *line = fields ? fields : json_object();
		char *text;

		json_object_set_new(line, "event", json_string(event));
		text = json_dumps(line, JSON_COMPACT);
		fprintf(m->out, "%s\n", text ? text : "{}");
		free(text);
		json_decref(line);
	} else {
		json_decref(fields);
		va_start(ap, fmt);
		vfprintf(m->out, fmt, ap);
		va_end(ap);
		fputc('\n', m->out);
	}
	fflush(m->out);
}

struct patch_record *monitor_find(struct monitor *m, const char *id)
{
	for (size_t i = m->nrecords; i-- > 0;) {
		struct patch_record *r = &m->records[i];

		if (r->state != PATCH_ROLLED_BACK && !strcmp(patch_record_id(r), id))
			return r;
	}
	return NULL;
}

int monitor_step(struct monitor *m, struct patch_record *rec, json_t *step, json_t **answer,
		 char err[MONITOR_ERR_MAX])
{
	char why[SESSION_ERR_MAX];
	json_int_t status;

	*answer = NULL;
	if (m->opt->timeout_ms && !json_object_get(step, "timeout_ms"))
		json_object_set_new(step, "timeout_ms", json_integer(m->opt->timeout_ms));
	if (journal_started(rec, step, err))
		return -1;
	if (monitor_host_step(step)) {
		if (!strcmp(json_string_value(json_object_get(step, "step")), "jumps")
			    ? monitor_binary_step(m, rec, step, answer, err)
			    : monitor_mirror_step(m, step, answer, err))
			return -1;
	} else if (vmm_patch_step(&m->vmm, step, answer, why)) {
		snprintf(err, MONITOR_ERR_MAX, "step %s: %s", json_string_value(json_object_get(step, "step")), why);
		monitor_name_vcpus(m, rec, err);
		return -1;
	}
	if (journal_done(rec, step, *answer, err))
		return -1;
	status = json_integer_value(json_object_get(*answer, "status"));
	if (!status)
		return 0;
	snprintf(err, MONITOR_ERR_MAX, "%s (%s)",
		 json_string_value(json_object_get(*answer, "detail")) ?: "",
		 json_string_value(json_object_get(*answer, "status_name")) ?: "error");
	return -1;
}

static json_int_t count_of(json_t *begin, const char *key)
{
	return json_integer_value(json_object_get(begin, key));
}

bool monitor_guest_commits(json_t *begin)
{
	return count_of(begin, "classes") || count_of(begin, "objects") ||
	       count_of(begin, "services");
}

bool monitor_guest_loads(json_t *begin)
{
	return monitor_guest_commits(begin) || count_of(begin, "checks");
}

bool monitor_host_step(json_t *step)
{
	const char *name = json_string_value(json_object_get(step, "step"));

	return name && (!strcmp(name, "jumps") || !strcmp(name, "mirror") ||
			!strcmp(name, "mirror-end"));
}

long monitor_guest_handle(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX])
{
	json_t *info, *mod;
	size_t i;
	long handle = -1;

	if (vmm_update_info(&m->vmm, &info, err))
		return -2;
	json_array_foreach(json_object_get(info, "modules"), i, mod) {
		const char *mid = json_string_value(json_object_get(mod, "id"));

		if (mid && !strcmp(mid, id))
			handle = (long)json_integer_value(json_object_get(mod, "handle"));
	}
	json_decref(info);
	return handle;
}

/* The revert of a started step, or NULL for steps that change nothing
 * (LOAD, CHECK, COMMIT, UNLOAD are not reverted: UNLOAD ends it all). */
static json_t *revert_of(json_t *step, long handle)
{
	if (handle < 0 && !monitor_host_step(step))
		return NULL; /* the guest has no module: nothing of it to revert there */
	const char *name = json_string_value(json_object_get(step, "step"));
	static const char *const reverted[] = { "factory", "instances", "object", "service",
						"jumps", "mirror", "mirror-end" };
	json_t *r;

	if (json_is_true(json_object_get(step, "revert")))
		return NULL; /* a revert of an earlier attempt: repeated from its step */
	for (size_t i = 0; i < sizeof(reverted) / sizeof(reverted[0]); i++) {
		if (name && !strcmp(name, reverted[i])) {
			r = json_deep_copy(step);
			json_object_set_new(r, "revert", json_true());
			json_object_set_new(r, "handle", json_integer(handle));
			json_object_del(r, "timeout_ms");
			return r;
		}
	}
	return NULL;
}

static int revert_steps(struct monitor *m, struct patch_record *rec, long handle,
			char err[MONITOR_ERR_MAX])
{
	json_t *started = json_deep_copy(rec->started);
	int ret = 0;

	for (size_t i = json_array_size(started); !ret && i-- > 0;) {
		json_t *step = revert_of(json_array_get(started, i), handle);
		json_t *answer;

		if (!step)
			continue;
		ret = monitor_step(m, rec, step, &answer, err);
		if (!ret)
			monitor_progress(m, "reverted", json_pack("{s:O, s:O}", "step", step, "answer",
								  answer),
					 "  reverted %s %lld: %lld changed back",
					 json_string_value(json_object_get(step, "step")),
					 json_integer_value(json_object_get(step, "change")),
					 json_integer_value(json_object_get(answer, "done")));
		json_decref(answer);
		json_decref(step);
	}
	json_decref(started);
	return ret;
}

int monitor_revert(struct monitor *m, struct patch_record *rec, const char *reason,
		   char err[MONITOR_ERR_MAX])
{
	const char *id = patch_record_id(rec);
	long handle;
	json_t *unload, *answer = NULL;

	if (rec->state != PATCH_ROLLING_BACK &&
	    journal_state(rec, PATCH_ROLLING_BACK, json_pack("{s:s}", "reason", reason), err))
		return -1;
	monitor_progress(m, "rolling-back", json_pack("{s:s, s:s}", "id", id, "reason", reason),
			 "rolling back %s: %s", id, reason);
	handle = monitor_guest_handle(m, id, err);
	if (handle < -1 || revert_steps(m, rec, handle, err))
		return -1;
	if (handle >= 0) {
		unload = json_pack("{s:s, s:I, s:I}", "step", "unload", "handle", (json_int_t)handle,
				   "timeout_ms", (json_int_t)MONITOR_UNLOAD_TIMEOUT_MS);
		if (monitor_step(m, rec, unload, &answer, err)) {
			json_decref(unload);
			json_decref(answer);
			return -1;
		}
		json_decref(unload);
		json_decref(answer);
	}
	if (journal_state(rec, PATCH_ROLLED_BACK, NULL, err))
		return -1;
	monitor_progress(m, "rolled-back", json_pack("{s:s}", "id", id), "rolled back %s", id);
	return 0;
}

/* A patch left committing had passed its checks: it is committed (COMMIT
 * is idempotent). Unless the guest has no module of it: a VM started
 * since on the same socket holds nothing of it, and committing could
 * never succeed; failing here would stop every later monitor too. */
static int recover_commit(struct monitor *m, struct patch_record *r, char err[MONITOR_ERR_MAX])
{
	const char *id = patch_record_id(r);
	long handle = monitor_guest_handle(m, id, err);
	json_t *commit, *answer = NULL;
	int ret;

	if (handle < -1)
		return -1;
	if (!monitor_guest_commits(r->begin))
		return journal_state(r, PATCH_COMMITTED, NULL, err);
	if (handle == -1)
		return monitor_revert(m, r, "the guest has none of it (the VM was restarted?)", err);
	commit = json_pack("{s:s, s:I}", "step", "commit", "handle", (json_int_t)handle);
	ret = monitor_step(m, r, commit, &answer, err) ||
	      journal_state(r, PATCH_COMMITTED, NULL, err) ? -1 : 0;
	json_decref(commit);
	json_decref(answer);
	if (!ret)
		monitor_progress(m, "committed", json_pack("{s:s}", "id", id),
				 "committed %s (its checks had passed)", id);
	return ret;
}

/* Finishes what a killed monitor left: a patch that had passed its checks
 * is committed, anything else half done (applying, or rolling back) is
 * rolled back. One the guest does not let finish (it is still busy with a
 * step, say) stays as it is, said so, and is tried again by the next
 * monitor; the rest go on. */
static void recover(struct monitor *m)
{
	for (size_t i = m->nrecords; i-- > 0;) {
		struct patch_record *r = &m->records[i];
		char err[MONITOR_ERR_MAX];
		int ret = 0;

		if (r->state == PATCH_APPLYING)
			ret = monitor_revert(m, r, "the monitor stopped while applying it", err);
		else if (r->state == PATCH_ROLLING_BACK)
			ret = monitor_revert(m, r, "the monitor stopped while rolling it back", err);
		else if (r->state == PATCH_COMMITTING)
			ret = recover_commit(m, r, err);
		if (ret)
			monitor_progress(m, "unfinished", json_pack("{s:s, s:s, s:s}", "id",
					 patch_record_id(r), "state", patch_state_name(r->state),
					 "error", err),
					 "patch %s stays %s: %s (the next swapctl patch command tries again)",
					 patch_record_id(r), patch_state_name(r->state), err);
	}
}

struct patch_record *monitor_unfinished(struct monitor *m)
{
	for (size_t i = 0; i < m->nrecords; i++)
		if (m->records[i].state == PATCH_APPLYING ||
		    m->records[i].state == PATCH_ROLLING_BACK ||
		    m->records[i].state == PATCH_COMMITTING)
			return &m->records[i];
	return NULL;
}

int monitor_open(struct monitor *m, const struct monitor_options *o, char err[MONITOR_ERR_MAX])
{
	char dir[4096];

	*m = (struct monitor){ .opt = o, .out = stdout };
	snprintf(dir, sizeof(dir), "%s.patches", o->socket);
	if (vmm_session_open(&m->vmm, o->socket, err))
		return -1;
	if (journal_open(&m->journal, o->journal_dir ? o->journal_dir : dir, err) ||
	    journal_load(&m->journal, &m->records, &m->nrecords, err)) {
		monitor_close(m);
		return -1;
	}
	recover(m);
	return 0;
}

void monitor_close(struct monitor *m)
{
	journal_records_free(m->records, m->nrecords);
	journal_close(&m->journal);
	vmm_session_close(&m->vmm);
	m->records = NULL;
	m->nrecords = 0;
}
