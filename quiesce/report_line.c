// SPDX-License-Identifier: GPL-2.0-only
/* A consistency report in words (report.h). Lines are composed in a
 * memory stream and copied out, so a long list of threads is cut at the
 * caller's buffer, never overrun. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>

static void copy_out(FILE *f, char **text, char *buf, size_t len)
{
	fclose(f);
	snprintf(buf, len, "%s", *text ? *text : "");
	free(*text);
}

static void put_thread(FILE *f, const struct qs_blocker *b)
{
	if (b->running)
		fprintf(f, "thread 0x%llx (running on CPU %u)", (unsigned long long)b->thread, b->cpu);
	else
		fprintf(f, "thread 0x%llx (switched out, CPU %u)", (unsigned long long)b->thread, b->cpu);
}

static void put_blocker(FILE *f, const struct qs_blocker *b)
{
	char why[256];

	put_thread(f, b);
	if (!b->fn) {
		qs_walk_problem_text(&b->problem, why, sizeof(why));
		fprintf(f, " has a stack that cannot be walked after %u frame%s: %s", b->depth,
			b->depth == 1 ? "" : "s", why);
	} else if (b->frame.is_return) {
		fprintf(f, " has %s() on its stack (frame %u, return address 0x%llx)", b->fn->name,
			b->depth, (unsigned long long)b->frame.pc);
	} else {
		fprintf(f, " is in %s() (frame %u, pc 0x%llx)", b->fn->name, b->depth,
			(unsigned long long)b->frame.pc);
	}
}

void qs_blocker_line(const struct qs_blocker *b, char *buf, size_t len)
{
	char *text = NULL;
	size_t n;
	FILE *f = open_memstream(&text, &n);

	if (!f) {
		snprintf(buf, len, "thread 0x%llx (out of memory)", (unsigned long long)b->thread);
		return;
	}
	put_blocker(f, b);
	copy_out(f, &text, buf, len);
}

static bool seen_before(const struct qs_report *r, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (r->blockers[j].fn == r->blockers[i].fn)
			return true;
	return false;
}

static size_t threads_in_group(const struct qs_report *r, size_t first)
{
	size_t count = 0;

	for (size_t i = first; i < r->n; i++)
		count += r->blockers[i].fn == r->blockers[first].fn;
	return count;
}

/* The blockers of one function (NULL: the unwalkable stacks) as one
 * clause; a thread blocks once per function, so it is listed once here. */
static void put_group(FILE *f, const struct qs_report *r, size_t first)
{
	const struct qs_function *fn = r->blockers[first].fn;
	size_t count = threads_in_group(r, first);
	const char *sep = count == 1 ? "thread " : "threads ";

	for (size_t i = first; i < r->n; i++) {
		if (r->blockers[i].fn != fn)
			continue;
		fprintf(f, "%s0x%llx", sep, (unsigned long long)r->blockers[i].thread);
		sep = ", ";
	}
	if (fn)
		fprintf(f, " to leave %s()", fn->name);
	else
		fprintf(f, " to have %s", count == 1 ? "a walkable stack" : "walkable stacks");
}

static void put_elapsed(FILE *f, uint64_t ns)
{
	if (ns >= 1000000000ull)
		fprintf(f, "%.1f s", (double)ns / 1e9);
	else
		fprintf(f, "%llu ms", (unsigned long long)(ns / 1000000));
}

void qs_waited_line(const struct qs_report *r, unsigned waits, uint64_t elapsed_ns,
		    char *buf, size_t len)
{
	char *text = NULL;
	size_t n;
	const char *sep = " for ";
	FILE *f = open_memstream(&text, &n);

	if (!f) {
		snprintf(buf, len, "waited %u times (out of memory)", waits);
		return;
	}
	fprintf(f, "waited %u time%s over ", waits, waits == 1 ? "" : "s");
	put_elapsed(f, elapsed_ns);
	for (size_t i = 0; i < r->n; i++) {
		if (seen_before(r, i))
			continue;
		fputs(sep, f);
		put_group(f, r, i);
		sep = "; ";
	}
	copy_out(f, &text, buf, len);
}
