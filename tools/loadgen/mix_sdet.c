// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SDET-like mix: concurrent "users", each running a script of small
 * file commands (create, write, read, append, stat, readdir, delete, and
 * now and then one that must fail) like a shell script. Users share a
 * set of read-only files, created before any script starts and deleted
 * after all have ended, and each has a private directory only it writes.
 * Queue q runs `concurrency` users, each one command at a time; queue 0
 * also does the set-up and the tear-down.
 */
#include <string.h>
#include <stdlib.h>

#include "mix.h"

#define PRIVATE_FILES 8
#define FILE_SIZE_MAX 4096
#define APPEND_MAX 1024

enum sdet_phase { SD_MKDIR, SD_RUN, SD_CLEAN, SD_RMDIR, SD_DONE };

struct sdet_user {
	enum sdet_phase phase;
	bool active;
	int dir;
	int files[PRIVATE_FILES];
	uint64_t measured, budget;
};

enum sdet_global { SG_ROOT, SG_SHARED_DIR, SG_SHARED_FILES, SG_SCRIPTS,
		   SG_DELETE_FILES, SG_RMDIR_SHARED, SG_RMDIR_ROOT, SG_DONE };

struct sdet_mix {
	struct lg_mix base;
	enum sdet_global global;
	unsigned global_active;   /* set-up and tear-down tasks out */
	unsigned shared_created;
	int root, shared_dir;
	int *shared;
	unsigned nshared;
	unsigned users_left;      /* not yet SD_DONE */
	struct sdet_user *users;  /* queue q's are [q * concurrency, ...) */
};

static struct sdet_mix *sdet(struct lg_mix *m)
{
	return (struct sdet_mix *)m;
}

static int probe(struct lg_task *t, const struct lg_shadow *sh, int file, uint32_t op,
		 int32_t status)
{
	struct sv_ring_req req = { .op = op };
	const char *path = sh->files[file].path;

	req.path_len = (uint32_t)strlen(path);
	memcpy(req.path, path, req.path_len);
	return lg_task_expect_error(t, op == SV_OP_STAT ? "stat-missing" : "create-existing",
				    file, &req, status);
}

/* One command of a user's script: 0, 1 when it cannot run now, -1. */
static int command(struct lg_mix *m, struct sdet_user *u, struct lg_task *t)
{
	struct sdet_mix *sd = sdet(m);
	unsigned roll = (unsigned)lg_rng_range(&m->rng, 0, 99);
	int shared = lg_mix_pick(m, sd->shared, sd->nshared, true);
	int mine = lg_mix_pick(m, u->files, PRIVATE_FILES, true);
	int free_name = lg_mix_pick(m, u->files, PRIVATE_FILES, false);

	if (roll >= 40 && roll < 55 && free_name >= 0)
		return lg_task_create(t, m->sh, free_name, &m->rng,
				      lg_rng_range(&m->rng, 0, FILE_SIZE_MAX));
	if (roll >= 55 && roll < 65 && mine >= 0)
		return lg_task_read(t, m->sh, mine);
	if (roll >= 65 && roll < 75 && mine >= 0 &&
	    m->sh->files[mine].size + APPEND_MAX <= LG_FILE_MAX)
		return lg_task_append(t, m->sh, mine, &m->rng, lg_rng_range(&m->rng, 1, APPEND_MAX));
	if (roll >= 75 && roll < 80 && mine >= 0)
		return lg_task_stat(t, m->sh, mine);
	if (roll >= 80 && roll < 90 && mine >= 0)
		return lg_task_delete(t, m->sh, mine);
	if (roll >= 90 && roll < 95)
		return lg_task_readdir(t, m->sh, u->dir);
	if (roll >= 95 && free_name >= 0)
		return probe(t, m->sh, free_name, SV_OP_STAT, SV_ENOENT);
	if (roll >= 95 && shared >= 0)
		return probe(t, m->sh, shared, SV_OP_CREATE, SV_EEXIST);
	if (roll >= 35 && roll < 40 && lg_shadow_usable(m->sh, sd->shared_dir))
		return lg_task_readdir(t, m->sh, sd->shared_dir);
	if (shared < 0)
		return 1;
	return roll >= 25 && roll < 35 ? lg_task_stat(t, m->sh, shared) :
					 lg_task_read(t, m->sh, shared);
}

static int user_task(struct lg_mix *m, struct sdet_user *u, struct lg_task *t)
{
	int f, ret;

	switch (u->phase) {
	case SD_MKDIR:
		return lg_task_mkdir(t, m->sh, u->dir);
	case SD_RUN:
		ret = command(m, u, t);
		if (!ret) {
			t->measured = true;
			u->measured += t->nsteps;
		}
		return ret;
	case SD_CLEAN:
		f = lg_mix_pick(m, u->files, PRIVATE_FILES, true);
		return f < 0 ? 1 : lg_task_delete(t, m->sh, f);
	case SD_RMDIR:
		return lg_mix_dir_removable(m, u->dir, u->files, PRIVATE_FILES) ?
		       lg_task_delete(t, m->sh, u->dir) : 1;
	default:
		return 1;
	}
}

static bool user_phase_over(struct lg_mix *m, const struct sdet_user *u)
{
	const struct lg_file *dir = &m->sh->files[u->dir];

	switch (u->phase) {
	case SD_MKDIR: return dir->exists || dir->tainted;
	case SD_RUN: return u->measured >= u->budget || dir->tainted || m->wind_down;
	case SD_CLEAN: return lg_mix_pick(m, u->files, PRIVATE_FILES, true) < 0;
	case SD_RMDIR: return !dir->exists || dir->tainted;
	default: return true;
	}
}

static void advance_user(struct lg_mix *m, struct sdet_user *u)
{
	while (!u->active && u->phase != SD_DONE && user_phase_over(m, u))
		if (++u->phase == SD_DONE)
			sdet(m)->users_left--;
}

/* The root holds the shared directory and every user's. */
static bool root_removable(struct lg_mix *m)
{
	struct sdet_mix *sd = sdet(m);
	unsigned users = m->cfg.queues * m->cfg.concurrency;

	for (unsigned i = 0; i < users; i++)
		lg_mix_dir_removable(m, sd->root, &sd->users[i].dir, 1);
	return lg_mix_dir_removable(m, sd->root, &sd->shared_dir, 1);
}

/* The next task of set-up or tear-down (queue 0): 0, 1, -1. */
static int global_task(struct lg_mix *m, struct lg_task *t)
{
	struct sdet_mix *sd = sdet(m);
	int f;

	switch (sd->global) {
	case SG_ROOT:
		return sd->global_active ? 1 : lg_task_mkdir(t, m->sh, sd->root);
	case SG_SHARED_DIR:
		return sd->global_active ? 1 : lg_task_mkdir(t, m->sh, sd->shared_dir);
	case SG_SHARED_FILES:
		if (sd->shared_created == sd->nshared)
			return 1;
		return lg_task_create(t, m->sh, sd->shared[sd->shared_created++], &m->rng,
				      lg_rng_range(&m->rng, 1, FILE_SIZE_MAX));
	case SG_DELETE_FILES:
		f = lg_mix_pick(m, sd->shared, sd->nshared, true);
		return f < 0 ? 1 : lg_task_delete(t, m->sh, f);
	case SG_RMDIR_SHARED:
		return sd->global_active ||
		       !lg_mix_dir_removable(m, sd->shared_dir, sd->shared, sd->nshared) ? 1 :
		       lg_task_delete(t, m->sh, sd->shared_dir);
	case SG_RMDIR_ROOT:
		return sd->global_active || !root_removable(m) ? 1 :
		       lg_task_delete(t, m->sh, sd->root);
	default:
		return 1;
	}
}

static bool global_phase_over(struct lg_mix *m)
{
	struct sdet_mix *sd = sdet(m);
	const struct lg_file *root = &m->sh->files[sd->root], *dir = &m->sh->files[sd->shared_dir];

	switch (sd->global) {
	case SG_ROOT: return root->exists || root->tainted;
	case SG_SHARED_DIR: return dir->exists || dir->tainted;
	case SG_SHARED_FILES: return sd->shared_created == sd->nshared;
	case SG_SCRIPTS: return !sd->users_left;
	case SG_DELETE_FILES: return lg_mix_pick(m, sd->shared, sd->nshared, true) < 0;
	case SG_RMDIR_SHARED: return !dir->exists || dir->tainted;
	case SG_RMDIR_ROOT: return !root->exists || root->tainted;
	default: return true;
	}
}

static enum lg_next sdet_next(struct lg_mix *m, unsigned q, struct lg_task *t)
{
	struct sdet_mix *sd = sdet(m);
	unsigned c = m->cfg.concurrency;
	int ret = 1;

	while (sd->global != SG_DONE && !sd->global_active && global_phase_over(m))
		sd->global++;
	if (sd->global == SG_SCRIPTS) {
		for (unsigned i = 0; i < c && ret == 1; i++) {
			struct sdet_user *u = &sd->users[q * c + i];

			advance_user(m, u);
			if (u->active || u->phase == SD_DONE)
				continue;
			ret = user_task(m, u, t);
			t->stream = i;
			u->active = !ret;
		}
	} else if (q == 0 && sd->global != SG_DONE) {
		ret = global_task(m, t);
		t->stream = c; /* the set-up's and tear-down's stream */
		sd->global_active += !ret;
	}
	if (ret == 0)
		return LG_NEXT_TASK;
	if (ret < 0 || sd->global == SG_DONE)
		return LG_NEXT_DONE;
	return q && sd->global > SG_SCRIPTS ? LG_NEXT_DONE : LG_NEXT_WAIT;
}

static void sdet_done(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok)
{
	struct sdet_mix *sd = sdet(m);

	(void)ok;
	if (t->stream == m->cfg.concurrency)
		sd->global_active--;
	else
		sd->users[q * m->cfg.concurrency + t->stream].active = false;
}

static void sdet_free(struct lg_mix *m)
{
	free(sdet(m)->shared);
	free(sdet(m)->users);
	free(m);
}

static const struct lg_mix_ops sdet_ops = { sdet_next, sdet_done, sdet_free };

static int add_user(struct sdet_user *u, const struct lg_mix_config *cfg,
		    struct lg_shadow *sh, unsigned q, unsigned i)
{
	uint64_t budget = lg_mix_budget(cfg, q);

	u->budget = budget / cfg->concurrency + (i < budget % cfg->concurrency);
	u->dir = lg_shadow_add(sh, true, "/sdet-%s/u%u-%u", cfg->run_id, q, i);
	for (unsigned f = 0; f < PRIVATE_FILES; f++)
		u->files[f] = lg_shadow_add(sh, false, "/sdet-%s/u%u-%u/f%u", cfg->run_id, q, i, f);
	return u->dir < 0 || u->files[PRIVATE_FILES - 1] < 0 ? -1 : 0;
}

static int add_files(struct sdet_mix *sd, const struct lg_mix_config *cfg, struct lg_shadow *sh)
{
	sd->root = lg_shadow_add(sh, true, "/sdet-%s", cfg->run_id);
	sd->shared_dir = lg_shadow_add(sh, true, "/sdet-%s/shared", cfg->run_id);
	for (unsigned i = 0; i < sd->nshared; i++)
		if ((sd->shared[i] = lg_shadow_add(sh, false, "/sdet-%s/shared/s%u", cfg->run_id, i)) < 0)
			return -1;
	for (unsigned q = 0; q < cfg->queues; q++)
		for (unsigned i = 0; i < cfg->concurrency; i++)
			if (add_user(&sd->users[q * cfg->concurrency + i], cfg, sh, q, i))
				return -1;
	return sd->root < 0 || sd->shared_dir < 0 ? -1 : 0;
}

struct lg_mix *lg_mix_sdet(const struct lg_mix_config *cfg, struct lg_shadow *sh)
{
	struct sdet_mix *sd = calloc(1, sizeof(*sd));

	if (!sd)
		return NULL;
	sd->base.ops = &sdet_ops;
	sd->nshared = cfg->files;
	sd->users_left = cfg->queues * cfg->concurrency;
	sd->shared = calloc(sd->nshared, sizeof(*sd->shared));
	sd->users = calloc(sd->users_left, sizeof(*sd->users));
	if (!sd->shared || !sd->users || add_files(sd, cfg, sh)) {
		sdet_free(&sd->base);
		return NULL;
	}
	return &sd->base;
}
