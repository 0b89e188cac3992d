/* SPDX-License-Identifier: GPL-2.0-only */
/* A C face of the load generator's core (tools/loadgen/engine.h) run
 * against the fake guest, for the C++ tests. */
#ifndef SV_TEST_LOADGEN_SHIM_H
#define SV_TEST_LOADGEN_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_fault.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lgs_config {
	int mix;               /* enum lg_mix_kind: 0 postmark, 1 sdet, 2 malformed */
	unsigned queues, concurrency, files;
	uint64_t requests;
	double rate;
	unsigned lost_after_ms;
	enum fake_fault fault;
	uint32_t fault_op;
	uint64_t fault_after;
	bool checksum_bug;     /* the fake answers checksums as the unpatched kernel */
};

struct lgs_result {
	int ret;
	uint64_t requests, ok, wrong, lost, late, rejected, errors;
	char first_error[256];
	uint64_t guest_served;
	/* The host's CLOCK_MONOTONIC just before and after the run, and what
	 * its JSON report says: its start, and the latencies summed over
	 * every window's histogram. */
	int64_t before_ns, after_ns;
	int64_t report_start_ns;
	uint64_t report_window_latencies;
	uint64_t report_checksums_right, report_checksums_buggy;
};

struct lgs_result lgs_run(const struct lgs_config *cfg);

struct lgs_verdict {
	enum lg_verdict verdict;
	char why[256];
};

/* lg_verify on `answer` to an SV_OP_CHECKSUM of a file /dir/file holding
 * content[0..len). */
struct lgs_verdict lgs_verify_checksum(const uint8_t *content, size_t len, uint64_t answer);

#ifdef __cplusplus
}
#endif

#endif
