// SPDX-License-Identifier: GPL-2.0-only
/*
 * Collecting a stopped guest's contexts from its thread table
 * (guest_threads.h). The table is guest memory, so every number in it is
 * checked before it is used: a guest that lies about its threads can
 * only make the check fail, never pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sv/threads.h>

#include "guest_threads.h"

struct collector {
	const struct qs_walk_env *env;
	const struct sv_thread_table *table;
	struct qs_guest_threads *out;
	size_t cap;
};

static int read_word(const struct collector *c, uint64_t gva, uint64_t *word)
{
	return c->env->read(c->env->read_ctx, gva, word, sizeof(*word));
}

static int check_table(const struct sv_thread_table *t, unsigned ncpus, uint64_t gva,
		       char why[QS_WHY_MAX])
{
	if (t->magic != SV_THREAD_TABLE_MAGIC || t->version != SV_THREAD_TABLE_VERSION ||
	    t->slots != SV_THREAD_TABLE_SLOTS)
		snprintf(why, QS_WHY_MAX, "the thread table at 0x%llx has magic 0x%x, version %u, "
			 "%u slots (want 0x%x, %u, %u)", (unsigned long long)gva, t->magic,
			 t->version, t->slots, SV_THREAD_TABLE_MAGIC, SV_THREAD_TABLE_VERSION,
			 SV_THREAD_TABLE_SLOTS);
	else if (t->ncpus != ncpus || ncpus > SV_THREAD_TABLE_CPUS)
		snprintf(why, QS_WHY_MAX, "the thread table at 0x%llx lists %u CPUs, the VM has %u "
			 "(not all up yet?)", (unsigned long long)gva, t->ncpus, ncpus);
	else if (t->overflow)
		snprintf(why, QS_WHY_MAX, "the thread table overflowed: %llu threads are not in it",
			 (unsigned long long)t->overflow);
	else
		return 0;
	return -1;
}

static uint32_t field32(const struct collector *c, uint64_t t, uint32_t off)
{
	uint32_t v = 0;

	c->env->read(c->env->read_ctx, t + off, &v, sizeof(v));
	return v;
}

/* A flags word that cannot be read says daemon: that blocks more, never less. */
static bool is_daemon(const struct collector *c, uint64_t t)
{
	uint32_t flags = 1;

	c->env->read(c->env->read_ctx, t + c->table->off_flags, &flags, sizeof(flags));
	return flags & SV_THREAD_FLAG_DAEMON;
}

/* The next thread's entry, its walk pointing at its own walk; NULL when
 * the guest lists more contexts than it can have. */
static struct qs_thread *next_slot(struct collector *c, uint64_t id, unsigned cpu,
				   bool running, struct qs_walk **walk)
{
	struct qs_guest_threads *o = c->out;

	if (o->n == c->cap)
		return NULL;
	*walk = &o->walks[o->n];
	o->threads[o->n] = (struct qs_thread){ .id = id, .cpu = cpu, .running = running,
					       .daemon = is_daemon(c, id), .walk = *walk };
	return &o->threads[o->n++];
}

/* [lo, hi) of thread t's stack: its idle context's boot stack, or the
 * stack its struct thread names. Unknown bounds stay 0, 0: the walk then
 * checks only the order and alignment of frames. */
static struct qs_stack stack_of(const struct collector *c, uint64_t t)
{
	const struct sv_thread_table *tab = c->table;
	uint64_t base;

	for (unsigned cpu = 0; cpu < SV_THREAD_TABLE_CPUS; cpu++)
		if (tab->cpu[cpu].idle == t)
			return (struct qs_stack){ tab->cpu[cpu].idle_stack_lo,
						  tab->cpu[cpu].idle_stack_hi };
	if (read_word(c, t + tab->off_stack, &base) || base + tab->stack_size < base)
		return (struct qs_stack){ 0, 0 };
	return (struct qs_stack){ base, base + tab->stack_size };
}

static void add_running(struct collector *c, unsigned cpu, const struct qs_context *regs)
{
	uint64_t t = c->table->cpu[cpu].current;
	struct qs_stack stack = stack_of(c, t);
	struct qs_walk *walk;

	if (next_slot(c, t, cpu, true, &walk))
		qs_walk_regs(c->env, &stack, regs, walk);
}

static bool is_current(const struct collector *c, unsigned ncpus, uint64_t t)
{
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (c->table->cpu[cpu].current == t)
			return true;
	return false;
}

static void add_switched_out(struct collector *c, uint64_t t, unsigned cpu)
{
	struct qs_stack stack = stack_of(c, t);
	struct qs_walk *walk;
	uint64_t saved_rsp;

	if (!next_slot(c, t, cpu, false, &walk))
		return;
	if (read_word(c, t + c->table->off_saved_rsp, &saved_rsp))
		*walk = (struct qs_walk){ .problem = { .status = QS_WALK_UNREADABLE,
			.what = "saved rsp", .addr = t + c->table->off_saved_rsp, .stack = stack } };
	else
		qs_walk_switched_out(c->env, &stack, saved_rsp, walk);
}

static int allocate(struct qs_guest_threads *out, size_t cap)
{
	*out = (struct qs_guest_threads){ calloc(cap, sizeof(*out->threads)),
					  calloc(cap, sizeof(*out->walks)), 0 };
	return out->threads && out->walks ? 0 : -1;
}

int qs_guest_threads_collect(const struct qs_walk_env *env, uint64_t table_gva,
			     const struct qs_context *cpus, unsigned ncpus,
			     struct qs_guest_threads *out, char why[QS_WHY_MAX])
{
	struct sv_thread_table *table = malloc(sizeof(*table));
	struct collector c = { env, table, out, 2 * SV_THREAD_TABLE_CPUS + SV_THREAD_TABLE_SLOTS };
	int ret = -1;

	*out = (struct qs_guest_threads){ 0 };
	if (!table || allocate(out, c.cap))
		snprintf(why, QS_WHY_MAX, "out of memory reading the thread table");
	else if (env->read(env->read_ctx, table_gva, table, sizeof(*table)))
		snprintf(why, QS_WHY_MAX, "the thread table at 0x%llx cannot be read",
			 (unsigned long long)table_gva);
	else if (!check_table(table, ncpus, table_gva, why))
		ret = 0;
	for (unsigned cpu = 0; !ret && cpu < ncpus; cpu++) {
		add_running(&c, cpu, &cpus[cpu]);
		if (!is_current(&c, ncpus, table->cpu[cpu].idle))
			add_switched_out(&c, table->cpu[cpu].idle, cpu);
	}
	for (size_t i = 0; !ret && i < SV_THREAD_TABLE_SLOTS; i++)
		if (table->thread[i] && !is_current(&c, ncpus, table->thread[i]))
			add_switched_out(&c, table->thread[i],
					 field32(&c, table->thread[i], table->off_cpu));
	free(table);
	if (ret)
		qs_guest_threads_free(out);
	return ret;
}

void qs_guest_threads_free(struct qs_guest_threads *t)
{
	free(t->threads);
	free(t->walks);
	*t = (struct qs_guest_threads){ 0 };
}
