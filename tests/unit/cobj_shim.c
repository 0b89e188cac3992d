// SPDX-License-Identifier: GPL-2.0-only
/* The hosted side of guest/cobj/ for cobj_test.cc: see cobj_shim.h. */
#include "cobj_shim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <kernel/co_root.h>
#include <kernel/cobj.h>
#include <kernel/counter.h>
#include <kernel/generation.h>
#include <kernel/heap.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/thread.h>

#include "guest_mm_shim.h"
#include "hosted_panic.h"
#include "hosted_threads.h"

/* ---- the hosted arch layer ------------------------------------------ */

_Thread_local struct co_ltt_entry *hosted_ltt;
static struct co_ltt_entry ltts[COS_CPUS][ARCH_LTT_ENTRIES];

struct co_ltt_entry *arch_ltt_of(unsigned cpu)
{
	if (cpu >= COS_CPUS) {
		fprintf(stderr, "cobj_shim: no LTT for CPU %u\n", cpu);
		abort();
	}
	return ltts[cpu];
}

unsigned cpus_online(void)
{
	return COS_CPUS;
}

void cos_set_cpu(unsigned cpu)
{
	hosted_ltt = arch_ltt_of(cpu); /* aborts for a CPU we do not have */
	gmm_set_cpu(cpu);
}

uintptr_t cos_ltt_base(void)
{
	return (uintptr_t)ARCH_LTT_BASE;
}

uint64_t cos_ltt_entries(void)
{
	return ARCH_LTT_ENTRIES;
}

size_t cos_ltt_entry_size(void)
{
	return sizeof(struct co_ltt_entry);
}

/* ---- set-up ------------------------------------------------------------ */

#define RAM_SIZE (128ull << 20)

/* As guest_mm_test's Heap fixture: one RAM region, all of it managed. */
static int init_once(void)
{
	struct gmm_region r;
	void *ram = gmm_ram_map(RAM_SIZE);

	if (!ram)
		return -1;
	r.base = (uintptr_t)ram;
	r.size = RAM_SIZE;
	r.type = GMM_RAM;
	cos_set_cpu(0);
	if (gmm_page_init(&r, 1, r.base, 0) != 0)
		return -2;
	if (gmm_heap_init(r.base, r.base + RAM_SIZE) != 0)
		return -3;
	co_init();
	return 0;
}

int cos_init(void)
{
	static int done, result;

	/* Called from the test's main thread only (suite set-up). */
	if (!done) {
		result = init_once();
		done = 1;
	}
	return result;
}

/* ---- guest threads ----------------------------------------------------- */

struct thread *cos_thread_begin(void)
{
	return hosted_thread_begin(cpu_id());
}

void cos_thread_end(struct thread *t)
{
	hosted_thread_end(t);
}

static void count_callback(void *arg)
{
	__atomic_add_fetch((uint64_t *)arg, 1, __ATOMIC_RELEASE);
}

int cos_generation_request_count(uint64_t *counter)
{
	return generation_request(count_callback, counter);
}

/* ---- the core ---------------------------------------------------------- */

int cos_destroy(void *id)
{
	return co_destroy(id);
}

uint64_t cos_objects_alive(void)
{
	return co_objects_alive();
}

int cos_in_service(void *id)
{
	return co_root_of(id) != NULL;
}

const void *cos_dref(void *id)
{
	return co_dref(id);
}

int cos_entry_is_default(void *id)
{
	return co_dref(id) == (struct co_rep *)&co_entry(id)->default_ops;
}

/* ---- counters ---------------------------------------------------------- */

void *cos_counter_create_shared(void)
{
	return counter_create_shared();
}

void *cos_counter_create_distributed(void)
{
	return counter_create_distributed();
}

void cos_counter_add(void *id, int64_t n)
{
	counter_add(id, n);
}

int64_t cos_counter_value(void *id)
{
	return counter_value(id);
}

/* ---- cluster probe ----------------------------------------------------- */

struct cluster_probe;
struct cluster_probe_ops {
	uint64_t (*cluster)(struct cluster_probe *self);
};
struct cluster_probe {
	const struct cluster_probe_ops *ops;
	uint64_t cluster;
};

static uint64_t calls_announced[COS_CPUS]; /* per CPU: calls begun so far */
static uint64_t cluster_creates[CPUS_MAX];
static uint64_t cluster_overlaps;

static uint64_t probe_cluster(struct cluster_probe *self)
{
	return self->cluster;
}

static const struct cluster_probe_ops cluster_probe_ops = { probe_cluster };

static void sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Waits up to a second for the creator's partner (the other CPU of its
 * pair) to have begun as many calls as the creator: it is then in the
 * miss path of the same object (the test calls in lockstep rounds), and
 * lingering lets it reach the root's lock while this rep is not yet
 * published. */
static int partner_in_flight(void)
{
	unsigned cpu = cpu_id(), partner = cpu ^ 1;
	uint64_t mine = __atomic_load_n(&calls_announced[cpu], __ATOMIC_ACQUIRE);
	uint64_t deadline = now_ns() + 1000000000ull;

	while (now_ns() < deadline) {
		if (__atomic_load_n(&calls_announced[partner], __ATOMIC_ACQUIRE) >= mine) {
			sleep_us(2000);
			return 1;
		}
		sleep_us(10);
	}
	return 0;
}

static struct co_rep *cluster_create(struct co_multi_root *root, unsigned index)
{
	struct cluster_probe *rep =
		(struct cluster_probe *)co_rep_alloc(sizeof(*rep), &cluster_probe_ops);

	(void)root;
	__atomic_add_fetch(&cluster_creates[index], 1, __ATOMIC_RELAXED);
	if (partner_in_flight())
		__atomic_add_fetch(&cluster_overlaps, 1, __ATOMIC_RELAXED);
	if (rep)
		rep->cluster = index;
	return (struct co_rep *)rep;
}

static const struct co_rep_type cluster_type = { .create = cluster_create, .destroy = co_rep_free };

void *cos_cluster_create(unsigned cpus_per_rep)
{
	return co_multi_create(&cluster_type, cpus_per_rep);
}

uint64_t cos_cluster_call(void *id)
{
	__atomic_add_fetch(&calls_announced[cpu_id()], 1, __ATOMIC_RELEASE);
	return CO_CALL(struct cluster_probe, (coid_t)id, cluster);
}

uint64_t cos_cluster_creates(unsigned index)
{
	return __atomic_load_n(&cluster_creates[index], __ATOMIC_RELAXED);
}

uint64_t cos_cluster_overlaps(void)
{
	return __atomic_load_n(&cluster_overlaps, __ATOMIC_RELAXED);
}

void cos_cluster_reset_counts(void)
{
	for (unsigned i = 0; i < CPUS_MAX; i++)
		__atomic_store_n(&cluster_creates[i], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&cluster_overlaps, 0, __ATOMIC_RELAXED);
}

/* ---- argument probe ---------------------------------------------------- */

/* 16 bytes, passed whole in an xmm register (or on the stack). */
typedef uint64_t v2u64 __attribute__((vector_size(16)));

struct args_probe;
struct args_probe_ops {
	uint64_t (*take)(struct args_probe *self, uint64_t i0, uint64_t i1, uint64_t i2,
			 uint64_t i3, uint64_t i4, uint64_t i5, uint64_t i6, uint64_t i7,
			 double d0, double d1, double d2, double d3, double d4, double d5,
			 double d6, double d7, double d8, double d9);
	double (*vsum)(struct args_probe *self, unsigned n, ...);
	void (*vec)(struct args_probe *self, v2u64 v0, v2u64 v1, v2u64 v2, v2u64 v3,
		    v2u64 v4, v2u64 v5, v2u64 v6, v2u64 v7, v2u64 v8, v2u64 v9);
};
struct args_probe {
	const struct args_probe_ops *ops;
	v2u64 seen_vec[COS_VECS]; /* a rep per CPU: only its CPU writes it */
};

/* What `take` last received on this CPU (host thread), wherever its rep is
 * reached from (an interposer's rep stands in front of it). */
static _Thread_local struct cos_args take_seen;

uint64_t cos_args_mix(const struct cos_args *a)
{
	uint64_t h = 0xcbf29ce484222325ull;

	/* Position-dependent, so a swapped pair changes the answer too. */
	for (unsigned k = 0; k < 8; k++)
		h = (h ^ a->i[k]) * 0x100000001b3ull;
	for (unsigned k = 0; k < 10; k++) {
		uint64_t bits;
		__builtin_memcpy(&bits, &a->d[k], sizeof(bits));
		h = (h ^ bits) * 0x100000001b3ull;
	}
	return h;
}

static uint64_t args_take(struct args_probe *self, uint64_t i0, uint64_t i1, uint64_t i2,
			  uint64_t i3, uint64_t i4, uint64_t i5, uint64_t i6, uint64_t i7,
			  double d0, double d1, double d2, double d3, double d4, double d5,
			  double d6, double d7, double d8, double d9)
{
	(void)self;
	take_seen = (struct cos_args){
		.i = { i0, i1, i2, i3, i4, i5, i6, i7 },
		.d = { d0, d1, d2, d3, d4, d5, d6, d7, d8, d9 },
	};
	return cos_args_mix(&take_seen);
}

static double args_vsum(struct args_probe *self, unsigned n, ...)
{
	va_list ap;
	double sum = 0;

	(void)self;
	va_start(ap, n);
	for (unsigned k = 0; k < n; k++)
		sum += va_arg(ap, double);
	va_end(ap);
	return sum;
}

static void args_vec(struct args_probe *self, v2u64 v0, v2u64 v1, v2u64 v2, v2u64 v3,
		     v2u64 v4, v2u64 v5, v2u64 v6, v2u64 v7, v2u64 v8, v2u64 v9)
{
	const v2u64 v[COS_VECS] = { v0, v1, v2, v3, v4, v5, v6, v7, v8, v9 };

	for (unsigned k = 0; k < COS_VECS; k++)
		self->seen_vec[k] = v[k];
}

static const struct args_probe_ops args_probe_ops = { args_take, args_vsum, args_vec };

static struct co_rep *args_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct args_probe), &args_probe_ops);
}

static const struct co_rep_type args_type = { .create = args_create, .destroy = co_rep_free };

void *cos_args_create(void)
{
	return co_multi_create(&args_type, 1);
}

uint64_t cos_args_take(void *id, const struct cos_args *in, struct cos_args *seen)
{
	const uint64_t *i = in->i;
	const double *d = in->d;
	uint64_t answer = CO_CALL(struct args_probe, (coid_t)id, take, i[0], i[1], i[2], i[3],
				  i[4], i[5], i[6], i[7], d[0], d[1], d[2], d[3], d[4], d[5],
				  d[6], d[7], d[8], d[9]);

	*seen = take_seen;
	return answer;
}

double cos_args_vsum(void *id, const double d[10])
{
	return CO_CALL(struct args_probe, (coid_t)id, vsum, 10, d[0], d[1], d[2], d[3], d[4],
		       d[5], d[6], d[7], d[8], d[9]);
}

void cos_args_vec(void *id, const uint64_t in[2 * COS_VECS], uint64_t seen[2 * COS_VECS])
{
	v2u64 v[COS_VECS];

	for (unsigned k = 0; k < COS_VECS; k++)
		v[k] = (v2u64){ in[2 * k], in[2 * k + 1] };
	CO_CALL(struct args_probe, (coid_t)id, vec, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
		v[7], v[8], v[9]);
	for (unsigned k = 0; k < COS_VECS; k++) {
		v2u64 got = DREF(struct args_probe, (coid_t)id)->seen_vec[k];
		seen[2 * k] = got[0];
		seen[2 * k + 1] = got[1];
	}
}

/* ---- wide interface ---------------------------------------------------- */

struct wide;
struct wide_ops {
	uint64_t (*slot[COS_WIDE_SLOTS])(struct wide *self, uint32_t x);
};
struct wide {
	const struct wide_ops *ops;
};

/* Every slot but 0, 1 and 200: a miss restarting on the wrong slot
 * answers this instead of the slot's own value. */
static uint64_t wide_wrong(struct wide *self, uint32_t x)
{
	(void)self;
	(void)x;
	return UINT64_MAX;
}

#define WIDE_METHOD(n)                                          \
	static uint64_t wide_##n(struct wide *self, uint32_t x) \
	{                                                       \
		(void)self;                                     \
		return (uint64_t)(n) << 32 | x;                 \
	}
WIDE_METHOD(0)
WIDE_METHOD(1)
WIDE_METHOD(200)

static const struct wide_ops wide_ops = {
	.slot = { [0] = wide_0, [1] = wide_1, [2 ... 199] = wide_wrong, [200] = wide_200 },
};

_Static_assert(COS_WIDE_SLOTS <= CO_METHODS_MAX, "the default object covers every slot");

static struct co_rep *wide_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct wide), &wide_ops);
}

static const struct co_rep_type wide_type = { .create = wide_create, .destroy = co_rep_free };

void *cos_wide_create(void)
{
	return co_multi_create(&wide_type, CO_SHARED);
}

uint64_t cos_wide_call(void *id, unsigned slot, uint32_t x)
{
	coid_t c = id;

	/* Constant indices: each call site names its method as CO_CALL users do. */
	switch (slot) {
	case 0:
		return CO_CALL(struct wide, c, slot[0], x);
	case 1:
		return CO_CALL(struct wide, c, slot[1], x);
	case 200:
		return CO_CALL(struct wide, c, slot[200], x);
	}
	abort();
}

/* ---- flagged object ---------------------------------------------------- */

struct flagged;
struct flagged_ops {
	uint64_t (*get)(struct flagged *self);
};
struct flagged {
	const struct flagged_ops *ops;
};

static uint64_t flagged_destroys;

static uint64_t flagged_get(struct flagged *self)
{
	(void)self;
	return COS_FLAGGED_MAGIC;
}

static const struct flagged_ops flagged_ops = { flagged_get };

static struct co_rep *flagged_create(struct co_multi_root *root, unsigned index)
{
	(void)root;
	(void)index;
	return co_rep_alloc(sizeof(struct flagged), &flagged_ops);
}

static void flagged_destroy(struct co_rep *rep)
{
	co_rep_free(rep);
	__atomic_add_fetch(&flagged_destroys, 1, __ATOMIC_RELEASE);
}

static const struct co_rep_type flagged_type = { .create = flagged_create, .destroy = flagged_destroy };

void *cos_flagged_create(void)
{
	return co_multi_create(&flagged_type, CO_SHARED);
}

uint64_t cos_flagged_call(void *id)
{
	return CO_CALL(struct flagged, (coid_t)id, get);
}

uint64_t cos_flagged_destroys(void)
{
	return __atomic_load_n(&flagged_destroys, __ATOMIC_ACQUIRE);
}

static void flagged_call_discarding(void *id)
{
	(void)cos_flagged_call(id);
}

int cos_flagged_call_panics(void *id, char *msg, size_t len)
{
	return hosted_call_panics(flagged_call_discarding, id, msg, len);
}

/* ---- bare object ------------------------------------------------------- */

static uint64_t bare_destroys;

/* No reps: a call would panic in the miss path (the COID tests make none). */
static struct co_rep *bare_handle_miss(struct co_root *root, coid_t id, unsigned cpu)
{
	(void)root;
	(void)id;
	(void)cpu;
	return NULL;
}

static void bare_destroy(struct co_root *root)
{
	kfree(root);
	__atomic_add_fetch(&bare_destroys, 1, __ATOMIC_RELEASE);
}

static const struct co_root_ops bare_ops = { bare_handle_miss, bare_destroy };

void *cos_bare_create(void)
{
	struct co_root *root = kzalloc(sizeof(*root));
	coid_t id;

	if (!root)
		return NULL;
	root->ops = &bare_ops;
	id = co_create(root);
	if (!id)
		kfree(root);
	return id;
}

uint64_t cos_bare_destroys(void)
{
	return __atomic_load_n(&bare_destroys, __ATOMIC_ACQUIRE);
}
