/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The patch journal: what the monitor has done to a guest, on disk, so
 * that a monitor killed at any point and started again finds every patch
 * committed or rolled back, never half applied.
 *
 * One directory per VM (by default the control socket's path + ".patches")
 * holds, per patch, a copy of its bundle and an append-only file of JSON
 * lines, each written and fsync'd before the step it announces starts and
 * again when it has ended:
 *
 *   {"begin":{id, version, bundle, text/data placement, changes...}}
 *   {"state":"applying"|"committing"|"committed"|"rolling-back"|"rolled-back", ...}
 *   {"start":{step}}   {"done":{step, answer}}
 *
 * A torn last line (the kill came mid-write) is ignored: the step it
 * would have announced had not started. A lock file keeps two monitors
 * off one directory. For the crash tests, SV_JOURNAL_CRASH_AFTER=N in the
 * environment kills the process right after the N-th line it made
 * durable (docs/patch-bundles.md, "The journal").
 */
#ifndef SV_PATCHER_JOURNAL_H
#define SV_PATCHER_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JOURNAL_ERR_MAX 512

enum patch_state {
	PATCH_APPLYING,     /* steps under way; a restart rolls it back */
	PATCH_COMMITTING,   /* health checks passed; a restart commits it */
	PATCH_COMMITTED,
	PATCH_ROLLING_BACK, /* a restart finishes the rollback */
	PATCH_ROLLED_BACK,
	PATCH_STATES
};

const char *patch_state_name(enum patch_state s);

struct journal {
	char *dir;
	int lock_fd;
};

struct patch_record {
	char *path;          /* the journal file */
	unsigned seq;        /* order of application */
	enum patch_state state;
	json_t *begin;       /* the begin record */
	json_t *started;     /* array: every step started, in order */
	json_t *last_state;  /* the last state line (reason, report) */
};

/* Opens (creating) dir and takes its lock; -1 with err if another
 * monitor holds it or the directory cannot be made. */
int journal_open(struct journal *j, const char *dir, char err[JOURNAL_ERR_MAX]);
void journal_close(struct journal *j);

/* Every patch the journal knows, oldest first. */
int journal_load(struct journal *j, struct patch_record **out, size_t *n,
		 char err[JOURNAL_ERR_MAX]);
void journal_records_free(struct patch_record *r, size_t n);
void patch_record_release(struct patch_record *r);

/* Starts a patch's journal with its begin record (steals `begin`) and a
 * copy of the bundle file; the record comes back in `rec`. */
int journal_begin(struct journal *j, unsigned seq, json_t *begin, const char *bundle_path,
		  struct patch_record *rec, char err[JOURNAL_ERR_MAX]);

/* Appends one line (steals it) and fsyncs; the record follows it. */
int journal_append(struct patch_record *rec, json_t *line, char err[JOURNAL_ERR_MAX]);

/* Shorthands for the lines: a state change (reason may be NULL), a step
 * about to start, a step's answer. */
int journal_state(struct patch_record *rec, enum patch_state s, json_t *extra,
		  char err[JOURNAL_ERR_MAX]);
int journal_started(struct patch_record *rec, json_t *step, char err[JOURNAL_ERR_MAX]);
int journal_done(struct patch_record *rec, json_t *step, json_t *answer,
		 char err[JOURNAL_ERR_MAX]);

/* The patch's id and version from its begin record. */
const char *patch_record_id(const struct patch_record *r);

#endif
