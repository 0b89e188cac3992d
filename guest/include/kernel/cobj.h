/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Clustered objects (seed 000 §2). An object is reached only through its
 * COID, the address of its entry in the local translation table (LTT): a
 * region every CPU maps at the same address onto its own frames, so one
 * COID names a different representative (rep) on each CPU. A rep's first
 * word points at its interface, a struct of function pointers, and a call
 * is rep->ops->method(rep, ...):
 *
 *	struct counter { const struct counter_ops *ops; ... };
 *	CO_CALL(struct counter, id, inc, 1);
 *
 * An LTT entry no CPU has used yet yields the default object: the entry's
 * second word, whose interface sends every method to a trampoline that
 * saves the argument registers, asks the object's root (in the global
 * translation table, GTT) for this CPU's rep, installs it, and restarts
 * the call on it. Roots decide distribution (kernel/co_roots.h).
 */
#ifndef SV_KERNEL_COBJ_H
#define SV_KERNEL_COBJ_H

#include <stddef.h>
#include <stdint.h>

/* The first word of every rep. */
struct co_rep {
	const void *ops;
};

/* An LTT entry: the rep this CPU calls, or its own default_ops word. */
struct co_ltt_entry {
	struct co_rep *rep;
	const void *default_ops;
};

/* A COID: an entry's address in the LTT region. */
typedef struct co_ltt_entry *coid_t;

#include <arch/cobj.h> /* ARCH_LTT_BASE, arch_ltt_local/_view/_of() */

/* Methods the default object (and every interposer) can tell apart. */
#define CO_METHODS_MAX 256

struct co_root;

/* This CPU's entry for an object. */
static inline struct co_ltt_entry *co_entry(coid_t id)
{
	return arch_ltt_local() + (id - ARCH_LTT_BASE);
}

/* The rep this CPU calls: one load (the entry may be swung under us). */
static inline struct co_rep *co_dref(coid_t id)
{
	return __atomic_load_n(&co_entry(id)->rep, __ATOMIC_ACQUIRE);
}

#define DREF(type, id) ((type *)co_dref(id))

/* Calls `method` of the object: the rep is loaded once, so ops and self
 * always come from the same rep. Methods return at most 16 bytes: a larger
 * struct comes back through a hidden pointer in rdi, which would push self
 * out of the register the default object's trampoline reads it from. */
#define CO_CALL(type, id, method, ...)                                   \
	({                                                               \
		type *co_self_ = DREF(type, id);                         \
		co_self_->ops->method(co_self_, ##__VA_ARGS__);          \
	})

/* The method number of `method` in interface `ops_type`. */
#define CO_METHOD(ops_type, method) (offsetof(ops_type, method) / sizeof(void (*)(void)))

/* Set-up: CPU 0 fills every online CPU's LTT with default entries. */
void co_init(void);

/* Allocates a COID from the calling CPU's range (no lock) and installs
 * `root` in its GTT entry; NULL when the range is exhausted. */
coid_t co_create(struct co_root *root);

/* Takes the object out of service: later calls panic, and after every
 * thread alive now has ended (generation quiescence) the root's destroy
 * runs and the COID is freed. Returns 0, or -1 when out of memory. */
int co_destroy(coid_t id);

/* Makes `rep` this CPU's rep for `id` (for roots handling a miss). */
void co_install(coid_t id, struct co_rep *rep);

/* Resets `cpu`'s entry for `id` to the default object, so its next call
 * misses (from any CPU, through the arch layer's alias of that LTT). */
void co_reset_entry(unsigned cpu, coid_t id);

/* The root in the GTT entry (NULL once destroyed). */
struct co_root *co_root_of(coid_t id);

/* COIDs in use, over all CPUs (leak checks). */
uint64_t co_objects_alive(void);

/* The miss path, called by the default object's trampoline. */
struct co_rep *co_handle_miss(struct co_rep *default_self, unsigned method);

/* The default object's interface: CO_METHODS_MAX trampoline entries. */
extern const void *const co_default_ops[CO_METHODS_MAX];

#endif
