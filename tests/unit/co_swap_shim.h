/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of interposition and hot swap (guest/cobj/interpose.c,
 * hot_swap.c) for co_swap_test.cc, over cobj_shim's hosted core. Guest
 * threads are hosted_threads.h's; the calling host thread of a swap is a
 * daemon unless it has begun a guest thread (cos_thread_begin).
 *
 * Objects, roots, interposers and swaps cross as `void *`.
 */
#ifndef SV_TEST_CO_SWAP_SHIM_H
#define SV_TEST_CO_SWAP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- swaps -------------------------------------------------------------- */

/* Counter roots (guest/objects/counter.c), not yet in any GTT entry. */
void *css_counter_root(int distributed);
int64_t css_root_total(void *counter_root);
void *css_root_of(void *id);
void css_root_destroy(void *root); /* one never swapped in */

int css_hot_swap(void *id, void *to, uint64_t timeout_us, void **swap);
/* The same, with the report's account of what a timeout waited for
 * copied into blockers[cap]. */
int css_hot_swap_reported(void *id, void *to, uint64_t timeout_us, void **swap, char *blockers,
			  size_t cap);
void css_commit(void *swap);
int css_rollback(void *swap, uint64_t timeout_us);
void *css_old_root(void *swap);
const char *css_strerror(int error);
int css_negotiate(uint64_t exports, uint64_t imports);

/* The error codes of kernel/co_swap.h. */
extern const int CSS_OK, CSS_ENOENT, CSS_EBUSY, CSS_ENOFORMAT, CSS_ETIMEDOUT, CSS_ECALLER;

/* ---- probe objects ------------------------------------------------------ */

/* A shared-rep object that counts, recurses and waits at a gate; its
 * roots transfer the count in format 0 (as a counter's TOTAL), so a probe
 * swaps with a new probe root (a null swap). An alien probe root speaks
 * only format 5, which nothing else does. */
void *css_probe_create(void);
void *css_probe_root(void);
void *css_probe_root_alien(void);
void css_probe_add(void *id, int64_t n);
int64_t css_probe_value(void *id);
/* Calls recurse(depth) on `a`, which sleeps `sleep_us` and calls
 * recurse(depth - 1) on `b`, which calls back on `a`, and so on; answers
 * the depth reached (depth + 1 calls). a == b is plain recursion. */
uint64_t css_probe_recurse(void *a, void *b, unsigned depth, unsigned sleep_us);
/* Adds 1 on entry, then waits (sleeping) until *open is nonzero. */
void css_probe_gate(void *id, const int *open);

/* ---- interposer --------------------------------------------------------- */

/* A wrapper that counts precalls and postcalls per method and, when
 * `meddle` is set, doubles add's argument and adds 1000 to value's
 * result. */
void *css_tap_attach(void *id, int meddle);
int css_tap_detach(void *tap);
uint64_t css_tap_precalls(void *tap, unsigned method);
uint64_t css_tap_postcalls(void *tap, unsigned method);
/* Frees the tap once released. */
void css_tap_free(void *tap);
/* Taps whose wrapper has been released (after detach and quiescence). */
uint64_t css_taps_released(void);
/* Method numbers of the probe interface. */
extern const unsigned CSS_ADD, CSS_VALUE, CSS_RECURSE;

#ifdef __cplusplus
}
#endif

#endif
