// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static unsigned bucket_of(uint64_t ns)
{
	unsigned e;

	if (ns < 8)
		return (unsigned)ns;
	e = 63u - (unsigned)__builtin_clzll(ns);
	return 8 * (e - 2) + (unsigned)((ns >> (e - 3)) - 8);
}

uint64_t lg_hist_bucket_max(unsigned i)
{
	unsigned e = i / 8 + 2;

	if (i < 8)
		return i;
	if (e >= 63)
		return UINT64_MAX;
	return (((uint64_t)(9 + i % 8)) << (e - 3)) - 1;
}

static void hist_add(struct lg_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

uint64_t lg_hist_percentile(const struct lg_hist *h, double p)
{
	uint64_t want = (uint64_t)(p * (double)h->n + 0.999999), seen = 0;

	for (unsigned i = 0; i < LG_BUCKETS && h->n; i++) {
		seen += h->count[i];
		if (seen >= want && seen) {
			uint64_t top = lg_hist_bucket_max(i);

			return top < h->max_ns ? top : h->max_ns;
		}
	}
	return h->max_ns;
}

void lg_stats_init(struct lg_stats *s, int64_t start_ns, uint64_t window_ns, uint64_t late_ns)
{
	memset(s, 0, sizeof(*s));
	s->start_ns = s->end_ns = s->last_completion_ns = start_ns;
	s->window_ns = window_ns;
	s->late_ns = late_ns;
}

void lg_stats_free(struct lg_stats *s)
{
	free(s->windows);
	s->windows = NULL;
}

/* The window holding t, grown as time goes; NULL when out of memory. */
static struct lg_window *window_at(struct lg_stats *s, int64_t t)
{
	uint64_t w = (uint64_t)(t - s->start_ns) / s->window_ns;

	if (w >= s->nwindows) {
		struct lg_window *n = realloc(s->windows, (w + 1) * sizeof(*n));

		if (!n)
			return NULL;
		memset(n + s->nwindows, 0, (w + 1 - s->nwindows) * sizeof(*n));
		s->windows = n;
		s->nwindows = (unsigned)w + 1;
	}
	return &s->windows[w];
}

static void count(struct lg_counts *c, enum lg_outcome outcome, bool late)
{
	c->requests++;
	c->ok += outcome == LG_OK;
	c->wrong += outcome == LG_WRONG;
	c->lost += outcome == LG_LOST;
	c->late += late;
}

void lg_stats_record(struct lg_stats *s, int64_t now_ns, enum lg_outcome outcome,
		     uint64_t latency_ns)
{
	struct lg_window *w = window_at(s, now_ns);
	bool late = outcome != LG_LOST && latency_ns > s->late_ns;

	count(&s->counts, outcome, late);
	if (w)
		count(&w->counts, outcome, late);
	if (outcome == LG_LOST)
		return;
	hist_add(&s->hist, latency_ns);
	if (w)
		hist_add(&w->hist, latency_ns);
	if ((uint64_t)(now_ns - s->last_completion_ns) > s->longest_gap_ns) {
		s->longest_gap_ns = (uint64_t)(now_ns - s->last_completion_ns);
		s->longest_gap_at_ns = now_ns - s->start_ns;
	}
	s->last_completion_ns = now_ns;
}

void lg_stats_error(struct lg_stats *s, const char *msg)
{
	if (s->nerrors < LG_ERRORS_KEPT)
		snprintf(s->errors[s->nerrors], sizeof(s->errors[0]), "%s", msg);
	s->nerrors++;
}
