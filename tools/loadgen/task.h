/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A task: what one user-level file operation takes in ring requests
 * (creating a 20 KiB file is a CREATE and two WRITEs), run one request at
 * a time on one file, with what each answer must be. Its effect reaches
 * the shadow model only when every step was answered right.
 */
#ifndef SV_LOADGEN_TASK_H
#define SV_LOADGEN_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <sv/ring.h>

#include "rng.h"
#include "shadow.h"

#define LG_STEPS_MAX 8
#define LG_FILE_MAX (4 * SV_RING_DATA_MAX) /* appends stop growing a file here */

enum lg_check {
	LG_CHECK_STATUS,   /* the status alone */
	LG_CHECK_WRITTEN,  /* resp.len == req.len */
	LG_CHECK_CONTENT,  /* the data equals the shadow's bytes at offset */
	LG_CHECK_NEW_SIZE, /* resp.value == expect */
	LG_CHECK_STAT,     /* resp.value == expect, resp.arg the right kind */
	LG_CHECK_DIRENTS,  /* the names equal the shadow's children */
	LG_CHECK_CHECKSUM, /* resp.value is the Adler-32 of the shadow's bytes,
			    * or the kernel's known wrong sum of them */
};

struct lg_step {
	struct sv_ring_req req;
	uint64_t data_off;     /* the payload: content + data_off, req.len bytes */
	int32_t expect_status;
	enum lg_check check;
	uint64_t expect;
};

enum lg_effect { LG_EFFECT_NONE, LG_EFFECT_SET, LG_EFFECT_REMOVE };

struct lg_task {
	const char *name;      /* "create", "read", ... for messages */
	int file;              /* shadow index, -1 for none */
	unsigned stream;       /* the mix's own: which script or user */
	bool measured;         /* counts against --requests */
	enum lg_effect effect;
	uint8_t *content;      /* the file's content after the task (SET) */
	uint64_t content_len;
	struct lg_step steps[LG_STEPS_MAX];
	unsigned nsteps, cur;
};

/* Each builder returns 0, or -1 when out of memory. */
int lg_task_mkdir(struct lg_task *t, const struct lg_shadow *sh, int dir);
int lg_task_create(struct lg_task *t, const struct lg_shadow *sh, int file,
		   struct lg_rng *rng, uint64_t size);
int lg_task_read(struct lg_task *t, const struct lg_shadow *sh, int file);
int lg_task_checksum(struct lg_task *t, const struct lg_shadow *sh, int file);
int lg_task_append(struct lg_task *t, const struct lg_shadow *sh, int file,
		   struct lg_rng *rng, uint64_t len);
int lg_task_delete(struct lg_task *t, const struct lg_shadow *sh, int file);
int lg_task_stat(struct lg_task *t, const struct lg_shadow *sh, int file);
int lg_task_readdir(struct lg_task *t, const struct lg_shadow *sh, int dir);
/* One request on file (or on nothing, -1) that must fail with status;
 * req says what to send, its path taken as is. */
int lg_task_expect_error(struct lg_task *t, const char *name, int file,
			 const struct sv_ring_req *req, int32_t status);

/* The shadow takes the finished task's effect. */
int lg_task_apply(const struct lg_task *t, struct lg_shadow *sh);

void lg_task_free(struct lg_task *t);

#endif
