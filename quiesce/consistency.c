// SPDX-License-Identifier: GPL-2.0-only
/* The consistency check (consistency.h). */
#include "consistency.h"

#include <stdlib.h>
#include <string.h>

bool qs_frame_in(const struct qs_frame *f, const struct qs_function *fn)
{
	if (f->is_return)
		return f->pc >= fn->start && f->pc <= fn->end;
	return f->pc >= fn->start && f->pc < fn->end;
}

static struct qs_blocker *add(struct qs_report *r, const struct qs_thread *t)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct qs_blocker *b = realloc(r->blockers, cap * sizeof(*b));

		if (!b)
			return NULL;
		r->blockers = b;
		r->cap = cap;
	}
	r->blockers[r->n] = (struct qs_blocker){
		.thread = t->id, .cpu = t->cpu, .running = t->running,
	};
	return &r->blockers[r->n++];
}

/* The innermost frame of t's walk in fn, if any: frames are walked from
 * where the thread is outwards. */
static int innermost(const struct qs_walk *w, const struct qs_function *fn)
{
	for (unsigned i = 0; i < w->n; i++)
		if (qs_frame_in(&w->frames[i], fn))
			return (int)i;
	return -1;
}

static int check_thread(const struct qs_function *fns, size_t nfns, const struct qs_thread *t,
			struct qs_report *r)
{
	const struct qs_walk *w = t->walk;
	struct qs_blocker *b;

	for (size_t i = 0; i < nfns; i++) {
		int depth = fns[i].daemons_only && !t->daemon ? -1 : innermost(w, &fns[i]);

		if (depth < 0)
			continue;
		if (!(b = add(r, t)))
			return -1;
		b->fn = &fns[i];
		b->depth = (unsigned)depth;
		b->frame = w->frames[depth];
	}
	if (w->problem.status == QS_WALK_RELIABLE)
		return 0;
	if (!(b = add(r, t)))
		return -1;
	b->depth = w->n;
	b->problem = w->problem;
	return 0;
}

int qs_check(const struct qs_function *fns, size_t nfns, const struct qs_thread *threads,
	     size_t nthreads, struct qs_report *report)
{
	memset(report, 0, sizeof(*report));
	report->threads = nthreads;
	for (size_t i = 0; i < nthreads; i++) {
		if (check_thread(fns, nfns, &threads[i], report)) {
			qs_report_free(report);
			return -1;
		}
	}
	return 0;
}

void qs_report_free(struct qs_report *r)
{
	free(r->blockers);
	memset(r, 0, sizeof(*r));
}
