/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of the guest's clustered-object core (guest/cobj/, the counters,
 * kernel/generation.c) for the C++ tests, compiled hosted: COS_CPUS host
 * threads stand for CPUs, each with an LTT array of its own (the hosted
 * arch layer, guest/hosted/include/arch/cobj.h), and guest threads are
 * just struct threads counted in their CPU's generation. The heap, guest
 * RAM and panic() are guest_mm_shim.c's.
 *
 * COIDs cross this face as `void *` (the C++ side cannot include the guest
 * headers); NULL is "no object".
 */
#ifndef SV_TEST_COBJ_SHIM_H
#define SV_TEST_COBJ_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COS_CPUS 4u

/* Maps guest RAM, sets the page allocator and heap up over it and calls
 * co_init() on CPU 0; the first call does it, later calls only answer the
 * first one's result (co_init runs once per boot, so once per process).
 * 0 on success. */
int cos_init(void);

/* Makes the calling host thread CPU `cpu` (< COS_CPUS): its LTT, and
 * cpu_id() for the heap and the core. */
void cos_set_cpu(unsigned cpu);

/* The LTT region's layout: COIDs are base + i * entry_size. */
uintptr_t cos_ltt_base(void);
uint64_t cos_ltt_entries(void);
size_t cos_ltt_entry_size(void);

/* ---- guest threads (generation accounting only) ---------------------- */

struct thread;
/* A thread on the calling CPU, counted in its current generation. */
struct thread *cos_thread_begin(void);
/* Its end: may complete generation requests (and so run destructions). */
void cos_thread_end(struct thread *t);

/* generation_request() with a callback that adds 1 to *counter. */
int cos_generation_request_count(uint64_t *counter);

/* ---- the core -------------------------------------------------------- */

int cos_destroy(void *id);
uint64_t cos_objects_alive(void);
int cos_in_service(void *id);         /* the GTT entry holds a root */
const void *cos_dref(void *id);       /* this CPU's rep, as DREF sees it */
int cos_entry_is_default(void *id);   /* this CPU's next call will miss */

/* ---- counters (guest/objects/counter.c) ------------------------------ */

void *cos_counter_create_shared(void);
void *cos_counter_create_distributed(void);
void cos_counter_add(void *id, int64_t n);
int64_t cos_counter_value(void *id);

/* ---- test-local objects ---------------------------------------------- */

/* Cluster probe: a co_multi_root of `cpus_per_rep`; its reps know their
 * cluster index. Creating a rep waits (bounded) until the other CPU of
 * the creator's pair has announced its own call, then lingers, so that
 * both CPUs of a cluster are in the miss path together. */
void *cos_cluster_create(unsigned cpus_per_rep);
/* Announces the call (see above), then answers the rep's cluster index. */
uint64_t cos_cluster_call(void *id);
/* create() calls for cluster `index` over all cluster probes so far, and
 * how many of them saw the partner CPU's call in flight. */
uint64_t cos_cluster_creates(unsigned index);
uint64_t cos_cluster_overlaps(void);
void cos_cluster_reset_counts(void);

/* Argument probe: a replicated object whose `take` method has five
 * integer arguments after self (rsi..r9) and three on the stack, eight
 * doubles in xmm0-7 and two on the stack; it records what arrives in its
 * rep and returns cos_args_mix() of it. Its `vsum` method is variadic,
 * its `vec` method takes whole vector registers. */
struct cos_args {
	uint64_t i[8];
	double d[10];
};
uint64_t cos_args_mix(const struct cos_args *a);
void *cos_args_create(void);
/* Calls `take` with *in; copies what the method recorded to *seen. */
uint64_t cos_args_take(void *id, const struct cos_args *in, struct cos_args *seen);
/* Calls `vsum`(self, 10, d[0], .., d[9]): the sum of its variadic doubles,
 * which arrive only if %al (vector registers used) survives the miss. */
double cos_args_vsum(void *id, const double d[10]);
/* Calls `vec`(self, v0, .., v9) with 16-byte vectors {in[2k], in[2k+1]}
 * (v0-v7 in xmm0-7, whose upper halves doubles never use; v8, v9 on the
 * stack); copies what it recorded to seen. */
#define COS_VECS 10u
void cos_args_vec(void *id, const uint64_t in[2 * COS_VECS], uint64_t seen[2 * COS_VECS]);

/* Wide interface: 201 method slots, of which 0, 1 and 200 are filled;
 * each answers (slot << 32) | x. Shared rep. */
#define COS_WIDE_SLOTS 201u
void *cos_wide_create(void);
uint64_t cos_wide_call(void *id, unsigned slot, uint32_t x); /* slot 0, 1 or 200 */

/* Flagged object: one shared rep whose type's destroy counts itself. */
#define COS_FLAGGED_MAGIC 0xf1a99edull
void *cos_flagged_create(void);
uint64_t cos_flagged_call(void *id);
uint64_t cos_flagged_destroys(void);
/* cos_flagged_call under a panic catch: 1 and panic()'s message in msg
 * when it panicked, 0 when it returned. */
int cos_flagged_call_panics(void *id, char *msg, size_t len);

/* Bare object: a root with no reps at all (cheap, for COID tests); its
 * destroy counts itself. NULL when the CPU's COID range is exhausted (the
 * root is freed again). */
void *cos_bare_create(void);
uint64_t cos_bare_destroys(void);

#ifdef __cplusplus
}
#endif

#endif
