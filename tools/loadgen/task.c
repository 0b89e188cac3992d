// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>

#include "task.h"

static void begin(struct lg_task *t, const char *name, int file)
{
	*t = (struct lg_task){ .name = name, .file = file };
}

static struct lg_step *add_step(struct lg_task *t, const struct lg_shadow *sh,
				uint32_t op, enum lg_check check)
{
	struct lg_step *s = &t->steps[t->nsteps++];
	const char *path = sh->files[t->file].path;

	*s = (struct lg_step){ .req.op = op, .check = check };
	s->req.path_len = (uint32_t)strlen(path);
	memcpy(s->req.path, path, s->req.path_len);
	return s;
}

/* WRITEs (or APPENDs) of content[from..to) in chunks a slot carries. */
static void add_writes(struct lg_task *t, const struct lg_shadow *sh, uint32_t op,
		       uint64_t base_size, uint64_t from, uint64_t to)
{
	for (uint64_t off = from; off < to; off += SV_RING_DATA_MAX) {
		uint64_t len = to - off < SV_RING_DATA_MAX ? to - off : SV_RING_DATA_MAX;
		struct lg_step *s = add_step(t, sh, op,
					     op == SV_OP_APPEND ? LG_CHECK_NEW_SIZE : LG_CHECK_WRITTEN);

		s->req.offset = op == SV_OP_WRITE ? off : 0;
		s->req.len = len;
		s->data_off = off;
		s->expect = base_size + (off - from) + len;
	}
}

int lg_task_mkdir(struct lg_task *t, const struct lg_shadow *sh, int dir)
{
	begin(t, "mkdir", dir);
	add_step(t, sh, SV_OP_MKDIR, LG_CHECK_STATUS);
	t->effect = LG_EFFECT_SET;
	return 0;
}

int lg_task_create(struct lg_task *t, const struct lg_shadow *sh, int file,
		   struct lg_rng *rng, uint64_t size)
{
	begin(t, "create", file);
	t->content = malloc(size ? size : 1);
	if (!t->content)
		return -1;
	lg_rng_fill(rng, t->content, size);
	t->content_len = size;
	t->effect = LG_EFFECT_SET;
	add_step(t, sh, SV_OP_CREATE, LG_CHECK_STATUS);
	add_writes(t, sh, SV_OP_WRITE, 0, 0, size);
	return 0;
}

int lg_task_read(struct lg_task *t, const struct lg_shadow *sh, int file)
{
	uint64_t size = sh->files[file].size, off = 0;

	begin(t, "read", file);
	/* One more read than the data needs when it fills the last: the
	 * end of the file must answer 0 bytes. */
	do {
		struct lg_step *s = add_step(t, sh, SV_OP_READ, LG_CHECK_CONTENT);

		s->req.offset = off;
		s->req.len = SV_RING_DATA_MAX;
		off += SV_RING_DATA_MAX;
	} while (off <= size && t->nsteps < LG_STEPS_MAX);
	return 0;
}

int lg_task_checksum(struct lg_task *t, const struct lg_shadow *sh, int file)
{
	begin(t, "checksum", file);
	add_step(t, sh, SV_OP_CHECKSUM, LG_CHECK_CHECKSUM);
	return 0;
}

int lg_task_append(struct lg_task *t, const struct lg_shadow *sh, int file,
		   struct lg_rng *rng, uint64_t len)
{
	const struct lg_file *f = &sh->files[file];

	begin(t, "append", file);
	t->content_len = f->size + len;
	t->content = malloc(t->content_len ? t->content_len : 1);
	if (!t->content)
		return -1;
	memcpy(t->content, f->data, f->size);
	lg_rng_fill(rng, t->content + f->size, len);
	t->effect = LG_EFFECT_SET;
	add_writes(t, sh, SV_OP_APPEND, f->size, f->size, t->content_len);
	return 0;
}

int lg_task_delete(struct lg_task *t, const struct lg_shadow *sh, int file)
{
	begin(t, "delete", file);
	add_step(t, sh, SV_OP_DELETE, LG_CHECK_STATUS);
	t->effect = LG_EFFECT_REMOVE;
	return 0;
}

int lg_task_stat(struct lg_task *t, const struct lg_shadow *sh, int file)
{
	begin(t, "stat", file);
	add_step(t, sh, SV_OP_STAT, LG_CHECK_STAT)->expect = sh->files[file].size;
	return 0;
}

int lg_task_readdir(struct lg_task *t, const struct lg_shadow *sh, int dir)
{
	begin(t, "readdir", dir);
	add_step(t, sh, SV_OP_READDIR, LG_CHECK_DIRENTS);
	return 0;
}

int lg_task_expect_error(struct lg_task *t, const char *name, int file,
			 const struct sv_ring_req *req, int32_t status)
{
	begin(t, name, file);
	t->nsteps = 1;
	t->steps[0] = (struct lg_step){ .req = *req, .expect_status = status,
					.check = LG_CHECK_STATUS };
	return 0;
}

int lg_task_apply(const struct lg_task *t, struct lg_shadow *sh)
{
	struct lg_file *f = t->file >= 0 ? &sh->files[t->file] : NULL;

	if (!f || t->effect == LG_EFFECT_NONE)
		return 0;
	if (t->effect == LG_EFFECT_REMOVE) {
		free(f->data);
		f->data = NULL;
		f->size = 0;
		f->exists = false;
		return 0;
	}
	return lg_shadow_set(f, t->content, t->content_len);
}

void lg_task_free(struct lg_task *t)
{
	free(t->content);
	t->content = NULL;
}
