/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake guest for quiesce/'s unit tests: a stack in a host buffer at a
 * guest-virtual address, pages of it made unreadable on demand, a table
 * of functions the classifier answers from as the monitor's will (a C
 * function's prologue and its ret, frameless leaves, assembly, the trap
 * entry), and the guest's own trap frame struct to push.
 */
#ifndef SV_TEST_QUIESCE_SHIM_H
#define SV_TEST_QUIESCE_SHIM_H

#include <stdint.h>

#include "report.h"
#include "stack_walk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QSS_PAGE 4096ull

enum qss_kind {
	QSS_C,           /* push rbp; mov rbp, rsp; ...; pop rbp; ret (at ret_at) */
	QSS_LEAF,        /* frameless, pushes nothing */
	QSS_ASM,         /* no frame discipline */
	QSS_TRAP_ENTRY,  /* assembly whose call of the handler returns to ret_at */
};

struct qss_guest;

/* Memory [base, base + size), zeroed; NULL when out of memory. */
struct qss_guest *qss_guest_new(uint64_t base, uint64_t size);
void qss_guest_free(struct qss_guest *g);

/* The walker's view of this guest. */
struct qs_walk_env qss_env(struct qss_guest *g);

void qss_put(struct qss_guest *g, uint64_t gva, uint64_t value);
/* The host address of gva, for guest code run on the buffer. */
void *qss_host(struct qss_guest *g, uint64_t gva);
/* The page holding gva reads as a fault from now on. */
void qss_unreadable(struct qss_guest *g, uint64_t gva);
/* Reads that were anything but one 8-byte-aligned word. */
unsigned qss_odd_reads(const struct qss_guest *g);

/* A function [start, end); ret_at is QSS_C's ret (0: none) or
 * QSS_TRAP_ENTRY's return site. Returns 0, or -1 when the table is full. */
int qss_function(struct qss_guest *g, uint64_t start, uint64_t end, enum qss_kind kind,
		 uint64_t ret_at);

/* Pushes the guest's struct trap_frame as the CPU and traps.S would for
 * an interrupt at (rip, rsp, rbp): below rsp rounded down to 16. Returns
 * the frame's address, the stack pointer at traps.S's call. */
uint64_t qss_push_trap_frame(struct qss_guest *g, uint64_t rip, uint64_t rsp, uint64_t rbp);

/* The guest's arch_stack_init (guest/x86_64/stack.c) run on this stack:
 * the saved_rsp of a thread created with that top and entry. */
uint64_t qss_new_thread(struct qss_guest *g, uint64_t top, uint64_t entry);

/* qs_report_json dumped compactly; malloc'd, NULL when out of memory. */
char *qss_report_json(const struct qs_report *r);

#ifdef __cplusplus
}
#endif

#endif
