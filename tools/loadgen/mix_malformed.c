// SPDX-License-Identifier: GPL-2.0-only
/*
 * The malformed mix: requests the guest must refuse, each with the right
 * error (SV_ENOSYS for an unknown opcode, SV_EINVAL for bad lengths and
 * paths, SV_EFBIG for offsets past any file), each round ending with a
 * normal read that must still succeed. Per queue: a directory and a file
 * to aim at, the rounds, then both removed.
 */
#include <stdlib.h>
#include <string.h>

#include "mix.h"

#define FILE_SIZE 100
#define FAR_OFFSET (1ull << 62)

enum mf_phase { MF_MKDIR, MF_CREATE, MF_PROBE, MF_DELETE, MF_RMDIR, MF_DONE };

struct mf_queue {
	enum mf_phase phase;
	int dir, file;
	unsigned next_probe;
	unsigned active;
	uint64_t measured, budget;
};

struct mf_mix {
	struct lg_mix base;
	struct mf_queue *queues;
};

struct probe {
	const char *name;
	uint32_t op;
	uint32_t path_len;  /* 0: the file's own */
	const char *path;   /* NULL: the file's */
	uint64_t offset, len;
	int32_t status;
};

static const struct probe probes[] = {
	{ "bad-opcode", SV_OP_MAX + 7, 0, NULL, 0, 0, SV_ENOSYS },
	{ "path-too-long", SV_OP_STAT, SV_RING_PATH_MAX + 1, NULL, 0, 0, SV_EINVAL },
	{ "empty-path", SV_OP_STAT, 0, "", 0, 0, SV_EINVAL },
	{ "relative-path", SV_OP_STAT, 0, "relative/path", 0, 0, SV_EINVAL },
	{ "write-too-long", SV_OP_WRITE, 0, NULL, 0, SV_RING_DATA_MAX + 1, SV_EINVAL },
	{ "read-too-long", SV_OP_READ, 0, NULL, 0, SV_RING_DATA_MAX + 1, SV_EINVAL },
	{ "read-far", SV_OP_READ, 0, NULL, FAR_OFFSET, 16, SV_EFBIG },
	{ "write-far", SV_OP_WRITE, 0, NULL, FAR_OFFSET, 16, SV_EFBIG },
	{ "truncate-far", SV_OP_TRUNCATE, 0, NULL, FAR_OFFSET, 0, SV_EFBIG },
};

#define PROBES (sizeof(probes) / sizeof(probes[0]))

static struct mf_queue *queue_of(struct lg_mix *m, unsigned q)
{
	return &((struct mf_mix *)m)->queues[q];
}

/* Probe i of a round, or (i == PROBES) the round's normal read. */
static int round_task(struct lg_mix *m, struct mf_queue *mq, unsigned i, struct lg_task *t)
{
	const struct probe *p = &probes[i];
	const char *path = p->path ? p->path : m->sh->files[mq->file].path;
	struct sv_ring_req req = { .op = p->op, .offset = p->offset, .len = p->len };

	if (i == PROBES)
		return lg_task_read(t, m->sh, mq->file);
	req.path_len = p->path_len ? p->path_len : (uint32_t)strlen(path);
	memcpy(req.path, path, strlen(path));
	/* A too-long path_len is sent as such; the bytes are the file's. */
	return lg_task_expect_error(t, p->name, -1, &req, p->status);
}

static int phase_task(struct lg_mix *m, struct mf_queue *mq, struct lg_task *t)
{
	int ret;

	switch (mq->phase) {
	case MF_MKDIR:
		return mq->active ? 1 : lg_task_mkdir(t, m->sh, mq->dir);
	case MF_CREATE:
		return mq->active ? 1 : lg_task_create(t, m->sh, mq->file, &m->rng, FILE_SIZE);
	case MF_PROBE:
		/* The read must not overlap another read of the same file. */
		if (mq->next_probe == PROBES && !lg_shadow_usable(m->sh, mq->file))
			return 1;
		ret = round_task(m, mq, mq->next_probe, t);
		mq->next_probe = (mq->next_probe + 1) % (PROBES + 1);
		t->measured = true;
		mq->measured += t->nsteps;
		return ret;
	case MF_DELETE:
		return mq->active || !lg_shadow_usable(m->sh, mq->file) ? 1 :
		       lg_task_delete(t, m->sh, mq->file);
	case MF_RMDIR:
		return mq->active || !lg_shadow_usable(m->sh, mq->dir) ? 1 :
		       lg_task_delete(t, m->sh, mq->dir);
	default:
		return 1;
	}
}

static bool phase_over(struct lg_mix *m, const struct mf_queue *mq)
{
	const struct lg_file *dir = &m->sh->files[mq->dir], *file = &m->sh->files[mq->file];

	switch (mq->phase) {
	case MF_MKDIR: return dir->exists || dir->tainted;
	case MF_CREATE: return file->exists || file->tainted;
	case MF_PROBE: return (mq->measured >= mq->budget || m->wind_down) && !mq->next_probe;
	case MF_DELETE: return !file->exists || file->tainted;
	case MF_RMDIR: return !dir->exists || dir->tainted || file->tainted;
	default: return true;
	}
}

static enum lg_next mf_next(struct lg_mix *m, unsigned q, struct lg_task *t)
{
	struct mf_queue *mq = queue_of(m, q);
	int ret;

	while (mq->phase != MF_DONE && !mq->active && phase_over(m, mq))
		mq->phase++;
	if (mq->phase == MF_DONE)
		return LG_NEXT_DONE;
	if (mq->phase == MF_PROBE && phase_over(m, mq))
		return LG_NEXT_WAIT;
	ret = phase_task(m, mq, t);
	if (ret)
		return ret < 0 ? LG_NEXT_DONE : LG_NEXT_WAIT;
	mq->active++;
	return LG_NEXT_TASK;
}

static void mf_done(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok)
{
	(void)t, (void)ok;
	queue_of(m, q)->active--;
}

static void mf_free(struct lg_mix *m)
{
	free(((struct mf_mix *)m)->queues);
	free(m);
}

static const struct lg_mix_ops mf_ops = { mf_next, mf_done, mf_free };

struct lg_mix *lg_mix_malformed(const struct lg_mix_config *cfg, struct lg_shadow *sh)
{
	struct mf_mix *mf = calloc(1, sizeof(*mf));

	if (!mf)
		return NULL;
	mf->base.ops = &mf_ops;
	mf->queues = calloc(cfg->queues, sizeof(*mf->queues));
	for (unsigned q = 0; mf->queues && q < cfg->queues; q++) {
		struct mf_queue *mq = &mf->queues[q];

		mq->budget = lg_mix_budget(cfg, q);
		mq->dir = lg_shadow_add(sh, true, "/mf-%s-q%u", cfg->run_id, q);
		mq->file = lg_shadow_add(sh, false, "/mf-%s-q%u/target", cfg->run_id, q);
		if (mq->dir < 0 || mq->file < 0) {
			mf_free(&mf->base);
			return NULL;
		}
	}
	if (!mf->queues) {
		mf_free(&mf->base);
		return NULL;
	}
	return &mf->base;
}
