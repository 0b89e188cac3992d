/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One stop of the world for a binary patch: pause every vCPU (taking
 * their registers in the same request), collect every guest context from
 * the thread table, walk its stack, check it against the functions whose
 * code is being swapped out, and resume: with the writes, if nothing
 * blocks; without, if something does. The VMM writes, comparing each
 * site's bytes first, so a killed monitor can never leave a torn jump.
 */
#ifndef SV_PATCHER_WORLD_STOP_H
#define SV_PATCHER_WORLD_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code_index.h"
#include "consistency.h"
#include "guest_threads.h"
#include "vmm_session.h"

#define WORLD_WRITE_MAX 16   /* bytes of one write: a jump, or a trampoline */
#define WORLD_WHY_MAX 512

/* Bytes at a guest-virtual address that must read `old` and become `new`. */
struct world_write {
	const char *function;  /* whose entry it is, for messages */
	uint64_t gva;
	uint8_t old[WORLD_WRITE_MAX], new[WORLD_WRITE_MAX];
	size_t len;
};

struct world_stop {
	const struct code_index *code;
	uint64_t thread_table;              /* guest address of sv_thread_table */
	const struct qs_function *fns;      /* no thread may be in these */
	size_t nfns;
	const struct world_write *writes;
	size_t nwrites;
};

struct world_result {
	bool written;           /* the check was clean and the writes are in */
	size_t skipped;         /* writes already in place (a repeated step) */
	uint64_t paused_ns;     /* how long the vCPUs stood still, by the VMM's clock */
	uint64_t check_ns;      /* of which the monitor's reading and checking, by its own */
	struct qs_report report; /* what blocked (empty when written) */
	char why[WORLD_WHY_MAX]; /* blocked for another reason: the table, a vCPU in the bytes */
};

/* One attempt. Returns 0 (written or blocked: see *out, whose report the
 * caller frees with qs_report_free), or -1 with err when the attempt
 * itself failed: the VMM refused, or a site holds bytes that are neither
 * its old nor its new ones. */
int world_stop_once(struct vmm_session *s, const struct world_stop *w, struct world_result *out,
		    char err[SESSION_ERR_MAX]);

#endif
