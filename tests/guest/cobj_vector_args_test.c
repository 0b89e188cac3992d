// SPDX-License-Identifier: GPL-2.0-only
/* The default object's miss path restarts a call with all six integer and
 * all eight vector argument registers intact (full 128 bits each). The
 * caller and the method are in cobj_vector_args.S: kernel C cannot touch
 * vector registers. */
#include <stddef.h>

#include <kernel/co_root.h>
#include <kernel/kernel.h>
#include <kernel/percpu.h>
#include <kernel/test.h>
#include <kernel/thread.h>

#include "wait.h"

/* cobj_vector_args.S */
uint64_t vector_probe_call(coid_t id, const uint64_t ints[5], const void *vecs);
void vector_probe_take(void); /* a method: not callable from C */
void vector_probe_clobber(void);

#define PROBE_SLOT 37 /* the slot vector_probe_call calls */

/* The rep; vector_probe_take fills in what it was called with. */
struct vector_probe {
	const void *ops;
	uint64_t rax;
	uint64_t ints[6];    /* rdi (self), rsi, rdx, rcx, r8, r9 */
	uint64_t vecs[8][2]; /* xmm0..xmm7 */
	uint64_t calls;
};
_Static_assert(offsetof(struct vector_probe, ints) == 16 &&
		       offsetof(struct vector_probe, vecs) == 64 &&
		       offsetof(struct vector_probe, calls) == 192,
	       "the layout cobj_vector_args.S writes");

static void (*const probe_ops[PROBE_SLOT + 1])(void) = { [PROBE_SLOT] = vector_probe_take };

static struct co_rep *probe_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	/* Runs inside the first call's miss: wreck the vector registers as
	 * any SSE code there could, so only the trampoline's restore can
	 * bring the arguments back. */
	vector_probe_clobber();
	return co_rep_alloc(sizeof(struct vector_probe), probe_ops);
}

static const struct co_rep_type probe_type = { .create = probe_create, .destroy = co_rep_free };

/* Word k of what `cpu` passes on call `call`: ints are k 0..4, the vector
 * halves 5..20. Multiplying by an odd constant is one-to-one, so every
 * word differs from every other (per CPU, call and position), none is
 * zero, and both halves of each register have high and low bits set. */
static uint64_t pattern(unsigned cpu, unsigned call, unsigned k)
{
	return (((uint64_t)cpu << 16 | call << 8 | k) + 1) * 0x9e3779b97f4a7c15ull;
}

struct probe_job {
	coid_t id;
	volatile uint64_t finished;
	struct {
		uint64_t was_default; /* the entry was the default object */
		uint64_t returned;    /* the rep the method ran on */
		struct co_rep *rep;   /* this CPU's rep after the call */
		struct vector_probe seen;
	} call[CPUS_MAX][2];
};

static void probe_twice(void *arg)
{
	struct probe_job *job = arg;
	unsigned cpu = cpu_id();

	/* The first call misses and restarts through the trampoline; the
	 * second goes straight to the rep. */
	for (unsigned call = 0; call < 2; call++) {
		uint64_t ints[5], vecs[8][2];

		for (unsigned k = 0; k < 5; k++)
			ints[k] = pattern(cpu, call, k);
		for (unsigned k = 0; k < 16; k++)
			vecs[k / 2][k % 2] = pattern(cpu, call, 5 + k);
		job->call[cpu][call].was_default =
			co_dref(job->id) == (struct co_rep *)&co_entry(job->id)->default_ops;
		job->call[cpu][call].returned = vector_probe_call(job->id, ints, vecs);
		job->call[cpu][call].rep = co_dref(job->id);
		job->call[cpu][call].seen = *(struct vector_probe *)co_dref(job->id);
	}
	__atomic_add_fetch(&job->finished, 1, __ATOMIC_ACQ_REL);
}

SV_TEST(miss_restarts_the_call_with_vector_arguments_intact)
{
	static struct probe_job job;

	job = (struct probe_job){ .id = co_multi_create(&probe_type, 1) };
	SV_ASSERT(job.id != NULL);
	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		SV_ASSERT(thread_create_on(cpu, probe_twice, &job, 0));
	SV_ASSERT(wait_for(&job.finished, cpus_online(), 30000));

	for (unsigned cpu = 0; cpu < cpus_online(); cpu++)
		for (unsigned call = 0; call < 2; call++) {
			const struct vector_probe *seen = &job.call[cpu][call].seen;

			SV_ASSERT_EQ(job.call[cpu][call].was_default, call == 0);
			SV_ASSERT_EQ(job.call[cpu][call].returned, job.call[cpu][call].rep);
			SV_ASSERT_EQ(seen->calls, call + 1);
			SV_ASSERT_EQ(seen->rax, 8);
			SV_ASSERT_EQ(seen->ints[0], job.call[cpu][call].rep); /* self */
			for (unsigned k = 0; k < 5; k++)
				SV_ASSERT_EQ(seen->ints[1 + k], pattern(cpu, call, k));
			for (unsigned k = 0; k < 16; k++)
				SV_ASSERT_EQ(seen->vecs[k / 2][k % 2], pattern(cpu, call, 5 + k));
		}
	SV_ASSERT_EQ(co_destroy(job.id), 0);
}
