/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-process scenarios over the VMM's machine API (vmm/vm.h), each booting
 * a test guest and driving one primitive. Plain C with plain types so the
 * GoogleTest side never includes vm.h.
 */
#ifndef SV_TEST_MACHINE_SCENARIOS_H
#define SV_TEST_MACHINE_SCENARIOS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Single-steps a vCPU of a guest started paused from its entry until rip
 * reaches `until`, one instruction per call; *steps gets how many it took
 * (stopping at `limit`). Then checks a single call of that many steps
 * lands on `until` too (*rip_after_batch). Returns 0 or -errno. */
int scenario_single_step(const char *kernel, uint64_t until, uint64_t limit,
			 uint64_t *steps, uint64_t *rip_after_batch);

struct trapped_write {
	uint64_t gpa;
	uint64_t value;
	unsigned len;
	unsigned cpu;
};

#define PROTECT_LOG_MAX 32

struct protect_result {
	int exit_status;
	unsigned nwrites;
	struct trapped_write writes[PROTECT_LOG_MAX];
	uint64_t mmio_exits; /* on vCPU 0 */
};

/* Protects the page at page_gpa before the guest runs, with a hook that
 * logs every write and refuses the value `refused`; runs the guest to its
 * exit. */
int scenario_protect(const char *kernel, uint64_t page_gpa, uint32_t refused,
		     struct protect_result *res);

/* Enables dirty logging before the guest runs, runs it to its exit, and
 * sets bit i of *dirty for each dirty page i of the npages (<= 64) at
 * buffer_gpa. */
int scenario_dirty_log(const char *kernel, uint64_t buffer_gpa, unsigned npages,
		       uint64_t *dirty);

struct pause_result {
	uint64_t pause_ns;        /* time until every vCPU acknowledged */
	int all_parked;           /* every vCPU reported PAUSED */
	int frozen;               /* no progress counter moved while paused */
	int moved_after_resume;   /* every counter moved after resume */
};

/* Boots the spin guest on ncpus, waits for `ready`, pauses, checks that
 * progress[] stands still for a while, resumes and checks it moves. */
int scenario_pause_resume(const char *kernel, unsigned ncpus, uint64_t ready_gpa,
			  uint64_t progress_gpa, struct pause_result *res);

#ifdef __cplusplus
}
#endif

#endif
