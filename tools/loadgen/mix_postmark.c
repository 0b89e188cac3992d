// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PostMark-like mix: per queue, a directory of small files (512 B to
 * 16 KiB of random content) created up front, then transactions, each a
 * create-or-delete paired with a read-or-append, as PostMark does, then
 * everything deleted. Every queue has its own directory, so queues never
 * wait for each other. One read in READS_PER_CHECKSUM asks for the file's
 * checksum (SV_OP_CHECKSUM) instead, so that the function the
 * checksum-fix binary patch replaces is called while the load runs.
 */
#include <stdlib.h>
#include <unistd.h>

#include "mix.h"

#define SIZE_MIN 512
#define SIZE_MAX_ SV_RING_DATA_MAX
#define APPEND_MAX 4096
/* A modest share: it keeps the function hot (at the tests' 1000
 * requests/s, some 24 checksums a second) while the mix stays PostMark's,
 * whose throughput and latency the benchmarks compare run to run: a
 * checksum costs the guest two divisions per byte where a read copies,
 * and checks the content only as 32 bits where a read checks every byte. */
#define READS_PER_CHECKSUM 8

enum pm_phase { PM_MKDIR, PM_CREATE, PM_TRANSACT, PM_DELETE, PM_RMDIR, PM_DONE };

struct pm_queue {
	enum pm_phase phase;
	int dir;
	int *pool;          /* shadow indices of the file names it may use */
	unsigned pool_len;
	unsigned initial;   /* files created up front */
	unsigned created;   /* of them, so far */
	unsigned active;    /* tasks out */
	uint64_t measured;  /* requests of transactions handed out */
	uint64_t budget;
	bool second_half;   /* the next task is the read-or-append half */
};

struct pm_mix {
	struct lg_mix base;
	struct pm_queue *queues;
};

static struct pm_queue *queue_of(struct lg_mix *m, unsigned q)
{
	return &((struct pm_mix *)m)->queues[q];
}

static int create_task(struct lg_mix *m, int f, struct lg_task *t)
{
	return lg_task_create(t, m->sh, f, &m->rng, lg_rng_range(&m->rng, SIZE_MIN, SIZE_MAX_));
}

/* Create or delete, half and half; whichever is possible. */
static int create_or_delete(struct lg_mix *m, struct pm_queue *pq, struct lg_task *t)
{
	bool create = lg_rng_next(&m->rng) & 1;
	int f = lg_mix_pick(m, pq->pool, pq->pool_len, !create);

	if (f < 0) {
		create = !create;
		f = lg_mix_pick(m, pq->pool, pq->pool_len, !create);
	}
	if (f < 0)
		return 1;
	return create ? create_task(m, f, t) : lg_task_delete(t, m->sh, f);
}

/* Read (or checksum) or append, half and half, on an existing file;
 * appends stop when the file reaches LG_FILE_MAX. */
static int read_or_append(struct lg_mix *m, struct pm_queue *pq, struct lg_task *t)
{
	int f = lg_mix_pick(m, pq->pool, pq->pool_len, true);
	uint64_t len = lg_rng_range(&m->rng, 1, APPEND_MAX);

	if (f < 0)
		return 1;
	if ((lg_rng_next(&m->rng) & 1) && m->sh->files[f].size + len <= LG_FILE_MAX)
		return lg_task_append(t, m->sh, f, &m->rng, len);
	if (lg_rng_next(&m->rng) % READS_PER_CHECKSUM == 0)
		return lg_task_checksum(t, m->sh, f);
	return lg_task_read(t, m->sh, f);
}

/* 0 a task, 1 nothing possible now, -1 out of memory. */
static int transaction_task(struct lg_mix *m, struct pm_queue *pq, struct lg_task *t)
{
	int ret = pq->second_half ? read_or_append(m, pq, t) : create_or_delete(m, pq, t);

	if (ret == 1)
		ret = pq->second_half ? create_or_delete(m, pq, t) : read_or_append(m, pq, t);
	if (!ret) {
		pq->second_half = !pq->second_half;
		t->measured = true;
		pq->measured += t->nsteps;
	}
	return ret;
}

static int phase_task(struct lg_mix *m, struct pm_queue *pq, struct lg_task *t)
{
	int f;

	switch (pq->phase) {
	case PM_MKDIR:
		return pq->active ? 1 : lg_task_mkdir(t, m->sh, pq->dir);
	case PM_CREATE:
		return pq->created == pq->initial ? 1 : create_task(m, pq->pool[pq->created++], t);
	case PM_TRANSACT:
		return transaction_task(m, pq, t);
	case PM_DELETE:
		f = lg_mix_pick(m, pq->pool, pq->pool_len, true);
		return f < 0 ? 1 : lg_task_delete(t, m->sh, f);
	case PM_RMDIR:
		return pq->active || !lg_mix_dir_removable(m, pq->dir, pq->pool, pq->pool_len) ? 1 :
		       lg_task_delete(t, m->sh, pq->dir);
	default:
		return 1;
	}
}

/* A phase is over when it has nothing left to start and nothing out. */
static bool phase_over(struct lg_mix *m, struct pm_queue *pq)
{
	switch (pq->phase) {
	case PM_MKDIR: return m->sh->files[pq->dir].exists || m->sh->files[pq->dir].tainted;
	case PM_CREATE: return pq->created == pq->initial || m->wind_down;
	case PM_TRANSACT: return pq->measured >= pq->budget || m->wind_down;
	case PM_DELETE: return lg_mix_pick(m, pq->pool, pq->pool_len, true) < 0;
	case PM_RMDIR: return !m->sh->files[pq->dir].exists || m->sh->files[pq->dir].tainted;
	default: return true;
	}
}

static enum lg_next pm_next(struct lg_mix *m, unsigned q, struct lg_task *t)
{
	struct pm_queue *pq = queue_of(m, q);
	int ret;

	while (pq->phase != PM_DONE && phase_over(m, pq) && !pq->active)
		pq->phase++;
	if (pq->phase == PM_DONE)
		return LG_NEXT_DONE;
	if (pq->phase == PM_TRANSACT && phase_over(m, pq))
		return LG_NEXT_WAIT;
	ret = phase_task(m, pq, t);
	if (ret)
		return ret < 0 ? LG_NEXT_DONE : LG_NEXT_WAIT;
	pq->active++;
	return LG_NEXT_TASK;
}

static void pm_done(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok)
{
	(void)t, (void)ok;
	queue_of(m, q)->active--;
}

static void pm_free(struct lg_mix *m)
{
	struct pm_mix *pm = (struct pm_mix *)m;

	for (unsigned q = 0; pm->queues && q < m->cfg.queues; q++)
		free(pm->queues[q].pool);
	free(pm->queues);
	free(pm);
}

static const struct lg_mix_ops pm_ops = { pm_next, pm_done, pm_free };

/* Twice as many names as files, so that creates find free ones. */
static int add_queue(struct pm_queue *pq, const struct lg_mix_config *cfg,
		     struct lg_shadow *sh, unsigned q)
{
	pq->initial = cfg->files / cfg->queues + (q < cfg->files % cfg->queues);
	pq->initial = pq->initial ? pq->initial : 1;
	pq->pool_len = 2 * pq->initial;
	pq->pool = malloc(pq->pool_len * sizeof(*pq->pool));
	pq->budget = lg_mix_budget(cfg, q);
	pq->dir = lg_shadow_add(sh, true, "/pm-%s-q%u", cfg->run_id, q);
	if (!pq->pool || pq->dir < 0)
		return -1;
	for (unsigned i = 0; i < pq->pool_len; i++)
		if ((pq->pool[i] = lg_shadow_add(sh, false, "/pm-%s-q%u/f%u", cfg->run_id, q, i)) < 0)
			return -1;
	return 0;
}

struct lg_mix *lg_mix_postmark(const struct lg_mix_config *cfg, struct lg_shadow *sh)
{
	struct pm_mix *pm = calloc(1, sizeof(*pm));

	if (!pm)
		return NULL;
	pm->base.ops = &pm_ops;
	pm->base.cfg = *cfg;
	pm->queues = calloc(cfg->queues, sizeof(*pm->queues));
	for (unsigned q = 0; pm->queues && q < cfg->queues; q++)
		if (add_queue(&pm->queues[q], cfg, sh, q))
			break;
	if (!pm->queues || !pm->queues[cfg->queues - 1].pool) {
		pm_free(&pm->base);
		return NULL;
	}
	return &pm->base;
}
