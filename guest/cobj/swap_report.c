// SPDX-License-Identifier: GPL-2.0-only
/*
 * The words of a hot swap's report (cobj/swap_report.h): which CPUs and
 * threads a timed-out swap waited for: the calls it tracks and, in the
 * forward phase, the threads older than the swap that it waits out. Read from the live per-CPU counts
 * without their owners' cooperation, so a description is a snapshot that
 * calls may have moved past by the time it is read: good enough to name
 * a thread that stays inside, which is what an operator needs.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <kernel/co_transfer.h>
#include <kernel/generation.h>
#include <kernel/kernel.h>
#include <kernel/printf.h>

#include "swap_report.h"

struct text {
	char *buf;
	size_t cap, len;
};

/* Appends, truncating at the buffer's end; the text stays terminated. */
static void say(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Names each distinct thread of a CPU's slots once, with its calls. */
static void say_threads(struct text *t, struct thread *const inside[SWAP_INSIDE_MAX],
			int64_t calls)
{
	int64_t named = 0;
	const char *sep = ", threads ";

	for (unsigned i = 0; i < SWAP_INSIDE_MAX; i++) {
		unsigned seen = 0, earlier = 0;

		if (!inside[i])
			continue;
		for (unsigned j = 0; j < SWAP_INSIDE_MAX; j++) {
			seen += inside[j] == inside[i];
			earlier += j < i && inside[j] == inside[i];
		}
		named += earlier ? 0 : seen;
		if (!earlier)
			say(t, "%s%p (%u call%s)", sep, (void *)inside[i], seen, plural(seen));
		if (!earlier)
			sep = ", ";
	}
	if (calls > named)
		say(t, ", %lld more unnamed", (long long)(calls - named));
}

/* Names the threads the forward phase waits for on `cpu`: alive since
 * before the swap, they may be inside the object on calls the mediator
 * never saw, and nothing else can name them. */
static void say_alive(struct text *t, const struct generation_request *alive, unsigned cpu,
		      const char *sep)
{
	struct thread *threads[SWAP_INSIDE_MAX];
	unsigned n = generation_waiting_for(alive, cpu, threads, SWAP_INSIDE_MAX);

	if (!n)
		return;
	say(t, "%s still alive from before the swap: ", sep);
	for (unsigned i = 0; i < n && i < SWAP_INSIDE_MAX; i++)
		say(t, "%sthread %p", i ? ", " : "", (void *)threads[i]);
	if (n > SWAP_INSIDE_MAX)
		say(t, ", %u more", n - SWAP_INSIDE_MAX);
}

static bool cpu_blocks(const struct swap_cpu *c, const struct generation_request *alive,
		       unsigned cpu)
{
	return __atomic_load_n(&c->in_flight, __ATOMIC_SEQ_CST) > 0 ||
	       (alive && generation_waiting_for(alive, cpu, NULL, 0));
}

void swap_describe_blockers(char *out, size_t cap, const char *what,
			    const struct swap_cpu *cpus, unsigned ncpus,
			    const struct generation_request *alive)
{
	struct text t = { out, cap, 0 };
	bool any = false;

	if (!cap)
		return;
	out[0] = '\0';
	say(&t, "%s", what);
	for (unsigned cpu = 0; cpu < ncpus; cpu++) {
		int64_t calls = __atomic_load_n(&cpus[cpu].in_flight, __ATOMIC_SEQ_CST);
		struct thread *inside[SWAP_INSIDE_MAX];

		if (!cpu_blocks(&cpus[cpu], alive, cpu))
			continue;
		say(&t, "%s cpu %u:", any ? ";" : ":", cpu);
		if (calls > 0) {
			for (unsigned i = 0; i < SWAP_INSIDE_MAX; i++)
				inside[i] = __atomic_load_n(&cpus[cpu].inside[i], __ATOMIC_RELAXED);
			say(&t, " %lld call%s inside", (long long)calls, plural((uint64_t)calls));
			say_threads(&t, inside, calls);
		}
		if (alive)
			say_alive(&t, alive, cpu, calls > 0 ? ";" : "");
		any = true;
	}
	if (!any)
		say(&t, ": no call inside");
}

void swap_describe_transfer(char *out, size_t cap, bool exported, unsigned format,
			    unsigned cpu)
{
	struct text t = { out, cap, 0 };

	if (!cap)
		return;
	out[0] = '\0';
	say(&t, "%s of format %u", exported ? "the new root's import" : "the old root's export",
	    format);
	if (cpu != CO_TRANSFER_WHOLE)
		say(&t, " for cpu %u", cpu);
	say(&t, "%s", exported ? " failed" : " gave no state (out of memory)");
}

uint64_t swap_cycles_to_ns(uint64_t cycles)
{
	uint64_t khz = tsc_khz();

	/* Split so that hours of cycles cannot overflow the product. */
	return khz ? cycles / khz * 1000000 + cycles % khz * 1000000 / khz : 0;
}
