// SPDX-License-Identifier: GPL-2.0-only
/*
 * The patch journal (journal.h). Durability: a line is written with one
 * write() and fsync'd before the caller goes on; a new file's directory
 * entry is fsync'd too, so a crash right after journal_begin still finds
 * the patch.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"

#define JOURNAL_SUFFIX ".journal"

static const char *const state_names[PATCH_STATES] = {
	[PATCH_APPLYING] = "applying",
	[PATCH_COMMITTING] = "committing",
	[PATCH_COMMITTED] = "committed",
	[PATCH_ROLLING_BACK] = "rolling-back",
	[PATCH_ROLLED_BACK] = "rolled-back",
};

const char *patch_state_name(enum patch_state s)
{
	return (unsigned)s < PATCH_STATES ? state_names[s] : "unknown";
}

static int fail(char err[JOURNAL_ERR_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(char err[JOURNAL_ERR_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, JOURNAL_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static int fsync_dir(const char *dir, char err[JOURNAL_ERR_MAX])
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = fd < 0 || fsync(fd) ? -1 : 0;

	if (ret)
		fail(err, "%s: fsync: %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ret;
}

int journal_open(struct journal *j, const char *dir, char err[JOURNAL_ERR_MAX])
{
	char lock[4096];

	*j = (struct journal){ .lock_fd = -1 };
	if (mkdir(dir, 0700) && errno != EEXIST)
		return fail(err, "patch journal %s: %s", dir, strerror(errno));
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	j->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->lock_fd < 0)
		return fail(err, "patch journal %s: %s", lock, strerror(errno));
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB)) {
		close(j->lock_fd);
		j->lock_fd = -1;
		return fail(err, "patch journal %s: another monitor is patching this VM", dir);
	}
	j->dir = strdup(dir);
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	free(j->dir);
	*j = (struct journal){ .lock_fd = -1 };
}

static enum patch_state state_by_name(const char *name)
{
	for (unsigned s = 0; name && s < PATCH_STATES; s++)
		if (!strcmp(name, state_names[s]))
			return (enum patch_state)s;
	return PATCH_STATES;
}

/* Takes one line into the record; a line that does not parse can only be
 * the torn last one, and is skipped. */
static void replay_line(struct patch_record *r, const char *line)
{
	json_t *v = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	json_t *x;

	if (!json_is_object(v)) {
		json_decref(v);
		return;
	}
	if ((x = json_object_get(v, "begin")) && !r->begin)
		r->begin = json_incref(x);
	else if ((x = json_object_get(v, "start")))
		json_array_append(r->started, x);
	else if (json_object_get(v, "state") &&
		 state_by_name(json_string_value(json_object_get(v, "state"))) < PATCH_STATES) {
		r->state = state_by_name(json_string_value(json_object_get(v, "state")));
		json_decref(r->last_state);
		r->last_state = json_incref(v);
	}
	json_decref(v);
}

static int replay_file(struct patch_record *r, char err[JOURNAL_ERR_MAX])
{
	FILE *f = fopen(r->path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return fail(err, "%s: %s", r->path, strerror(errno));
	r->started = json_array();
	r->state = PATCH_APPLYING;
	while (getline(&line, &cap, f) > 0)
		replay_line(r, line);
	free(line);
	fclose(f);
	if (!r->begin)
		return fail(err, "%s: no begin record: not a patch journal", r->path);
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	const struct patch_record *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int load_entry(struct journal *j, const char *name, struct patch_record *r,
		      char err[JOURNAL_ERR_MAX])
{
	size_t len = strlen(name), suffix = strlen(JOURNAL_SUFFIX);

	if (len <= suffix || strcmp(name + len - suffix, JOURNAL_SUFFIX))
		return 1;
	*r = (struct patch_record){ .seq = (unsigned)strtoul(name, NULL, 10) };
	if (asprintf(&r->path, "%s/%s", j->dir, name) < 0)
		return fail(err, "out of memory");
	return replay_file(r, err);
}

int journal_load(struct journal *j, struct patch_record **out, size_t *n,
		 char err[JOURNAL_ERR_MAX])
{
	DIR *d = opendir(j->dir);
	struct dirent *e;
	struct patch_record *recs = NULL;
	size_t count = 0;
	int ret = 0;

	if (!d)
		return fail(err, "%s: %s", j->dir, strerror(errno));
	while (!ret && (e = readdir(d))) {
		struct patch_record r;
		int got = load_entry(j, e->d_name, &r, err);
		struct patch_record *grown;

		if (got > 0)
			continue;
		grown = got ? NULL : realloc(recs, (count + 1) * sizeof(*recs));
		if (!grown) {
			patch_record_release(&r);
			ret = got ? got : fail(err, "out of memory");
			continue;
		}
		recs = grown;
		recs[count++] = r;
	}
	closedir(d);
	if (ret) {
		journal_records_free(recs, count);
		return ret;
	}
	qsort(recs, count, sizeof(*recs), by_seq);
	*out = recs;
	*n = count;
	return 0;
}

void patch_record_release(struct patch_record *r)
{
	free(r->path);
	json_decref(r->begin);
	json_decref(r->started);
	json_decref(r->last_state);
	*r = (struct patch_record){ .path = NULL };
}

void journal_records_free(struct patch_record *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		patch_record_release(&r[i]);
	free(r);
}

static int copy_bundle(const char *from, const char *to, char err[JOURNAL_ERR_MAX])
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char buf[65536];
	ssize_t n = 0;
	int ret = -1;

	if (in >= 0 && out >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		ret = n == 0 && !fsync(out) ? 0 : -1;
	}
	if (ret)
		fail(err, "copying %s to %s: %s", from, to, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

int journal_begin(struct journal *j, unsigned seq, json_t *begin, const char *bundle_path,
		  struct patch_record *rec, char err[JOURNAL_ERR_MAX])
{
	const char *id = json_string_value(json_object_get(begin, "id"));
	char copy[4096];

	snprintf(copy, sizeof(copy), "%s/%04u-%s.svp", j->dir, seq, id ? id : "patch");
	*rec = (struct patch_record){ .seq = seq, .state = PATCH_APPLYING,
				      .started = json_array() };
	if (asprintf(&rec->path, "%s/%04u-%s" JOURNAL_SUFFIX, j->dir, seq, id ? id : "patch") < 0)
		rec->path = NULL;
	if (!rec->path || copy_bundle(bundle_path, copy, err)) {
		json_decref(begin);
		return rec->path ? -1 : fail(err, "out of memory");
	}
	json_object_set_new(begin, "bundle_copy", json_string(copy));
	rec->begin = json_incref(begin);
	if (journal_append(rec, json_pack("{s:o}", "begin", begin), err) ||
	    journal_state(rec, PATCH_APPLYING, NULL, err))
		return -1;
	return fsync_dir(j->dir, err);
}

/* Fault injection for the crash tests: SV_JOURNAL_CRASH_AFTER=N kills
 * this process with SIGKILL, as a crash would, right after the N-th
 * journal line it made durable. */
static void crash_point(void)
{
	static unsigned long lines;
	const char *after = getenv("SV_JOURNAL_CRASH_AFTER");

	if (after && ++lines == strtoul(after, NULL, 10))
		raise(SIGKILL);
}

int journal_append(struct patch_record *rec, json_t *line, char err[JOURNAL_ERR_MAX])
{
	char *text = json_dumps(line, JSON_COMPACT);
	int fd = open(rec->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int ret = -1;

	if (text && fd >= 0) {
		size_t len = strlen(text);

		text[len] = '\n'; /* json_dumps' NUL becomes the newline */
		ret = write(fd, text, len + 1) == (ssize_t)(len + 1) && !fsync(fd) ? 0 : -1;
	}
	if (ret)
		fail(err, "%s: writing the journal: %s", rec->path,
		     text ? strerror(errno) : "out of memory");
	if (fd >= 0)
		close(fd);
	free(text);
	json_decref(line);
	if (!ret)
		crash_point();
	return ret;
}

int journal_state(struct patch_record *rec, enum patch_state s, json_t *extra,
		  char err[JOURNAL_ERR_MAX])
{
	json_t *line = json_pack("{s:s}", "state", state_names[s]);

	if (extra)
		json_object_update(line, extra);
	json_decref(extra);
	json_decref(rec->last_state);
	rec->last_state = json_incref(line);
	rec->state = s;
	return journal_append(rec, line, err);
}

int journal_started(struct patch_record *rec, json_t *step, char err[JOURNAL_ERR_MAX])
{
	json_array_append(rec->started, step);
	return journal_append(rec, json_pack("{s:O}", "start", step), err);
}

int journal_done(struct patch_record *rec, json_t *step, json_t *answer,
		 char err[JOURNAL_ERR_MAX])
{
	return journal_append(rec, json_pack("{s:O, s:O}", "done", step, "answer", answer), err);
}

const char *patch_record_id(const struct patch_record *r)
{
	return json_string_value(json_object_get(r->begin, "id"));
}
