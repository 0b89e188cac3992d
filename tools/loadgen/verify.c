// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adler32.h"
#include "verify.h"

static enum lg_verdict wrong(char why[LG_WHY_MAX], const struct lg_task *t,
			     const struct lg_step *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum lg_verdict wrong(char why[LG_WHY_MAX], const struct lg_task *t,
			     const struct lg_step *s, const char *fmt, ...)
{
	int n = snprintf(why, LG_WHY_MAX, "%s %.*s (step %u, op %u): ", t->name,
			 (int)(s->req.path_len <= SV_RING_PATH_MAX ? s->req.path_len : 0),
			 s->req.path, (unsigned)(s - t->steps), s->req.op);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why + n, LG_WHY_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return LG_VERDICT_WRONG;
}

static enum lg_verdict check_content(const struct lg_file *f, const struct lg_task *t,
				     const struct lg_step *s, const struct sv_ring_resp *r,
				     const uint8_t *data, char why[LG_WHY_MAX])
{
	uint64_t off = s->req.offset;
	uint64_t want = off >= f->size ? 0 : f->size - off;

	want = want < s->req.len ? want : s->req.len;
	if (r->len != want)
		return wrong(why, t, s, "read %llu bytes at %llu of a %llu-byte file, expected %llu",
			     (unsigned long long)r->len, (unsigned long long)off,
			     (unsigned long long)f->size, (unsigned long long)want);
	for (uint64_t i = 0; i < want; i++)
		if (data[i] != f->data[off + i])
			return wrong(why, t, s, "byte %llu is 0x%02x, expected 0x%02x",
				     (unsigned long long)(off + i), data[i], f->data[off + i]);
	return LG_VERDICT_RIGHT;
}

/* Over the same shadow bytes a READ is checked against. Which of the two
 * sums the guest gives depends on whether checksum-fix is applied when
 * the request runs, so either is right, and the verdict says which. */
static enum lg_verdict check_checksum(const struct lg_file *f, const struct lg_task *t,
				      const struct lg_step *s, const struct sv_ring_resp *r,
				      char why[LG_WHY_MAX])
{
	uint32_t right = sv_adler32(f->data, f->size);
	uint32_t buggy = sv_adler32_signed_char(f->data, f->size);

	if (r->value == right)
		return LG_VERDICT_SUM_RIGHT;
	if (r->value == buggy)
		return LG_VERDICT_SUM_BUGGY;
	return wrong(why, t, s, "Adler-32 0x%08llx of %llu bytes, expected 0x%08x (or 0x%08x "
		     "with the kernel's signed-char bug)", (unsigned long long)r->value,
		     (unsigned long long)f->size, right, buggy);
}

/* The guest lists names in its own order: both lists are compared sorted. */
static enum lg_verdict check_dirents(const struct lg_shadow *sh, const struct lg_task *t,
				     const struct lg_step *s, const struct sv_ring_resp *r,
				     const uint8_t *data, char why[LG_WHY_MAX])
{
	char *want = malloc(SV_RING_DATA_MAX), *got = malloc(SV_RING_DATA_MAX);
	long want_len = want ? lg_shadow_list(sh, sh->files[t->file].path, want, SV_RING_DATA_MAX) : -1;
	long got_len = got ? lg_names_sort((const char *)data, r->len, got, SV_RING_DATA_MAX) : -1;
	bool ok = want_len >= 0 && got_len == want_len && !memcmp(want, got, (size_t)want_len);

	if (want_len < 0)
		wrong(why, t, s, "%s", "cannot list the shadow directory");
	else if (got_len < 0)
		wrong(why, t, s, "%llu bytes of names, the last not ending in NUL",
		      (unsigned long long)r->len);
	else if (!ok)
		wrong(why, t, s, "the names (%ld bytes) differ from the %ld bytes expected",
		      got_len, want_len);
	free(want);
	free(got);
	return ok ? LG_VERDICT_RIGHT : LG_VERDICT_WRONG;
}

enum lg_verdict lg_verify(const struct lg_shadow *sh, const struct lg_task *t,
			  const struct lg_step *s, const struct sv_ring_resp *r,
			  const uint8_t *data, char why[LG_WHY_MAX])
{
	const struct lg_file *f = t->file >= 0 ? &sh->files[t->file] : NULL;

	if (r->status != s->expect_status)
		return wrong(why, t, s, "status %d, expected %d", r->status, s->expect_status);
	if (r->status)
		return LG_VERDICT_RIGHT;
	switch (s->check) {
	case LG_CHECK_WRITTEN:
		if (r->len != s->req.len)
			return wrong(why, t, s, "wrote %llu bytes of %llu", (unsigned long long)r->len,
				     (unsigned long long)s->req.len);
		return LG_VERDICT_RIGHT;
	case LG_CHECK_CONTENT:
		return check_content(f, t, s, r, data, why);
	case LG_CHECK_CHECKSUM:
		return check_checksum(f, t, s, r, why);
	case LG_CHECK_NEW_SIZE:
		if (r->value != s->expect)
			return wrong(why, t, s, "new size %llu, expected %llu",
				     (unsigned long long)r->value, (unsigned long long)s->expect);
		return LG_VERDICT_RIGHT;
	case LG_CHECK_STAT:
		if (r->value != s->expect || r->arg != (f->is_dir ? SV_STAT_DIR : SV_STAT_FILE))
			return wrong(why, t, s, "size %llu kind %llu, expected %llu kind %u",
				     (unsigned long long)r->value, (unsigned long long)r->arg,
				     (unsigned long long)s->expect,
				     f->is_dir ? SV_STAT_DIR : SV_STAT_FILE);
		return LG_VERDICT_RIGHT;
	case LG_CHECK_DIRENTS:
		return check_dirents(sh, t, s, r, data, why);
	default:
		return LG_VERDICT_RIGHT;
	}
}
