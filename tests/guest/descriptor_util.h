/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory-descriptor allocator in guest tests: its fix, the patch's own
 * (tests/patches/descriptor_lock.c, built into the test kernel), and
 * SV_OP_DESCRIPTORS as a load call.
 */
#ifndef SV_TESTS_GUEST_DESCRIPTOR_UTIL_H
#define SV_TESTS_GUEST_DESCRIPTOR_UTIL_H

#include <stdint.h>

#include "load.h"

struct co_root;

/* A fixed version's root, empty until a swap transfers the state in;
 * NULL when out of memory. */
struct co_root *descriptor_fix_root(void);

/* A load call: one SV_OP_DESCRIPTORS request through the ring's table of
 * operations taking (uintptr_t)l->arg descriptors; answers its
 * collisions. A request that fails adds to descriptor_load_errors. */
int64_t descriptor_load_call(struct load *l, unsigned cpu, uint64_t i);
extern uint64_t descriptor_load_errors;

/* One SV_OP_DESCRIPTORS request; its status, *collisions its value. */
int descriptor_request(uint64_t n, uint64_t hold_ms, uint64_t *collisions);

#endif
