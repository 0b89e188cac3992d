/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The patch monitor: applies a bundle to a running guest step by step,
 * rolls back what it did when a step fails, and keeps the journal that
 * lets a restarted monitor finish what a killed one left (journal.h).
 *
 *   verify    the bundle's signature against the keys the VMM was started
 *             with, its target build-id against the running guest, its
 *             dependencies against the applied patches, the versions it
 *             updates against the guest's classes and objects
 *   plan      the steps and what each touches (--dry-run stops here)
 *   load      link into free patch-area space, write it, LOAD
 *   apply     FACTORY and INSTANCES batches per class, OBJECT, SERVICE,
 *             then every health CHECK
 *   commit    COMMIT; or, on any failure, every started step reverted
 *             newest first, UNLOAD, the space freed
 *
 * Every step is journaled before it starts and when it answers.
 */
#ifndef SV_PATCHER_MONITOR_H
#define SV_PATCHER_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "journal.h"
#include "vmm_session.h"

#define MONITOR_ERR_MAX 1024
#define MONITOR_BATCH 16 /* instances per INSTANCES step */
/* UNLOAD waits until every thread alive then has ended (one may still run
 * the module's code). That is no hot swap: a thread that held a swap up
 * past --timeout is what the rollback's UNLOAD waits out, so it gets the
 * longest wait the VMM allows (CONTROL_STEP_TIMEOUT_MS_MAX) instead. */
#define MONITOR_UNLOAD_TIMEOUT_MS 60000u

struct monitor_options {
	const char *socket;
	const char *journal_dir;  /* NULL: socket + ".patches" */
	unsigned timeout_ms;      /* per hot swap; 0: the VMM's default */
	unsigned stop_wait_ms;    /* a binary patch's wait for threads; 0: QS_RETRY_DEFAULT's */
	bool dry_run;
	bool json;                /* progress and report as JSON lines */
};

struct monitor {
	const struct monitor_options *opt;
	struct vmm_session vmm;
	struct journal journal;
	struct patch_record *records; /* every journaled patch, oldest first */
	size_t nrecords;
	FILE *out;
};

/* Connects, takes the journal and finishes whatever a killed monitor left
 * half done (rolls back, or commits what had passed its checks); what the
 * guest does not let it finish is reported and left for the next one. */
int monitor_open(struct monitor *m, const struct monitor_options *o, char err[MONITOR_ERR_MAX]);
void monitor_close(struct monitor *m);

int monitor_apply(struct monitor *m, const char *bundle_path, char err[MONITOR_ERR_MAX]);
int monitor_rollback(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX]);
int monitor_list(struct monitor *m, char err[MONITOR_ERR_MAX]);
int monitor_show(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX]);

/* ---- shared by the monitor's files ---------------------------------- */

/* Reverts every started step of rec newest first, unloads the module and
 * journals the rollback (`reason` says why, for show). */
int monitor_revert(struct monitor *m, struct patch_record *rec, const char *reason,
		   char err[MONITOR_ERR_MAX]);

/* Sends one step, journaling it before and after; *answer is the guest's
 * answer. A step whose answer says it failed returns -1 with err. A step
 * without "timeout_ms" of its own gets --timeout's. */
int monitor_step(struct monitor *m, struct patch_record *rec, json_t *step, json_t **answer,
		 char err[MONITOR_ERR_MAX]);

/* Whether a step is the monitor's own rather than the guest's: "jumps"
 * (monitor_binary.c) rewrites function entries with the world stopped;
 * "mirror" and "mirror-end" (binary_mirrors.h) start and end mirrors. */
bool monitor_host_step(json_t *step);
/* Runs a "jumps" step (or its revert): *answer is like a guest step's,
 * status SV_EBUSY when the threads in the way never left. -1 with err
 * when it could not be tried. */
int monitor_binary_step(struct monitor *m, struct patch_record *rec, json_t *step,
			json_t **answer, char err[MONITOR_ERR_MAX]);

/* What of a patch the guest itself holds, from its begin record: a
 * module to LOAD (anything but function replacements and mirrors, which
 * are the monitor's alone, needs one), and changes to COMMIT (classes,
 * objects, services). */
bool monitor_guest_loads(json_t *begin);
bool monitor_guest_commits(json_t *begin);

/* The module handle the guest gave patch `id`, or -1 if it has none. */
long monitor_guest_handle(struct monitor *m, const char *id, char err[MONITOR_ERR_MAX]);

/* A progress line (or, with --json, a JSON event). */
void monitor_progress(struct monitor *m, const char *event, json_t *fields, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* After a step of `current` the guest left unanswered: appends to err
 * where each vCPU was (kernel function, or the code of `current` or of a
 * live patch), looked at with the VM paused. */
void monitor_name_vcpus(struct monitor *m, const struct patch_record *current,
			char err[MONITOR_ERR_MAX]);

/* A patch recovery could not finish (still applying, committing or
 * rolling back), or NULL: nothing new is applied while there is one. */
struct patch_record *monitor_unfinished(struct monitor *m);

/* The live patch `id` (not rolled back), or NULL. */
struct patch_record *monitor_find(struct monitor *m, const char *id);

#endif
