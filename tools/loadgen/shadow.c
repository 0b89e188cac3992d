// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shadow.h"

int lg_shadow_add(struct lg_shadow *sh, bool is_dir, const char *fmt, ...)
{
	va_list ap;

	if (sh->count == sh->capacity) {
		unsigned cap = sh->capacity ? 2 * sh->capacity : 64;
		struct lg_file *f = realloc(sh->files, cap * sizeof(*f));

		if (!f)
			return -1;
		sh->files = f;
		sh->capacity = cap;
	}
	sh->files[sh->count] = (struct lg_file){ .is_dir = is_dir };
	va_start(ap, fmt);
	vsnprintf(sh->files[sh->count].path, sizeof(sh->files[0].path), fmt, ap);
	va_end(ap);
	return (int)sh->count++;
}

void lg_shadow_free(struct lg_shadow *sh)
{
	for (unsigned i = 0; i < sh->count; i++)
		free(sh->files[i].data);
	free(sh->files);
	*sh = (struct lg_shadow){ 0 };
}

bool lg_shadow_usable(const struct lg_shadow *sh, int i)
{
	return i >= 0 && (unsigned)i < sh->count && !sh->files[i].busy && !sh->files[i].tainted;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Writes names sorted into buf, each ending in '\0': their total length,
 * or -1 if more than size bytes. */
static long write_sorted(const char **names, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]) + 1;

		if (len + l > size)
			return -1;
		memcpy(buf + len, names[i], l);
		len += l;
	}
	return (long)len;
}

long lg_shadow_list(const struct lg_shadow *sh, const char *dir, char *buf, size_t size)
{
	size_t dir_len = strlen(dir), n = 0;
	const char **names = malloc(sh->count * sizeof(*names) + 1);
	long len;

	if (!names)
		return -1;
	for (unsigned i = 0; i < sh->count; i++) {
		const char *p = sh->files[i].path;

		if (sh->files[i].exists && !strncmp(p, dir, dir_len) && p[dir_len] == '/' &&
		    !strchr(p + dir_len + 1, '/'))
			names[n++] = p + dir_len + 1;
	}
	len = write_sorted(names, n, buf, size);
	free(names);
	return len;
}

long lg_names_sort(const char *names, size_t len, char *buf, size_t size)
{
	const char **list = malloc((len + 1) * sizeof(*list));
	size_t n = 0;
	long ret = -1;

	if (list && (!len || names[len - 1] == '\0')) {
		for (size_t off = 0; off < len; off += strlen(names + off) + 1)
			list[n++] = names + off;
		ret = write_sorted(list, n, buf, size);
	}
	free(list);
	return ret;
}

int lg_shadow_set(struct lg_file *f, const uint8_t *data, uint64_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return -1;
	memcpy(copy, data, size);
	free(f->data);
	f->data = copy;
	f->size = size;
	f->exists = true;
	return 0;
}
