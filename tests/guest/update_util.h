/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the update engine's self-tests: a module built in the test
 * (static manifest records) is copied into the patch area's data half,
 * where LOAD accepts it as it would a module the host wrote, and its
 * steps are driven through update_step, the function SV_CTL_PATCH calls.
 */
#ifndef SV_TESTS_GUEST_UPDATE_UTIL_H
#define SV_TESTS_GUEST_UPDATE_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/update.h>
#include <sv/patch.h>

#define UPDATE_TEST_TIMEOUT_US 10000000ull

/* What a test module holds (NULL tables for none). */
struct test_module {
	const char *id;
	const struct sv_patch_class *classes;
	uint64_t nclasses;
	const struct sv_patch_check *checks;
	uint64_t nchecks;
};

/* Copies the module's records into the patch area and LOADs it: its
 * handle, or 0 (the test failed with the step's detail). */
uint32_t update_test_load(const struct test_module *tm);

/* One step; the answer in *resp (detail printed on failure). */
int update_test_step(uint32_t step, uint32_t flags, uint32_t handle, uint32_t change,
		     uint32_t first, uint32_t count, struct sv_patch_step_resp *resp);

/* Whether the detail of a failed step contains `text`. */
bool update_test_detail_has(const struct sv_patch_step_resp *resp, const char *text);

#endif
