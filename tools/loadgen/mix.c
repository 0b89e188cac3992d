// SPDX-License-Identifier: GPL-2.0-only
#include "mix.h"

struct lg_mix *lg_mix_create(const struct lg_mix_config *cfg, struct lg_shadow *sh)
{
	static struct lg_mix *(*const create[])(const struct lg_mix_config *, struct lg_shadow *) = {
		[LG_MIX_POSTMARK] = lg_mix_postmark,
		[LG_MIX_SDET] = lg_mix_sdet,
		[LG_MIX_MALFORMED] = lg_mix_malformed,
	};
	struct lg_mix *m = create[cfg->kind](cfg, sh);

	if (m) {
		m->cfg = *cfg;
		m->sh = sh;
		lg_rng_seed(&m->rng, cfg->seed);
	}
	return m;
}

static void lg_mix_release_file(struct lg_mix *m, const struct lg_task *t, bool ok)
{
	if (t->file < 0)
		return;
	m->sh->files[t->file].busy = false;
	if (!ok)
		m->sh->files[t->file].tainted = true;
}

enum lg_next lg_mix_next(struct lg_mix *m, unsigned q, struct lg_task *t)
{
	enum lg_next next = m->ops->next(m, q, t);

	if (next == LG_NEXT_TASK && t->file >= 0)
		m->sh->files[t->file].busy = true;
	return next;
}

void lg_mix_done(struct lg_mix *m, unsigned q, const struct lg_task *t, bool ok)
{
	lg_mix_release_file(m, t, ok);
	m->ops->done(m, q, t, ok);
}

void lg_mix_free(struct lg_mix *m)
{
	if (m)
		m->ops->free(m);
}

uint64_t lg_mix_budget(const struct lg_mix_config *cfg, unsigned q)
{
	return cfg->requests / cfg->queues + (q < cfg->requests % cfg->queues);
}

int lg_mix_pick(struct lg_mix *m, const int *files, unsigned n, bool exists)
{
	unsigned start = n ? (unsigned)lg_rng_range(&m->rng, 0, n - 1) : 0;

	for (unsigned i = 0; i < n; i++) {
		int f = files[(start + i) % n];

		if (lg_shadow_usable(m->sh, f) && m->sh->files[f].exists == exists)
			return f;
	}
	return -1;
}


bool lg_mix_dir_removable(struct lg_mix *m, int dir, const int *files, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (m->sh->files[files[i]].tainted)
			m->sh->files[dir].tainted = true;
	return lg_shadow_usable(m->sh, dir);
}
