// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where a module goes in the patch area: the code half and the data half
 * each hand out page-aligned space first-fit, around what the live
 * patches' journals say they hold. A trial link at the start of each half
 * gives the sizes; the real link then goes to the space found.
 */
#include <stdio.h>
#include <stdlib.h>

#include "monitor_apply.h"

#define PLACE_ALIGN 4096ull

struct extent {
	uint64_t base, size;
};

static int by_base(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	return (x->base > y->base) - (x->base < y->base);
}

/* The extents of half [lo, hi) that live patches hold, sorted. */
static size_t used_extents(struct monitor *m, const char *base_key, const char *size_key,
			   struct extent *out)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nrecords; i++) {
		json_t *b = m->records[i].begin;

		if (m->records[i].state == PATCH_ROLLED_BACK)
			continue;
		out[n].base = (uint64_t)json_integer_value(json_object_get(b, base_key));
		out[n].size = (uint64_t)json_integer_value(json_object_get(b, size_key));
		n++;
	}
	qsort(out, n, sizeof(*out), by_base);
	return n;
}

static uint64_t align_up(uint64_t v)
{
	return (v + PLACE_ALIGN - 1) & ~(PLACE_ALIGN - 1);
}

/* First fit of `size` bytes in [lo, hi) around the used extents; 0 when
 * nothing fits. */
static uint64_t first_fit(const struct extent *used, size_t n, uint64_t lo, uint64_t hi,
			  uint64_t size)
{
	uint64_t at = lo;

	for (size_t i = 0; i < n; i++) {
		if (used[i].base >= at + size)
			break;
		at = align_up(used[i].base + used[i].size);
	}
	return at + size <= hi ? at : 0;
}

int monitor_place(struct monitor *m, const struct bundle *b, const struct guest_image *g,
		  struct patch_image *img, char err[MONITOR_ERR_MAX])
{
	uint64_t half = m->vmm.area_size / 2;
	uint64_t text_lo = m->vmm.area_base, data_lo = text_lo + half;
	struct extent *used = calloc(m->nrecords + 1, sizeof(*used));
	uint64_t text_at, data_at;
	size_t n;

	if (!used || patch_link(b, g, text_lo, half, data_lo, half, img, err, MONITOR_ERR_MAX)) {
		free(used);
		return -1;
	}
	n = used_extents(m, "text_base", "text_size", used);
	text_at = first_fit(used, n, text_lo, data_lo, align_up(img->text_size));
	n = used_extents(m, "data_base", "data_size", used);
	data_at = first_fit(used, n, data_lo, data_lo + half, align_up(img->data_size));
	free(used);
	if (!text_at || !data_at) {
		snprintf(err, MONITOR_ERR_MAX, "%s: no room in the patch area for %llu bytes of code "
			 "and %llu of data (roll back a patch first)", b->path,
			 (unsigned long long)img->text_size, (unsigned long long)img->data_size);
		patch_image_free(img);
		return -1;
	}
	patch_image_free(img);
	return patch_link(b, g, text_at, data_lo - text_at, data_at, data_lo + half - data_at,
			  img, err, MONITOR_ERR_MAX);
}
