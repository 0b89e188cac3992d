/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A C face of vmm/control_request.h for the C++ tests: plain types only,
 * so the VMM's C11 headers (jansson types, _Atomic) never compile as C++.
 */
#ifndef SV_TEST_CONTROL_REQUEST_SHIM_H
#define SV_TEST_CONTROL_REQUEST_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct crs_request {
	char cmd[16]; /* the command's protocol name, "read-phys" */
	unsigned cpu;
	uint64_t addr;
	uint64_t len;
	uint64_t vaddr;
	int status;
	unsigned policy; /* fcm-policy: 0 shared, 1 replicated, 2 adaptive */
	bool settle;     /* guest-stats */
	/* patch-step: the sv_patch_step_req it becomes */
	unsigned step, step_flags, handle, change, first, count;
	uint64_t module, timeout_us;
	char id[128]; /* the "id" as compact JSON, "" when the request had none */
};

/* control_request_parse() on line[0..len): returns 0, or -1 with the error
 * message in err (and out->id still filled when an "id" was readable). */
int crs_parse(const char *line, size_t len, struct crs_request *out,
	      char *err, size_t err_size);

/* control_cmd_name(), or NULL. */
const char *crs_cmd_name(int cmd);
int crs_cmd_count(void);

#ifdef __cplusplus
}
#endif

#endif
