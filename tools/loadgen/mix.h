/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workload mixes: each decides, per queue, which task comes next, keeps
 * the files it uses in the shadow model, and marks a file busy while a
 * task works on it, so that no two requests for one file are ever in
 * flight and every answer is predictable.
 */
#ifndef SV_LOADGEN_MIX_H
#define SV_LOADGEN_MIX_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "rng.h"
#include "shadow.h"
#include "task.h"

enum lg_next {
	LG_NEXT_TASK, /* *t is the next task */
	LG_NEXT_WAIT, /* nothing can start until a running task ends */
	LG_NEXT_DONE, /* this queue's work is over */
};

struct lg_mix_config {
	enum lg_mix_kind kind;
	unsigned queues;
	unsigned concurrency;  /* tasks at once per queue */
	unsigned files;
	uint64_t requests;     /* measured requests over all queues */
	uint64_t seed;
	const char *run_id;    /* makes this run's directory names unique */
};

struct lg_mix;

struct lg_mix_ops {
	enum lg_next (*next)(struct lg_mix *m, unsigned q, struct lg_task *t);
	void (*done)(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok);
	void (*free)(struct lg_mix *m);
};

/* Each mix's state begins with this. */
struct lg_mix {
	const struct lg_mix_ops *ops;
	struct lg_mix_config cfg;
	struct lg_shadow *sh;
	struct lg_rng rng;
	bool wind_down; /* set by the engine: the measured phase is over */
};

/* NULL when out of memory. */
struct lg_mix *lg_mix_create(const struct lg_mix_config *cfg, struct lg_shadow *sh);

/* The next task for queue q, its file marked busy until the task comes
 * back to lg_mix_done, ok or not (a failed task's file is tainted). */
enum lg_next lg_mix_next(struct lg_mix *m, unsigned q, struct lg_task *t);
void lg_mix_done(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok);
void lg_mix_free(struct lg_mix *m);

/* For the mixes: queue q's share of the measured requests. */
uint64_t lg_mix_budget(const struct lg_mix_config *cfg, unsigned q);

/* A random usable file among files[0..n) that exists (or not): its shadow
 * index, or -1. */
int lg_mix_pick(struct lg_mix *m, const int *files, unsigned n, bool exists);

/* Before removing directory dir: if any of files[0..n) (its contents) is
 * tainted, it may still be there, so dir is tainted too and left alone.
 * Whether dir may be removed. */
bool lg_mix_dir_removable(struct lg_mix *m, int dir, const int *files, unsigned n);

struct lg_mix *lg_mix_postmark(const struct lg_mix_config *cfg, struct lg_shadow *sh);
struct lg_mix *lg_mix_sdet(const struct lg_mix_config *cfg, struct lg_shadow *sh);
struct lg_mix *lg_mix_malformed(const struct lg_mix_config *cfg, struct lg_shadow *sh);

#endif
